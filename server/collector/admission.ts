import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../http/errors.ts';

export interface AdmissionLimits {
  /** Requests being read, parsed, stored or answered at once. */
  maxInFlight: number;
  /** Bytes of bodies being read or parsed at once (by Content-Length; the body limit when unknown). */
  maxBytes: number;
  /** Bodies larger than this are refused (413) anyway: what a request without a length counts as. */
  maxBodyBytes: number;
}

export interface AdmissionCounts {
  inFlight: number;
  bytes: number;
  admitted: number;
  /** Answered 503 busy, with Retry-After. */
  refused: number;
  /** Gone (the client closed the connection) before the answer: their work was stopped. */
  abandoned: number;
}

const WINDOW_MS = 10_000;
const MIN_RETRY_S = 1;
const MAX_RETRY_S = 120;

/**
 * Admission control for uploads: a request beyond the bounds is answered `503` with `Retry-After` at
 * once, before its body is read. Each refused request is given its own turn: turns are handed out
 * one after another at the rate the collector has been finishing requests, so kiosks that were
 * refused together come back spread out instead of all at once.
 */
export class Admission {
  private inFlight = 0;
  private bytes = 0;
  private admitted = 0;
  private refused = 0;
  private abandoned = 0;
  private readonly finished: number[] = [];
  private nextTurnAt = 0;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  counts(): AdmissionCounts {
    return {
      inFlight: this.inFlight,
      bytes: this.bytes,
      admitted: this.admitted,
      refused: this.refused,
      abandoned: this.abandoned,
    };
  }

  /** Requests finished per second lately; before there is enough to tell, the in-flight bound. */
  private rate(now: number): number {
    while (this.finished.length > 0 && (this.finished[0] as number) < now - WINDOW_MS) this.finished.shift();
    const first = this.finished[0];
    if (first === undefined || this.finished.length < 20) return this.limits.maxInFlight;
    return this.finished.length / Math.max(1, (now - first) / 1000);
  }

  /** Seconds until a refused request's turn. */
  retryAfterS(): number {
    const now = this.now();
    const turn = Math.max(this.nextTurnAt, now + MIN_RETRY_S * 1000);
    this.nextTurnAt = turn + 1000 / this.rate(now);
    return Math.min(MAX_RETRY_S, Math.max(MIN_RETRY_S, Math.ceil((turn - now) / 1000)));
  }

  /** A refusal for when the collector cannot serve now (its database is out of reach or overloaded). */
  busy(reason?: { zh: string; en: string }): HttpError & { retryAfterS: number } {
    this.refused++;
    const error = new HttpError(503, 'busy', {
      zh: `区级接收端繁忙${reason ? `（${reason.zh}）` : ''}，请按 Retry-After 稍后重发`,
      en: `the collector is busy${reason ? ` (${reason.en})` : ''}: send again after Retry-After`,
    }) as HttpError & { retryAfterS: number };
    error.retryAfterS = this.retryAfterS();
    return error;
  }

  /**
   * The middleware: admits the request (and counts it until its answer is done or its client gone),
   * or answers 503 with Retry-After without reading the body. `res.locals.abandoned()` says whether
   * the client has gone, so the handler can stop its work.
   */
  readonly gate = (req: Request, res: Response, next: NextFunction): void => {
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > this.limits.maxBodyBytes) {
      next();
      return;
    }
    const bytes = Number.isFinite(length) ? length : this.limits.maxBodyBytes;
    if (this.inFlight >= this.limits.maxInFlight || this.bytes + bytes > this.limits.maxBytes) {
      const refusal = this.busy();
      res.set('Retry-After', String(refusal.retryAfterS));
      next(refusal);
      return;
    }
    this.inFlight++;
    this.bytes += bytes;
    this.admitted++;
    let done = false;
    const leave = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      this.bytes -= bytes;
      this.finished.push(this.now());
    };
    res.locals.abandoned = () => req.socket.destroyed && !res.writableFinished;
    res.once('finish', leave);
    res.once('close', () => {
      if (!res.writableFinished) this.abandoned++;
      leave();
    });
    next();
  };
}

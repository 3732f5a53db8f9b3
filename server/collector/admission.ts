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
  /** From admission to the answer sent, over the last 4,096 answered requests (ms). */
  answerMs: { p50: number; p99: number; max: number };
}

const WINDOW_MS = 10_000;
/** Turns promised to refused requests (by Idempotency-Key) are remembered this long, this many at most. */
const TURN_MEMORY_MS = 10 * 60_000;
const MAX_TURNS = 100_000;
/** A request back at its turn is let in even when full, up to this many times the bound. */
const TURN_OVERDRAFT = 1.5;
const MIN_RETRY_S = 1;
const MAX_RETRY_S = 120;

/**
 * Admission control for uploads: a request beyond the bounds is answered `503` with `Retry-After` at
 * once, before its body is read. Each refused request is given its own turn: turns are handed out
 * one after another at the rate the collector has been finishing requests, so kiosks that were
 * refused together come back spread out instead of all at once; a request back at its turn is let in
 * even when the bound is reached (up to half as many again), so no kiosk waits twice in the queue.
 */
export class Admission {
  private inFlight = 0;
  private bytes = 0;
  private admitted = 0;
  private refused = 0;
  private abandoned = 0;
  private readonly finished: number[] = [];
  private readonly durations = new Float64Array(4096);
  private durationCount = 0;
  private nextTurnAt = 0;
  /** Idempotency-Key → when its request was told to come back. */
  private readonly turns = new Map<string, number>();

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
      answerMs: this.answerMs(),
    };
  }

  private answerMs(): { p50: number; p99: number; max: number } {
    const n = Math.min(this.durationCount, this.durations.length);
    const sorted = this.durations.slice(0, n).sort();
    const at = (p: number) => Math.round(sorted[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)] ?? 0);
    return { p50: at(50), p99: at(99), max: Math.round(sorted[n - 1] ?? 0) };
  }

  /** Requests finished per second lately; before there is enough to tell, the in-flight bound. */
  private rate(now: number): number {
    while (this.finished.length > 0 && (this.finished[0] as number) < now - WINDOW_MS) this.finished.shift();
    const first = this.finished[0];
    if (first === undefined || this.finished.length < 20) return this.limits.maxInFlight;
    return this.finished.length / Math.max(1, (now - first) / 1000);
  }

  /** Seconds until a refused request's turn; its key (if any) is let in when it comes back then. */
  retryAfterS(key?: string): number {
    const now = this.now();
    const turn = Math.max(this.nextTurnAt, now + MIN_RETRY_S * 1000);
    this.nextTurnAt = turn + 1000 / this.rate(now);
    const seconds = Math.min(MAX_RETRY_S, Math.max(MIN_RETRY_S, Math.ceil((turn - now) / 1000)));
    if (key) {
      if (this.turns.size >= MAX_TURNS) {
        for (const [k, at] of this.turns)
          if (at < now - TURN_MEMORY_MS || this.turns.size >= MAX_TURNS) this.turns.delete(k);
      }
      this.turns.delete(key);
      this.turns.set(key, now + seconds * 1000);
    }
    return seconds;
  }

  /** The request was told to come back about now (and is not early). */
  private dueTurn(key: string | undefined, now: number): boolean {
    if (!key) return false;
    const at = this.turns.get(key);
    return at !== undefined && now >= at - 500 && now <= at + TURN_MEMORY_MS;
  }

  /** A refusal for when the collector cannot serve now (its database is out of reach or overloaded). */
  busy(reason?: { zh: string; en: string }, key?: string): HttpError & { retryAfterS: number } {
    this.refused++;
    const error = new HttpError(503, 'busy', {
      zh: `区级接收端繁忙${reason ? `（${reason.zh}）` : ''}，请按 Retry-After 稍后重发`,
      en: `the collector is busy${reason ? ` (${reason.en})` : ''}: send again after Retry-After`,
    }) as HttpError & { retryAfterS: number };
    error.retryAfterS = this.retryAfterS(key);
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
    const key = req.get('idempotency-key');
    const now = this.now();
    // A request back at the turn it was given is let in, a little beyond the bound if need be.
    const bound = this.dueTurn(key, now)
      ? Math.ceil(this.limits.maxInFlight * TURN_OVERDRAFT)
      : this.limits.maxInFlight;
    if (this.inFlight >= bound || this.bytes + bytes > this.limits.maxBytes) {
      const refusal = this.busy(undefined, key);
      res.set('Retry-After', String(refusal.retryAfterS));
      next(refusal);
      return;
    }
    if (key) this.turns.delete(key);
    this.inFlight++;
    this.bytes += bytes;
    this.admitted++;
    let done = false;
    const admittedAt = now;
    const leave = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      this.bytes -= bytes;
      const now = this.now();
      this.finished.push(now);
      if (res.writableFinished)
        this.durations[this.durationCount++ % this.durations.length] = now - admittedAt;
    };
    let gone = false;
    res.locals.abandoned = () => gone || (req.socket.destroyed && !res.writableFinished);
    res.once('finish', leave);
    res.once('close', () => {
      if (!res.writableFinished) {
        gone = true;
        this.abandoned++;
      }
      leave();
    });
    next();
  };
}

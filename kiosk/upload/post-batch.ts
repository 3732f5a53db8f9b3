import { z } from 'zod';

/** The district's answer to a batch (the contract's `200` body). */
export interface BatchAnswer {
  accepted: string[];
  duplicate: string[];
  /** `zh`: the reason in Chinese, from a collector that gives it. */
  rejected: { id: string; reason: string; zh?: string | undefined }[];
}

export type PostOutcome =
  | { kind: 'answer'; answer: BatchAnswer }
  /** The collector will not take these records as they are (too large, or a record it cannot read at all). */
  | { kind: 'refused'; status: number; message: string }
  /** The collector is busy (503 or 429 with Retry-After): send again after that long, not sooner. */
  | { kind: 'busy'; retryAfterMs: number; message: string }
  /** Anything else (no connection, timeout, 5xx, an answer cut short or not the contract's): try again later. */
  | { kind: 'failed'; message: string };

const answerSchema = z.object({
  accepted: z.array(z.string()),
  duplicate: z.array(z.string()),
  rejected: z.array(z.object({ id: z.string(), reason: z.string(), zh: z.string().optional() })),
});

/**
 * How batches reach a receiver other than the district's collector (a gate's desk): the path, headers
 * such as the gate's token, and the request function (one that trusts a pinned certificate).
 */
export interface BatchTransport {
  path?: string;
  headers?: Record<string, string>;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export function batchesUrl(endpoint: string, path = '/v1/batches'): string {
  return `${endpoint.replace(/\/+$/, '')}${path}`;
}

/** `POST {endpoint}/v1/batches` with the batch's `Idempotency-Key`; never throws. */
export async function postBatch(
  endpoint: string,
  batchId: string,
  body: string,
  timeoutMs: number,
  stop?: AbortSignal,
  transport: BatchTransport = {},
): Promise<PostOutcome> {
  const url = batchesUrl(endpoint, transport.path);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = stop ? AbortSignal.any([timeout, stop]) : timeout;
  let status: number;
  let text: string;
  let contentType: string;
  let retryAfter: string | null;
  try {
    const res = await (transport.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { ...transport.headers, 'content-type': 'application/json', 'idempotency-key': batchId },
      body,
      signal,
    });
    status = res.status;
    contentType = res.headers.get('content-type') ?? '';
    retryAfter = res.headers.get('retry-after');
    text = await res.text();
  } catch (err) {
    if (timeout.aborted) return { kind: 'failed', message: `no answer from ${url} within ${timeoutMs} ms` };
    if (stop?.aborted) return { kind: 'failed', message: 'stopped before the answer came' };
    return { kind: 'failed', message: describeNetworkError(url, err) };
  }
  const waitMs = status === 503 || status === 429 ? retryAfterMs(retryAfter, Date.now()) : null;
  if (waitMs !== null) {
    return {
      kind: 'busy',
      retryAfterMs: waitMs,
      message: `${errorMessage(status, text)} (Retry-After ${retryAfter})`,
    };
  }
  if (isRecordsFault(status, text)) return { kind: 'refused', status, message: errorMessage(status, text) };
  if (status !== 200) return { kind: 'failed', message: errorMessage(status, text) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      kind: 'failed',
      message: `the answer from ${url} is not JSON (${contentType || 'no content type'}): ${snippet(text)}`,
    };
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    return { kind: 'failed', message: `the answer from ${url} is not a batch answer: ${snippet(text)}` };
  }
  return { kind: 'answer', answer: parsed.data };
}

/** The longest wait a Retry-After may ask for; a longer one is taken as this. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** `Retry-After` as delay-seconds or an HTTP date, in ms from `nowMs`; null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/**
 * A 413, or a 400 whose every named field is inside `records`: the records are at fault, and sending
 * fewer at a time finds the one. A 400 about the envelope (school, kiosk, key) is the kiosk's or the
 * collector's setup, never a record's, so those batches wait and retry instead of being set aside.
 */
function isRecordsFault(status: number, text: string): boolean {
  if (status === 413) return true;
  if (status !== 400) return false;
  try {
    const details = (JSON.parse(text) as { error?: { details?: unknown } }).error?.details;
    if (!Array.isArray(details) || details.length === 0) return false;
    return details.every((d) => typeof d?.field === 'string' && /^records(\[|\.|$)/.test(d.field));
  } catch {
    return false;
  }
}

function errorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return `${status}: ${body.error.message}`;
  } catch {}
  return `${status}: ${snippet(text) || 'no message'}`;
}

function describeNetworkError(url: string, err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  if (e.message === 'terminated') return `the connection to ${url} closed before the answer was complete`;
  return `cannot reach ${url}: ${cause ?? e.message ?? String(err)}`;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

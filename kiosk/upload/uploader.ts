import { EventEmitter } from 'node:events';
import type { StorageFault } from '../store/storage-fault.ts';
import { StorageHealth } from '../store/storage-health.ts';
import { busyDelayMs, defaultRetryBackoff, type RetryBackoff, retryDelayMs } from './backoff.ts';
import { type Batch, batchBody, batchIdFor, collectBatch, yieldToLanes } from './batch.ts';
import type { Outbox, OutboxRow, RejectedRecord } from './outbox.ts';
import { type BatchAnswer, type BatchTransport, postBatch } from './post-batch.ts';

export interface UploaderOptions {
  outbox: Outbox;
  /** The district collector (`upload.endpoint`); without one nothing is sent and the status says so. */
  endpoint: string | null;
  schoolId: string;
  kioskId: string;
  /** Records per batch at most (`upload.batchSize`). */
  batchSize: number;
  maxBatchBytes?: number;
  requestTimeoutMs?: number;
  backoff?: RetryBackoff;
  /** How often an empty queue is looked at again. */
  idlePollMs?: number;
  /** With nothing to send, an empty batch this often keeps `online` true to the minute. */
  heartbeatMs?: number;
  now?: () => number;
  random?: () => number;
  /** Where write failures are reported, and read back for the status (the kiosk's one; a fresh one by default). */
  storage?: StorageHealth;
  /** A receiver other than the district's collector: a gate's desk. */
  transport?: BatchTransport;
}

/** The contract's `GET /api/outbox`, and what the display's connectivity indicator shows. */
export interface OutboxStatus {
  pending: number;
  /** Records the district rejected, kept aside with their reason. */
  failed: number;
  uploadedToday: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  /** The last attempt reached the district. */
  online: boolean;
  offlineSince: string | null;
  lastErrorAt: string | null;
  /** When the next try is due while backing off. */
  nextAttemptAt: string | null;
  endpoint: string | null;
  /** Records cannot be written: disk full, read-only or failing. */
  storage: StorageFault | null;
}

export interface BatchResult {
  batchId: string;
  records: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  unanswered: number;
}

export interface UploaderEvents {
  batch: [result: BatchResult];
  rejected: [records: RejectedRecord[]];
  /** An attempt failed; the whole batch waits `retryInMs`. */
  failure: [failure: { error: string; records: number; retryInMs: number }];
  /** The collector was busy and said when to come back (Retry-After); the batch waits `retryInMs`. */
  busy: [busy: { message: string; records: number; retryAfterMs: number; retryInMs: number }];
  offline: [info: { since: string; error: string; pending: number }];
  online: [info: { offlineSince: string | null; pending: number }];
}

const NO_ENDPOINT = 'no upload endpoint in the config (upload.endpoint)';
const MARK_CHUNK = 50;
/** Who reports the uploader's own write failures to the storage health. */
const UPLOADER = 'uploader';

/**
 * Sends the outbox to the district in batches, one at a time, and marks each record from the answer.
 * SQLite work happens in short steps with the event loop handed back between them, and no transaction
 * is ever open while a request is on the wire, so a long queue never delays a lane.
 */
export class Uploader extends EventEmitter<UploaderEvents> {
  private readonly outbox: Outbox;
  private readonly endpoint: string | null;
  private readonly sender: { schoolId: string; kioskId: string };
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly backoff: RetryBackoff;
  private readonly idlePollMs: number;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly transport: BatchTransport;
  private batchLimit: number;
  private failures = 0;
  private online = false;
  private lastSuccessAt: string | null = null;
  private lastContactMs = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private offlineSince: string | null = null;
  private nextAttemptAt: string | null = null;
  private readonly storage: StorageHealth;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly stopSignal = new AbortController();
  private wake: (() => void) | null = null;
  private idle = false;

  constructor(opts: UploaderOptions) {
    super();
    this.outbox = opts.outbox;
    this.endpoint = opts.endpoint;
    this.sender = { schoolId: opts.schoolId, kioskId: opts.kioskId };
    this.batchSize = opts.batchSize;
    this.batchLimit = opts.batchSize;
    this.maxBatchBytes = opts.maxBatchBytes ?? 1_000_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.backoff = opts.backoff ?? defaultRetryBackoff;
    this.idlePollMs = opts.idlePollMs ?? 1000;
    this.heartbeatMs = opts.heartbeatMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.storage = opts.storage ?? new StorageHealth(this.now);
    this.random = opts.random ?? Math.random;
    this.transport = opts.transport ?? {};
    if (!this.endpoint) this.lastError = NO_ENDPOINT;
  }

  start(): void {
    if (this.running || this.stopped || !this.endpoint) return;
    this.running = this.loop();
  }

  /** Ends the loop; a request on the wire is abandoned (its records are simply sent again next time). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    this.wake?.();
    await this.running;
  }

  /** Something new is in the outbox: look now instead of at the next poll (never cuts a backoff short). */
  nudge(): void {
    if (this.idle) this.wake?.();
  }

  status(): OutboxStatus {
    let counts = { pending: 0, failed: 0, uploadedToday: 0 };
    try {
      counts = this.outbox.counts();
    } catch (err) {
      this.storage.note(err);
    }
    return {
      ...counts,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      online: this.online,
      offlineSince: this.online ? null : this.offlineSince,
      lastErrorAt: this.lastErrorAt,
      nextAttemptAt: this.nextAttemptAt,
      endpoint: this.endpoint,
      storage: this.storage.current(),
    };
  }

  rejected(limit?: number): RejectedRecord[] {
    return this.outbox.rejected(limit);
  }

  requeue(recordId: string): boolean {
    const done = this.outbox.requeue(recordId);
    if (done) this.nudge();
    return done;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let delayMs: number;
      try {
        delayMs = await this.step();
      } catch (err) {
        delayMs = this.onLocalError(err);
      }
      if (this.stopped) break;
      if (delayMs > 0) await this.sleep(delayMs);
    }
  }

  /** One batch: collect, send, mark. Resolves to how long to wait before the next. */
  private async step(): Promise<number> {
    const now = new Date(this.now());
    const { batch, retryAt } = await collectBatch(
      this.outbox,
      this.sender,
      { maxRecords: this.batchLimit, maxBytes: this.maxBatchBytes },
      now,
    );
    if (this.stopped) return 0;
    if (!batch) {
      if (retryAt === null) this.outbox.recount();
      if (this.now() - this.lastContactMs >= this.heartbeatMs) await this.heartbeat();
      this.idle = retryAt === null;
      const untilDue = retryAt === null ? this.idlePollMs : Date.parse(retryAt) - this.now();
      return Math.max(10, Math.min(untilDue, this.idlePollMs * 30));
    }
    const outcome = await postBatch(
      this.endpoint as string,
      batch.batchId,
      batch.body,
      this.requestTimeoutMs,
      this.stopSignal.signal,
      this.transport,
    );
    if (this.stopped && outcome.kind === 'failed') return 0;
    if (outcome.kind === 'busy') return this.busy(outcome.message, outcome.retryAfterMs, batch.rows.length);
    if (outcome.kind === 'answer') {
      await this.apply(batch, outcome.answer);
      this.reached(null);
      this.batchLimit = Math.min(this.batchSize, this.batchLimit * 2);
      return 0;
    }
    if (outcome.kind === 'refused') {
      this.reached(`the collector refused a batch of ${batch.rows.length}: ${outcome.message}`);
      if (batch.rows.length > 1) {
        this.batchLimit = Math.max(1, Math.floor(batch.rows.length / 2));
      } else {
        const row = batch.rows[0] as OutboxRow;
        const reason = `refused by the collector: ${outcome.message}`;
        this.outbox.markRejected([{ seq: row.seq, reason }]);
        this.emit('rejected', [
          { recordId: row.recordId, kind: row.kind, at: row.at, reason, attempts: row.attempts + 1 },
        ]);
      }
      return 0;
    }
    return this.failed(outcome.message, batch.rows);
  }

  private async apply(batch: Batch, answer: BatchAnswer): Promise<void> {
    const done = new Set([...answer.accepted, ...answer.duplicate]);
    const reasons = new Map<string, string>();
    for (const r of answer.rejected)
      if (!done.has(r.id))
        // Kept as the district said it, Chinese first when it says it in both languages.
        reasons.set(r.id, r.zh ? `${r.zh} / ${r.reason}` : r.reason || 'rejected without a reason');
    const sent: number[] = [];
    const rejected: { row: OutboxRow; reason: string }[] = [];
    const unanswered: OutboxRow[] = [];
    for (const row of batch.rows) {
      const reason = reasons.get(row.recordId);
      if (done.has(row.recordId)) sent.push(row.seq);
      else if (reason !== undefined) rejected.push({ row, reason });
      else unanswered.push(row);
    }
    for (let i = 0; i < sent.length; i += MARK_CHUNK) {
      if (i > 0) await yieldToLanes();
      this.outbox.markSent(sent.slice(i, i + MARK_CHUNK));
    }
    this.storage.clear(UPLOADER);
    if (rejected.length > 0) {
      await yieldToLanes();
      this.outbox.markRejected(rejected.map(({ row, reason }) => ({ seq: row.seq, reason })));
      this.emit(
        'rejected',
        rejected.map(({ row, reason }) => ({
          recordId: row.recordId,
          kind: row.kind,
          at: row.at,
          reason,
          attempts: row.attempts + 1,
        })),
      );
    }
    if (unanswered.length > 0) {
      await yieldToLanes();
      const now = this.now();
      this.outbox.defer(
        unanswered.map((row) => ({
          seq: row.seq,
          nextAttemptAt: new Date(
            now + retryDelayMs(row.attempts + 1, this.backoff, this.random),
          ).toISOString(),
        })),
        `not named in the answer to batch ${batch.batchId}`,
      );
    }
    this.emit('batch', {
      batchId: batch.batchId,
      records: batch.rows.length,
      accepted: answer.accepted.length,
      duplicate: answer.duplicate.length,
      rejected: rejected.length,
      unanswered: unanswered.length,
    });
  }

  /** An empty batch: tells the district this kiosk is alive, and tells the kiosk the link is up. */
  private async heartbeat(): Promise<void> {
    const batchId = batchIdFor(this.sender, []);
    const outcome = await postBatch(
      this.endpoint as string,
      batchId,
      batchBody(this.sender, batchId, []),
      this.requestTimeoutMs,
      this.stopSignal.signal,
      this.transport,
    );
    if (this.stopped) return;
    if (outcome.kind === 'failed') this.failed(outcome.message, []);
    else if (outcome.kind === 'busy') this.busy(outcome.message, outcome.retryAfterMs, 0);
    else this.reached(outcome.kind === 'refused' ? outcome.message : null);
  }

  /**
   * The district answered but is busy: the link is up, nothing was tried on the records, and the next
   * attempt waits for Retry-After (spread a little, see `busyDelayMs`), not for the doubling backoff.
   */
  private busy(message: string, retryAfterMs: number, records: number): number {
    const retryInMs = busyDelayMs(retryAfterMs, this.random);
    this.reached(`the collector is busy: ${message}`);
    this.nextAttemptAt = new Date(this.now() + retryInMs).toISOString();
    this.idle = false;
    this.emit('busy', { message, records, retryAfterMs, retryInMs });
    return retryInMs;
  }

  private reached(error: string | null): void {
    const at = new Date(this.now()).toISOString();
    const wasOffline = !this.online;
    const offlineSince = this.offlineSince;
    this.online = true;
    this.failures = 0;
    this.nextAttemptAt = null;
    this.lastContactMs = this.now();
    if (error === null) {
      this.lastSuccessAt = at;
      this.lastError = null;
    } else {
      this.lastError = error;
      this.lastErrorAt = at;
    }
    this.offlineSince = null;
    if (wasOffline) this.emit('online', { offlineSince, pending: this.safePending() });
  }

  private failed(error: string, rows: readonly OutboxRow[]): number {
    const now = this.now();
    const at = new Date(now).toISOString();
    this.failures++;
    const retryInMs = retryDelayMs(this.failures, this.backoff, this.random);
    const wasOnline = this.online || this.offlineSince === null;
    this.online = false;
    this.offlineSince ??= at;
    this.lastError = error;
    this.lastErrorAt = at;
    this.lastContactMs = now;
    this.nextAttemptAt = new Date(now + retryInMs).toISOString();
    this.idle = false;
    const seqs = rows.map((r) => r.seq);
    for (let i = 0; i < seqs.length; i += MARK_CHUNK) this.outbox.noteAttempt(seqs.slice(i, i + MARK_CHUNK));
    if (wasOnline) this.emit('offline', { since: this.offlineSince, error, pending: this.safePending() });
    this.emit('failure', { error, records: rows.length, retryInMs });
    return retryInMs;
  }

  /** The kiosk's own side failed (most likely the disk): said loudly, and tried again later. */
  private onLocalError(err: unknown): number {
    this.failures++;
    const retryInMs = retryDelayMs(this.failures, this.backoff, this.random);
    const fault = this.storage.note(err, UPLOADER);
    const error = fault ? fault.detail : `the uploader failed: ${(err as Error).message ?? String(err)}`;
    this.lastError = error;
    this.lastErrorAt = new Date(this.now()).toISOString();
    this.nextAttemptAt = new Date(this.now() + retryInMs).toISOString();
    this.emit('failure', { error, records: 0, retryInMs });
    return retryInMs;
  }

  private safePending(): number {
    try {
      return this.outbox.counts().pending;
    } catch {
      return 0;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        self.idle = false;
        resolve();
      }
      this.wake = done;
    });
  }
}

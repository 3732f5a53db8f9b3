import { createHash } from 'node:crypto';
import type { Outbox, OutboxPosition, OutboxRow } from './outbox.ts';

/** A batch ready to send: its rows and the exact body of `POST /v1/batches`. */
export interface Batch {
  batchId: string;
  rows: OutboxRow[];
  body: string;
}

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

export interface BatchSender {
  schoolId: string;
  kioskId: string;
}

export interface CollectOptions {
  /** Rows read per statement; the lanes get the event loop back between reads. */
  chunkRows?: number;
  /** Stop looking after this many rows (only reached when whole kinds are waiting on a retry). */
  maxScanRows?: number;
}

export interface Collected {
  batch: Batch | null;
  /** When nothing was ready but something waits on a retry: the earliest time one is due. */
  retryAt: string | null;
}

const ENVELOPE_BYTES = 512;

/**
 * The same records always make the same batch id, so a batch sent again after a lost answer carries
 * the same `Idempotency-Key` and the district answers it as it did the first time.
 */
export function batchIdFor(sender: BatchSender, recordIds: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`${sender.schoolId}\n${sender.kioskId}\n`);
  for (const id of recordIds) hash.update(`${id}\n`);
  const hex = hash.digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** One record as it goes on the wire; `data` is inserted as stored, without parsing it again. */
export function recordJson(row: OutboxRow): string {
  return `{"id":${JSON.stringify(row.recordId)},"kind":${JSON.stringify(row.kind)},"at":${JSON.stringify(row.at)},"data":${row.data}}`;
}

export function batchBody(sender: BatchSender, batchId: string, records: readonly string[]): string {
  return `{"schoolId":${JSON.stringify(sender.schoolId)},"kioskId":${JSON.stringify(sender.kioskId)},"batchId":${JSON.stringify(batchId)},"records":[${records.join(',')}]}`;
}

/**
 * Takes the next batch from the outbox in sending order, capped by count and bytes. A kind with a record
 * waiting on a retry sends nothing newer until that record is through, so each kind arrives in order.
 */
export async function collectBatch(
  outbox: Outbox,
  sender: BatchSender,
  limits: BatchLimits,
  now: Date,
  options: CollectOptions = {},
): Promise<Collected> {
  const chunkRows = options.chunkRows ?? 100;
  const maxScanRows = options.maxScanRows ?? 20_000;
  const nowIso = now.toISOString();
  const rows: OutboxRow[] = [];
  const records: string[] = [];
  const waitingKinds = new Set<string>();
  let retryAt: string | null = null;
  let bytes = ENVELOPE_BYTES;
  let scanned = 0;
  let after: OutboxPosition | null = null;
  let full = false;
  while (!full && scanned < maxScanRows) {
    if (after) await yieldToLanes();
    const chunk = outbox.pendingAfter(after, chunkRows);
    if (chunk.length === 0) break;
    scanned += chunk.length;
    for (const row of chunk) {
      after = { priority: row.priority, seq: row.seq };
      if (waitingKinds.has(row.kind)) continue;
      if (row.nextAttemptAt !== null && row.nextAttemptAt > nowIso) {
        waitingKinds.add(row.kind);
        if (retryAt === null || row.nextAttemptAt < retryAt) retryAt = row.nextAttemptAt;
        continue;
      }
      const json = recordJson(row);
      const size = Buffer.byteLength(json) + 1;
      if (rows.length > 0 && bytes + size > limits.maxBytes) {
        full = true;
        break;
      }
      rows.push(row);
      records.push(json);
      bytes += size;
      if (rows.length >= limits.maxRecords) {
        full = true;
        break;
      }
    }
  }
  if (rows.length === 0) return { batch: null, retryAt };
  const batchId = batchIdFor(
    sender,
    rows.map((r) => r.recordId),
  );
  return { batch: { batchId, rows, body: batchBody(sender, batchId, records) }, retryAt: null };
}

export function yieldToLanes(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// The writer thread (see writer-thread.ts): its own connection to the kiosk's SQLite file commits
// the lanes' screenings in batches, so the fsync never holds up the thread that reads the ports.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.ts';
import type { DatabaseKey } from './database-key.ts';
import { screeningsWithCases } from './screening-commits.ts';
import type { ScreeningRecord } from './screenings.ts';

export interface WriterRequest {
  id: number;
  records: readonly ScreeningRecord[];
}

export interface WriterAnswer {
  id: number;
  /** Per record: null where it is durable, else why not (with SQLite's code, e.g. SQLITE_FULL). */
  errors: ({ message: string; code?: string } | null)[];
  transactions: number;
}

const { dataDir, key } = workerData as { dataDir: string; key: DatabaseKey | null };
// A Buffer arrives here as a plain Uint8Array.
const db = openDatabase(dataDir, key ? { ...key, bytes: Buffer.from(key.bytes) } : null);
const { screenings } = screeningsWithCases(db);

/** Requests that came while the last commit ran: committed together, one transaction for them all. */
let queued: WriterRequest[] = [];

function commitQueued(): void {
  const requests = queued;
  queued = [];
  const before = screenings.commits.transactions;
  const errors = screenings.commitMany(requests.flatMap((r) => r.records)).map((err) =>
    err
      ? {
          message: err.message,
          ...((err as { code?: string }).code ? { code: (err as { code?: string }).code } : {}),
        }
      : null,
  );
  const transactions = screenings.commits.transactions - before;
  let at = 0;
  for (const request of requests) {
    const answer: WriterAnswer = {
      id: request.id,
      errors: errors.slice(at, at + request.records.length),
      transactions: request === requests[0] ? transactions : 0,
    };
    at += request.records.length;
    parentPort?.postMessage(answer);
  }
}

parentPort?.on('message', (request: WriterRequest) => {
  if (queued.length === 0) setImmediate(commitQueued);
  queued.push(request);
});
parentPort?.postMessage('ready');

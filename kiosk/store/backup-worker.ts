// The daily backup's thread (see backup-off-thread.ts): its own read-only connection copies the
// kiosk's SQLite file in one step, a snapshot that neither the lanes' thread nor the writer thread
// waits for, then keeps the newest copies.
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { takeDailyBackup } from './backup.ts';
import { DATABASE_FILE, openExistingDatabase } from './database.ts';
import type { DatabaseKey } from './database-key.ts';

export interface BackupJob {
  dataDir: string;
  key: DatabaseKey | null;
  dir: string;
  localDate: string;
  keep: number;
}

const job = workerData as BackupJob;
// A Buffer arrives here as a plain Uint8Array.
const key = job.key ? { ...job.key, bytes: Buffer.from(job.key.bytes) } : null;
try {
  const db = openExistingDatabase(join(job.dataDir, DATABASE_FILE), key, { readonly: true });
  try {
    parentPort?.postMessage({ ok: await takeDailyBackup(db, job.dir, job.localDate, job.keep, { key }) });
  } finally {
    db.close();
  }
} catch (err) {
  const e = err as Error & { zh?: string; en?: string; code?: string };
  parentPort?.postMessage({ error: { message: e.message, zh: e.zh, en: e.en, code: e.code } });
}

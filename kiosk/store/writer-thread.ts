import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.ts';
import type { DatabaseKey } from './database-key.ts';
import type { WriterAnswer, WriterRequest } from './screening-writer.ts';
import type { BatchWriter, ScreeningRecord } from './screenings.ts';

/** The writer thread is gone (it failed or was stopped): its batches are committed here instead. */
export class WriterGone extends Error {
  override name = 'WriterGone';
}

/**
 * The lanes' side of the writer thread: batches go to the thread, answers come back per record.
 * Committed with synchronous=FULL there exactly as here; only the waiting moves off this thread.
 */
export class WriterThread implements BatchWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (answer: WriterAnswer | Error) => void>();
  private nextId = 1;
  private gone: Error | null = null;
  readonly ready: Promise<void>;
  /** Transactions the thread committed (each one fsync). */
  transactions = 0;

  constructor(dataDir: string, key: DatabaseKey | null = null) {
    this.worker = startWorker(new URL('./screening-writer', import.meta.url), import.meta.url, {
      workerData: { dataDir, key },
      // Its garbage is small and short-lived (a batch of rows at a time): a small young generation
      // keeps the thread's memory near its idle size under load.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', () => resolve());
      this.worker.once('error', reject);
    });
    this.worker.on('message', (answer: WriterAnswer | 'ready') => {
      if (answer === 'ready') return;
      const done = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      done?.(answer);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new WriterGone(`the writer thread stopped (exit ${code})`)));
  }

  async commit(records: readonly ScreeningRecord[]): Promise<(Error | null)[]> {
    if (this.gone) throw new WriterGone(this.gone.message);
    const id = this.nextId++;
    const answer = await new Promise<WriterAnswer | Error>((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, records } satisfies WriterRequest);
    });
    if (answer instanceof Error) throw answer;
    this.transactions += answer.transactions;
    return answer.errors.map((e) =>
      e ? Object.assign(new Error(e.message), e.code ? { code: e.code } : {}) : null,
    );
  }

  /** Stops the thread once every batch handed to it is answered. */
  async close(): Promise<void> {
    while (this.pending.size > 0 && !this.gone) await new Promise((r) => setTimeout(r, 5));
    this.gone ??= new WriterGone('the writer thread was stopped');
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.gone ??= err;
    for (const done of this.pending.values()) done(new WriterGone(err.message));
    this.pending.clear();
  }
}

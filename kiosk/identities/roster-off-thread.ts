import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.ts';
import { type RosterRead, refusedFile } from './roster-file.ts';
import { defaultRosterLimits, type RosterLimits, tooMuchToRead } from './roster-limits.ts';

/** The reader's heap: far more than a roster within the limits needs, far less than the machine has. */
const WORKER_HEAP_MB = 512;

function startReader(
  data: { bytes: Uint8Array; timeZone: string; limits: RosterLimits },
  heapMB: number,
): Worker {
  return startWorker(new URL('./roster-worker', import.meta.url), import.meta.url, {
    workerData: data,
    transferList: [data.bytes.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: heapMB },
  });
}

/**
 * `readRoster` in a worker thread, so a big or hostile file never holds up the lanes: the event loop
 * only waits for the answer. A reader that runs out of its heap answers as a refused file; the
 * kiosk's own memory is not touched.
 */
export function readRosterOffThread(
  bytes: Uint8Array,
  timeZone: string,
  limits: RosterLimits = defaultRosterLimits,
  heapMB = WORKER_HEAP_MB,
): Promise<RosterRead> {
  return new Promise((resolve, reject) => {
    // A copy of just these bytes (a Buffer may share a larger pool), handed over without another copy.
    const worker = startReader({ bytes: new Uint8Array(bytes), timeZone, limits }, heapMB);
    let answered = false;
    worker.once('message', (read: RosterRead) => {
      answered = true;
      resolve(read);
      void worker.terminate();
    });
    worker.once('error', (err: NodeJS.ErrnoException) => {
      answered = true;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') resolve(refusedFile(tooMuchToRead(limits, heapMB)));
      else reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the roster reader stopped (exit ${code}) without an answer`));
    });
  });
}

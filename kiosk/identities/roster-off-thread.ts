import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type RosterRead, refusedFile } from './roster-file.ts';
import { defaultRosterLimits, type RosterLimits, tooMuchToRead } from './roster-limits.ts';

/** The reader's heap: far more than a roster within the limits needs, far less than the machine has. */
const WORKER_HEAP_MB = 512;

/**
 * The worker's script: `roster-worker.js` beside the bundle `npm start` runs (the build writes both),
 * or `roster-worker.ts` beside this file when the sources run through a TypeScript loader.
 */
function workerScript(): { url: URL; typescript: boolean } {
  const typescript = import.meta.url.endsWith('.ts');
  return {
    url: new URL(typescript ? './roster-worker.ts' : './roster-worker.js', import.meta.url),
    typescript,
  };
}

function startWorker(
  data: { bytes: Uint8Array; timeZone: string; limits: RosterLimits },
  heapMB: number,
): Worker {
  const script = workerScript();
  const options = {
    workerData: data,
    transferList: [data.bytes.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: heapMB },
  };
  if (!script.typescript) return new Worker(script.url, options);
  // A worker does not inherit a loader registered at run time (tsx in bin/gate-kiosk.js, a test
  // runner): it registers tsx itself, then loads the TypeScript worker.
  const tsx = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  if (!existsSync(tsx)) throw new Error(`the roster reader needs tsx to run from sources (${tsx})`);
  const boot = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.url.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
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
    const worker = startWorker({ bytes: new Uint8Array(bytes), timeZone, limits }, heapMB);
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

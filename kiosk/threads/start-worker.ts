import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on `script` (a URL without extension, relative to the caller's
 * `import.meta.url`): `script.js` beside the bundle `npm start` runs (the build writes it there),
 * or `script.ts` beside the caller when the sources run through a TypeScript loader.
 */
export function startWorker(script: URL, callerUrl: string, options: WorkerOptions): Worker {
  const typescript = callerUrl.endsWith('.ts');
  const url = new URL(`${script.href}${typescript ? '.ts' : '.js'}`);
  if (!typescript) return new Worker(url, options);
  // A worker does not inherit a loader registered at run time (tsx in bin/gate-kiosk.js, a test
  // runner): it registers tsx itself, then loads the TypeScript worker.
  const tsx = createRequire(callerUrl)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  if (!existsSync(tsx)) throw new Error(`a worker thread needs tsx to run from sources (${tsx})`);
  const boot = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

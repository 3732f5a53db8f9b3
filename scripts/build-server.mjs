// Bundles the server into dist/gate-kiosk.js for `npm start`: plain JavaScript starts faster and
// takes less memory than running the TypeScript sources through a loader. Packages stay external.
// The roster reader runs in a worker thread: its script is bundled beside it, dist/roster-worker.js,
// where kiosk/identities/roster-off-thread.ts looks for it; so does the screenings' writer thread,
// dist/screening-writer.js (kiosk/store/writer-thread.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [
    { in: join(root, 'server', 'main.ts'), out: 'gate-kiosk' },
    { in: join(root, 'kiosk', 'identities', 'roster-worker.ts'), out: 'roster-worker' },
    { in: join(root, 'kiosk', 'store', 'screening-writer.ts'), out: 'screening-writer' },
  ],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  outdir: join(root, 'dist'),
  logLevel: 'warning',
});
console.log('server: built dist/gate-kiosk.js, dist/roster-worker.js and dist/screening-writer.js');

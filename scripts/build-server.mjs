// Bundles the server into dist/gate-kiosk.js (which sets the heap's limits, then loads the command from
// dist/gate-kiosk-server.js), which `npm start` and the `gate-kiosk` command run:
// plain JavaScript starts faster and takes less memory than running the TypeScript sources through a
// loader. Packages stay external. Run as a script (`npm run build`) or imported by bin/gate-kiosk.js,
// which builds the bundle on first run and again whenever a source is newer than it.
// The roster reader runs in a worker thread: its script is bundled beside it, dist/roster-worker.js,
// where kiosk/identities/roster-off-thread.ts looks for it; so does the screenings' writer thread,
// dist/screening-writer.js (kiosk/store/writer-thread.ts), and the daily backup's, dist/backup-worker.js,
// and the serial ports' reader, dist/serial-reader.js (server/devices.ts).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, utimesSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = join(root, 'dist', 'gate-kiosk.js');

/**
 * The entry (server/main.ts) sets the heap's limits before any package loads, then imports the
 * command: that import stays a file of its own, dist/gate-kiosk-server.js, so that its packages load
 * only then (a bundle's static imports would all load before its first line).
 */
const serverApart = {
  name: 'server-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/cli\.ts$/ }, (args) =>
      args.importer === join(root, 'server', 'main.ts')
        ? { path: './gate-kiosk-server.js', external: true }
        : undefined,
    );
  },
};

/**
 * Builds the bundles. Every output is written beside its final name and renamed into place, the
 * entry last, so a command starting meanwhile (or another build running at the same time) never reads
 * half a file. The entry takes the time the build started: a source saved during the build is newer.
 */
export async function buildServer() {
  const { build } = await import('esbuild');
  const startedAt = new Date();
  const result = await build({
    entryPoints: [
      { in: join(root, 'server', 'main.ts'), out: 'gate-kiosk' },
      { in: join(root, 'server', 'cli.ts'), out: 'gate-kiosk-server' },
      { in: join(root, 'kiosk', 'identities', 'roster-worker.ts'), out: 'roster-worker' },
      { in: join(root, 'kiosk', 'store', 'screening-writer.ts'), out: 'screening-writer' },
      { in: join(root, 'kiosk', 'store', 'backup-worker.ts'), out: 'backup-worker' },
      { in: join(root, 'server', 'serial-reader.ts'), out: 'serial-reader' },
    ],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    outdir: join(root, 'dist'),
    write: false,
    logLevel: 'warning',
    plugins: [serverApart],
  });
  mkdirSync(join(root, 'dist'), { recursive: true });
  const files = [...result.outputFiles].sort(
    (a, b) => Number(a.path === SERVER_BUNDLE) - Number(b.path === SERVER_BUNDLE),
  );
  for (const file of files) {
    const tmp = `${file.path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, file.contents);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (file.path === SERVER_BUNDLE) utimesSync(tmp, startedAt, startedAt);
    renameSync(tmp, file.path);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildServer();
  console.log(
    'server: built dist/gate-kiosk.js, dist/gate-kiosk-server.js and the worker scripts (roster, screening writer, backup, serial reader)',
  );
}

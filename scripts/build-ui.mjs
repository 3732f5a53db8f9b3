// Builds the browser pages in ui/ into ui/dist: bundles each page's TypeScript (with the socket.io
// client) and its stylesheet (with ui/shared/base.css, which it imports first), and copies its HTML
// and sounds. Run by `npm run build`, before `npm start` and `npm test`.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const uiDir = join(root, 'ui');
const outDir = join(uiDir, 'dist');
const pages = (await readdir(uiDir, { withFileTypes: true }))
  .filter(
    (d) =>
      d.isDirectory() &&
      d.name !== 'dist' &&
      d.name !== 'shared' &&
      existsSync(join(uiDir, d.name, 'main.ts')),
  )
  .map((d) => d.name);

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
for (const page of pages) {
  const src = join(uiDir, page);
  await build({
    entryPoints: [join(src, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outfile: join(outDir, page, 'main.js'),
    logLevel: 'warning',
  });
  for (const file of await readdir(src)) {
    if (file.endsWith('.css')) {
      await build({
        entryPoints: [join(src, file)],
        bundle: true,
        outfile: join(outDir, page, file),
        logLevel: 'warning',
      });
    } else if (file.endsWith('.html') || file.endsWith('.wav')) {
      await cp(join(src, file), join(outDir, page, file));
    }
  }
}
console.log(`ui: built ${pages.join(', ')} into ui/dist`);

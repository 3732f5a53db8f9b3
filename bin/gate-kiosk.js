#!/usr/bin/env node
// The gate-kiosk command. It runs the server bundle, dist/gate-kiosk.js: built on install (npm's
// `prepare`), and built here on first run or whenever a source is newer than it. Where the bundle
// cannot be written (a read-only install with newer sources), or with GATE_KIOSK_SOURCES=1 (for
// development), it runs the TypeScript sources through tsx's loader instead, which starts slower.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered from package.json alone: scripts and probes ask this often and should not wait.
  process.stdout.write(`${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
} else if (process.env.GATE_KIOSK_SOURCES === '1') {
  await runSources();
} else {
  const bundle = join(root, 'dist', 'gate-kiosk.js');
  if (!(await bundleReady(bundle))) await runSources();
  else {
    if (args[0] === 'start' && !existsSync(join(root, 'ui', 'dist'))) buildPages();
    await import(pathToFileURL(bundle).href);
  }
}

async function runSources() {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../server/cli.ts');
  process.exitCode = await main(process.argv);
}

/** Whether the bundle is there and as new as every source, building it when not and when allowed. */
async function bundleReady(bundle) {
  let builtAt = 0;
  try {
    builtAt = statSync(bundle).mtimeMs;
  } catch {}
  if (builtAt > 0 && newestSource() <= builtAt) return true;
  try {
    const { buildServer } = await import('../scripts/build-server.mjs');
    await buildServer();
    return true;
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw err;
    process.stderr.write(
      `gate-kiosk: 服务器程序包比源代码旧，且此处无法重建（请以其所有者身份运行 npm run build）；改为直接运行源代码\n` +
        `gate-kiosk: the server bundle is older than the sources and cannot be rebuilt here (run \`npm run build\` as its owner); running the sources\n`,
    );
    return false;
  }
}

function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['server', 'kiosk', 'drivers']) walk(join(root, dir));
  return newest;
}

/** The browser pages, on a first start that finds them unbuilt (`npm run build` makes them too). */
function buildPages() {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-ui.mjs')], {
    stdio: ['ignore', 2, 2],
  });
  if (built.status !== 0) process.stderr.write('gate-kiosk: the browser pages could not be built\n');
}

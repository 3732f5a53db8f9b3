import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../tests/helpers/gate-load.ts';

export interface FootprintFigures {
  lanes: number;
  /** From spawning `gate-kiosk start` to its first answer on /healthz. */
  readyMs: number;
  /** The kiosk process's resident memory after it ran a while with every lane streaming idle frames. */
  rssMB: number;
}

/** Starts the real command as its own process with 16 forehead lanes streaming, and reads its memory. */
export async function measureFootprint(dir: string, lanes = 16, settleMs = 5000): Promise<FootprintFigures> {
  const config = join(dir, `footprint-${lanes}.yaml`);
  writeFileSync(
    config,
    JSON.stringify(
      loadConfig(
        lanes,
        { school: { id: 'footprint', name: 'Footprint' }, server: { port: 0 }, simulation: {} },
        'gy-mcu90614',
      ),
    ),
  );
  const t0 = performance.now();
  const child = spawn(
    'node',
    ['dist/gate-kiosk.js', 'start', '--config', config, '--data', join(dir, 'footprint-data'), '--port', '0'],
    {
      env: { ...process.env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /serving (http:\/\/[^/\s]+)\//.exec(out);
        if (m?.[1]) done(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`gate-kiosk exited ${code} before serving`)));
    });
    while ((await fetch(`${url}/healthz`).catch(() => null))?.ok !== true)
      await new Promise((r) => setTimeout(r, 10));
    const readyMs = Math.round(performance.now() - t0);
    await new Promise((r) => setTimeout(r, settleMs));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { lanes, readyMs, rssMB: Math.round(rssKb / 1024) };
  } finally {
    child.kill('SIGTERM');
  }
}

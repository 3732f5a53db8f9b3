import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface CommandFigures {
  /** Milliseconds for `--version` to answer, median of 5: the bin, and through npx. */
  versionMs: { bin: number; npx: number };
  /** From spawning `gate-kiosk start` (the demo) to its first /healthz answer, median of 3. */
  readyMs: { npx: number; bin: number; sources: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0
        ? done(performance.now() - t0)
        : fail(new Error(`${command} ${args.join(' ')}: exit ${code}`)),
    );
  });
}

/** Starts the demo as the given command line, in a process group of its own, and times it to /healthz. */
async function readyIn(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const t0 = performance.now();
  const child = spawn(command, args, {
    detached: true,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /serving (https?:\/\/[^/\s]+)\//.exec(out);
        if (m?.[1]) done(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`${command} exited ${code} before serving`)));
    });
    while ((await fetch(`${url}/healthz`).catch(() => null))?.ok !== true)
      await new Promise((r) => setTimeout(r, 5));
    return performance.now() - t0;
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** The command as an operator runs it: how soon `--version` answers, and how soon `start` serves. */
export async function measureCommand(dir: string): Promise<CommandFigures> {
  const bin = ['bin/gate-kiosk.js'];
  const version = async (command: string, args: string[]) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(await timed(command, args));
    return Math.round(median(runs));
  };
  // One data folder, made by a first start that is not timed: the figures are of a kiosk that has
  // run before (its database there, its roster imported), as at a gate every morning.
  const data = join(dir, 'ready-data');
  const start = ['start', '--port', '0', '--data', data];
  await readyIn(process.execPath, [...bin, ...start]);
  const ready = async (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await readyIn(command, [...args, ...start], env));
    return Math.round(median(runs));
  };
  return {
    versionMs: {
      bin: await version(process.execPath, [...bin, '--version']),
      npx: await version('npx', ['gate-kiosk', '--version']),
    },
    readyMs: {
      npx: await ready('npx', ['gate-kiosk']),
      bin: await ready(process.execPath, bin),
      sources: await ready(process.execPath, bin, { GATE_KIOSK_SOURCES: '1' }),
    },
  };
}

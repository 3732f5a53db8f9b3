import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve('bin/gate-kiosk.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real `gate-kiosk` command (`node bin/gate-kiosk.js …`) to its end. */
export function gateKiosk(
  args: readonly string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    input?: string;
    runAs?: string;
    cwd?: string;
    /** Another copy's bin/gate-kiosk.js. */
    bin?: string;
  } = {},
): Promise<CliRun> {
  const command = opts.runAs ? 'runuser' : process.execPath;
  const bin = opts.bin ?? BIN;
  const argv = opts.runAs ? ['-u', opts.runAs, '--', process.execPath, bin, ...args] : [bin, ...args];
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, argv, {
      env: { ...process.env, LOG_LEVEL: 'silent', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (c: Buffer) => {
      out.stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out.stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, ...out, ms: Math.round(performance.now() - started) });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Whether a system command is on this machine. */
export async function hasCommand(name: string): Promise<boolean> {
  return new Promise((done) => {
    const c = spawn('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    c.on('exit', (code) => done(code === 0));
    c.on('error', () => done(false));
  });
}

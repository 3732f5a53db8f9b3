import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin/gate-kiosk.js');

/** `gate-kiosk start` in its own process, so it can be stopped, or killed without warning. */
export class KioskProcess {
  protected constructor(
    readonly proc: ChildProcess,
    readonly url: string,
  ) {}

  /** Resolves with the process once it says where it serves. */
  static spawnKiosk(config: string, data: string, port = 0): Promise<{ proc: ChildProcess; url: string }> {
    const proc = spawn(
      process.execPath,
      [BIN, 'start', '--config', config, '--data', data, '--port', String(port)],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    let output = '';
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        fail(new Error(`the kiosk did not start within 20 s:\n${output}`));
      }, 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const url = /serving (https?:\/\/[^\s/]+)/.exec(output)?.[1];
        if (url) {
          clearTimeout(timer);
          proc.stdout?.off('data', onData);
          proc.stdout?.resume();
          proc.stderr?.resume();
          done({ proc, url });
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (c: Buffer) => {
        output += c.toString();
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`the kiosk exited (${code}) before serving:\n${output}`));
      });
    });
  }

  static async start(config: string, data: string, port = 0): Promise<KioskProcess> {
    const { proc, url } = await KioskProcess.spawnKiosk(config, data, port);
    return new KioskProcess(proc, url);
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill(signal);
    await exited;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';

/**
 * Two linked pseudo-terminals made by socat: the kiosk opens `hostPath` with the real serial
 * bindings, and the test plays the device by writing to `devicePath`.
 */
export class PtyPair {
  private proc: ChildProcess | null = null;
  private fd: number | null = null;

  constructor(
    readonly hostPath: string,
    readonly devicePath: string,
  ) {}

  async open(): Promise<void> {
    this.proc = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.devicePath}`],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 5_000;
    while (!(existsSync(this.hostPath) && existsSync(this.devicePath))) {
      if (Date.now() > deadline) throw new Error(`socat did not create ${this.hostPath} within 5 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.fd = openSync(this.devicePath, 'r+');
  }

  /** Sends bytes as the device would. */
  write(bytes: Uint8Array | string): void {
    if (this.fd === null) throw new Error('the pty pair is not open');
    writeSync(this.fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }

  /** The cable is pulled: both ends vanish. */
  async close(): Promise<void> {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
}

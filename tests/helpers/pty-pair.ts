import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, writeSync } from 'node:fs';
import { SerialPort } from 'serialport';

/**
 * Two linked pseudo-terminals made by socat: the kiosk opens `hostPath` with the real serial
 * bindings, and the test plays the device on `devicePath` (also through the real bindings).
 */
export class PtyPair {
  private proc: ChildProcess | null = null;
  private device: SerialPort | null = null;
  /** Everything the host has written to the device since the pair was (re)opened. */
  received: Buffer = Buffer.alloc(0);

  constructor(
    readonly hostPath: string,
    readonly devicePath: string,
  ) {}

  async open(): Promise<void> {
    this.received = Buffer.alloc(0);
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
    const device = new SerialPort({ path: this.devicePath, baudRate: 115200, autoOpen: false, lock: false });
    await new Promise<void>((resolve, reject) => device.open((err) => (err ? reject(err) : resolve())));
    device.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    device.on('error', () => {});
    this.device = device;
  }

  /** Sends bytes as the device would, in this order. */
  write(bytes: Uint8Array | string): void {
    if (!this.device) throw new Error('the pty pair is not open');
    this.device.write(typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes));
  }

  /** Writes at once, without waiting for the event loop: for tests that block the loop right after. */
  writeNow(bytes: string): void {
    const fd = openSync(this.devicePath, constants.O_WRONLY | constants.O_NOCTTY);
    try {
      writeSync(fd, Buffer.from(bytes));
    } finally {
      closeSync(fd);
    }
  }

  async drain(): Promise<void> {
    const device = this.device;
    if (device) await new Promise<void>((resolve) => device.drain(() => resolve()));
  }

  /** The cable is pulled: both ends vanish. */
  async close(): Promise<void> {
    const device = this.device;
    this.device = null;
    if (device?.isOpen) await new Promise<void>((resolve) => device.close(() => resolve()));
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
}

import { EventEmitter } from 'node:events';
import { LinuxBinding, type LinuxPortBinding } from '@serialport/bindings-cpp';
import type { PortFactory, SerialStream } from './port-factory.ts';
import type { ReadStamp } from './read-stamp.ts';
import type { SerialReaderThread } from './serial-reader-thread.ts';

interface ThreadedPortEvents {
  data: [chunk: Buffer, stamp: ReadStamp];
  close: [err: Error | null];
  error: [err: Error];
}

/**
 * A real Linux port whose bytes are read on the reader thread (./serial-reader-thread.ts), each
 * chunk stamped there; the native binding here sets the line up (speed, raw mode, an exclusive
 * lock once both are open) and writes the model's commands. The reader opens the port first, so
 * the lock keeps any other program out of it.
 */
export class ThreadedPort extends EventEmitter<ThreadedPortEvents> implements SerialStream {
  private port: LinuxPortBinding | null = null;
  private readerId: number | null = null;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly reader: SerialReaderThread,
    private readonly path: string,
    private readonly baudRate: number,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true && this.readerId !== null && !this.closed;
  }

  open(callback: (err: Error | null) => void): void {
    void this.opening().then(
      () => callback(null),
      (err: Error) => callback(err),
    );
  }

  private async opening(): Promise<void> {
    this.readerId = await this.reader.attach(this.path, {
      chunk: (bytes, stamp) => {
        if (!this.closed) this.emit('data', bytes, stamp);
      },
      gone: (reason) => this.lost(reason),
    });
    try {
      this.port = await LinuxBinding.open({ path: this.path, baudRate: this.baudRate });
    } catch (err) {
      const id = this.readerId;
      this.readerId = null;
      await this.reader.detach(id);
      throw err;
    }
    if (this.closed) await this.release();
  }

  write(data: Uint8Array, callback?: (err: Error | null | undefined) => void): boolean {
    const port = this.port;
    if (!port || !this.isOpen) {
      callback?.(new Error('Port is not open'));
      return false;
    }
    this.writing = this.writing.then(
      () =>
        port.write(Buffer.from(data)).then(
          () => callback?.(null),
          (err: Error) => {
            callback?.(err);
            if (!this.closed) this.emit('error', err);
          },
        ),
      () => undefined,
    );
    return true;
  }

  close(callback?: (err: Error | null) => void): void {
    if (this.closed) {
      callback?.(null);
      return;
    }
    this.closed = true;
    void this.release().then(
      () => {
        callback?.(null);
        this.emit('close', null);
      },
      (err: Error) => callback?.(err),
    );
  }

  /** The reader saw the port go (a pulled cable): close the line and say so. */
  private lost(reason: string): void {
    this.readerId = null;
    if (this.closed) return;
    this.closed = true;
    void this.release().finally(() => this.emit('close', new Error(reason)));
  }

  private async release(): Promise<void> {
    const id = this.readerId;
    this.readerId = null;
    if (id !== null) await this.reader.detach(id);
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await port.close().catch(() => undefined);
  }
}

/** Real ports read on `reader`'s thread. */
export function threadedPorts(reader: SerialReaderThread): PortFactory {
  return (path, baudRate) => new ThreadedPort(reader, path, baudRate);
}

import { SerialPort, SerialPortMock } from 'serialport';
import type { ReadStamp } from './read-stamp.ts';

/** The part of a `serialport` stream the device link uses; real and simulated ports both have it. */
export interface SerialStream {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Uint8Array, callback?: (err: Error | null | undefined) => void): boolean;
  /** `stamp`: when and in which turn the chunk was read, when another thread read it. */
  on(event: 'data', listener: (chunk: Buffer, stamp?: ReadStamp) => void): this;
  on(event: 'close', listener: (err: Error | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  removeAllListeners(): this;
}

export type PortFactory = (path: string, baudRate: number) => SerialStream;

/** A real port through the native bindings; a new stream per attempt, as a closed one cannot reopen. */
export const openRealPort: PortFactory = (path, baudRate) =>
  new SerialPort({ path, baudRate, autoOpen: false });

/**
 * A simulated port: `serialport`'s mock binding behind the same stream class, so simulated bytes take
 * the same path (stream → codec) as a real device's.
 */
export class SimulatedPorts {
  private readonly streams = new Map<string, SerialPortMock>();

  create(path: string): void {
    SerialPortMock.binding.createPort(path, { echo: false, record: true });
  }

  readonly factory: PortFactory = (path, baudRate) => {
    const stream = new SerialPortMock({ path, baudRate, autoOpen: false });
    this.streams.set(path, stream);
    return stream;
  };

  /** Puts bytes on the wire as if the device had sent them; false when the port is not open. */
  inject(path: string, bytes: Uint8Array): boolean {
    const stream = this.streams.get(path);
    if (!stream?.isOpen) return false;
    stream.port?.emitData(Buffer.from(bytes));
    return true;
  }

  /** What the host has written to a simulated device (commands), for tests and diagnostics. */
  written(path: string): Buffer {
    return this.streams.get(path)?.port?.recording ?? Buffer.alloc(0);
  }
}

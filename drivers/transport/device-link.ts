import { EventEmitter } from 'node:events';
import type { Codec, CodecCounters, DeviceEvent, DeviceState } from '../types.ts';
import { type BackoffOptions, backoffDelayMs, defaultBackoff } from './backoff.ts';
import type { PortFactory, SerialStream } from './port-factory.ts';

export interface DeviceLinkOptions {
  deviceId: string;
  path: string;
  baudRate: number;
  codec: Codec;
  openPort: PortFactory;
  backoff?: BackoffOptions;
}

export interface DeviceLinkEvents {
  state: [state: DeviceState, detail: string];
  event: [event: DeviceEvent];
  rx: [chunk: Buffer];
}

export interface DeviceLinkStatus {
  state: DeviceState;
  detail: string;
  lastFrameAt: number | null;
  reconnects: number;
  counters: CodecCounters;
}

/**
 * One device on one port: opens it, feeds every received chunk to the device's codec, and reopens
 * with backoff when the port fails or vanishes. A fresh stream is made for every attempt.
 */
export class DeviceLink extends EventEmitter<DeviceLinkEvents> {
  private stream: SerialStream | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private stopped = true;
  private current: DeviceState = 'offline';
  private detail = 'not started';
  private lastFrameAt: number | null = null;
  private reconnects = 0;
  private everOpened = false;

  constructor(private readonly opts: DeviceLinkOptions) {
    super();
  }

  get deviceId(): string {
    return this.opts.deviceId;
  }

  status(): DeviceLinkStatus {
    return {
      state: this.current,
      detail: this.detail,
      lastFrameAt: this.lastFrameAt,
      reconnects: this.reconnects,
      counters: { ...this.opts.codec.counters },
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const stream = this.stream;
    this.stream = null;
    if (stream?.isOpen) await new Promise<void>((resolve) => stream.close(() => resolve()));
    stream?.removeAllListeners();
    this.setState('offline', 'stopped');
  }

  /** Writes now or not at all: a command must never fire late after a reconnect. */
  write(bytes: Uint8Array): boolean {
    if (!this.stream?.isOpen) return false;
    this.stream.write(bytes);
    return true;
  }

  private connect(): void {
    if (this.stopped) return;
    const stream = this.opts.openPort(this.opts.path, this.opts.baudRate);
    this.stream = stream;
    stream.on('data', (chunk) => this.onData(chunk));
    stream.on('error', (err) => {
      if (stream === this.stream && !stream.isOpen) return;
      this.setState('error', err.message);
    });
    stream.on('close', (err) => {
      if (stream !== this.stream || this.stopped) return;
      this.lost(err ? `disconnected: ${err.message}` : 'port closed');
    });
    stream.open((err) => {
      if (stream !== this.stream || this.stopped) {
        if (!err) stream.close();
        return;
      }
      if (err) {
        const missing = /ENOENT|No such file|not found|does not exist/i.test(err.message);
        this.lost(err.message, missing ? 'offline' : 'error');
        return;
      }
      this.attempt = 0;
      if (this.everOpened) this.reconnects++;
      this.everOpened = true;
      this.setState('online', `open ${this.opts.path}`);
    });
  }

  private onData(chunk: Buffer): void {
    this.emit('rx', chunk);
    const before = this.opts.codec.counters.frames;
    const events = this.opts.codec.decode(chunk);
    if (this.opts.codec.counters.frames !== before || events.length > 0) this.lastFrameAt = Date.now();
    for (const event of events) this.emit('event', event);
  }

  private lost(reason: string, state: DeviceState = 'offline'): void {
    const stream = this.stream;
    this.stream = null;
    stream?.removeAllListeners();
    stream?.on('error', () => {});
    this.setState(state, reason);
    if (this.stopped) return;
    const delay = backoffDelayMs(this.attempt++, this.opts.backoff ?? defaultBackoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private setState(state: DeviceState, detail: string): void {
    this.detail = detail;
    if (state === this.current) return;
    this.current = state;
    this.emit('state', state, detail);
  }
}

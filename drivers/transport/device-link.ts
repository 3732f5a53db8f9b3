import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Codec, CodecCounters, DeviceEvent, DeviceState, ModelCommands } from '../types.ts';
import { type BackoffOptions, backoffDelayMs, defaultBackoff } from './backoff.ts';
import type { PortFactory, SerialStream } from './port-factory.ts';
import { describeSpec, locatePort, type PortSpec } from './port-locator.ts';
import { type ReadStamp, stampRead } from './read-stamp.ts';

export interface DeviceLinkOptions {
  deviceId: string;
  port: PortSpec;
  baudRate: number;
  codec: Codec;
  openPort: PortFactory;
  commands?: ModelCommands;
  /** Open but silent for longer than this → `error` (a streaming or polled device only). */
  silenceTimeoutMs?: number;
  backoff?: BackoffOptions;
  /** How often a missing device is looked for, so it is back soon after it is plugged in again. */
  presencePollMs?: number;
  /** Whether a path exists now; simulated ports always do. */
  pathExists?: (path: string) => boolean;
  locate?: (spec: PortSpec) => Promise<string | null>;
}

export interface DeviceLinkEvents {
  state: [state: DeviceState, detail: string];
  /** A decoded event, stamped with when its chunk was read (before decoding). */
  event: [event: DeviceEvent, stamp: ReadStamp];
  rx: [chunk: Buffer];
  tx: [bytes: Uint8Array];
}

export interface DeviceLinkStatus {
  state: DeviceState;
  detail: string;
  path: string | null;
  lastFrameAt: number | null;
  lastRxAt: number | null;
  reconnects: number;
  bytesRx: number;
  bytesTx: number;
  counters: CodecCounters;
}

/**
 * One device on one port: finds and opens it, feeds every received chunk to the model's codec, sends
 * the model's start-up and poll commands and the codec's replies, watches for silence, and reopens
 * when the port fails or vanishes: a missing device is looked for every `presencePollMs`, other
 * failures are retried with backoff. A fresh stream is made for every attempt.
 */
export class DeviceLink extends EventEmitter<DeviceLinkEvents> {
  private stream: SerialStream | null = null;
  private path: string | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private pollTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private stopped = true;
  private current: DeviceState = 'offline';
  private detail = 'not started';
  private lastFrameAt: number | null = null;
  private lastRxAt: number | null = null;
  private reconnects = 0;
  private everOpened = false;
  private bytesRx = 0;
  private bytesTx = 0;

  constructor(private readonly opts: DeviceLinkOptions) {
    super();
  }

  get deviceId(): string {
    return this.opts.deviceId;
  }

  get isOpen(): boolean {
    return this.stream?.isOpen === true;
  }

  status(): DeviceLinkStatus {
    return {
      state: this.current,
      detail: this.detail,
      path: this.path,
      lastFrameAt: this.lastFrameAt,
      lastRxAt: this.lastRxAt,
      reconnects: this.reconnects,
      bytesRx: this.bytesRx,
      bytesTx: this.bytesTx,
      counters: { ...this.opts.codec.counters },
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
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
    this.bytesTx += bytes.length;
    this.emit('tx', bytes);
    return true;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const spec = this.opts.port;
    let path: string | null;
    try {
      path = await (this.opts.locate ?? locatePort)(spec);
    } catch (err) {
      this.lost(`cannot list ports: ${(err as Error).message}`, 'error');
      return;
    }
    if (this.stopped) return;
    const exists = this.opts.pathExists ?? existsSync;
    if (path === null || !exists(path)) {
      this.waitForDevice(`${describeSpec(spec)} is not connected`);
      return;
    }
    this.path = path;
    const stream = this.opts.openPort(path, this.opts.baudRate);
    this.stream = stream;
    stream.on('data', (chunk, stamp) => this.onData(chunk, stamp ?? stampRead()));
    stream.on('error', (err) => {
      if (stream === this.stream && stream.isOpen) this.setState('error', err.message);
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
        if (!exists(path)) this.waitForDevice(`${path} is gone`);
        else this.lost(err.message, 'error');
        return;
      }
      this.attempt = 0;
      if (this.everOpened) this.reconnects++;
      this.everOpened = true;
      this.setState('online', `open ${path}`);
      this.startTalking();
    });
  }

  private startTalking(): void {
    const { commands, silenceTimeoutMs } = this.opts;
    for (const command of commands?.onOpen ?? []) this.write(command);
    if (commands?.poll) {
      const { request, intervalMs } = commands.poll;
      this.pollTimer = setInterval(() => this.write(request), intervalMs);
    }
    if (silenceTimeoutMs) this.armSilenceWatchdog(silenceTimeoutMs);
  }

  private armSilenceWatchdog(ms: number): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      this.silenceTimer = null;
      if (!this.isOpen) return;
      this.setState('error', `open but silent for ${(ms / 1000).toFixed(1)} s`);
    }, ms);
  }

  private onData(chunk: Buffer, stamp: ReadStamp): void {
    const now = stamp.atMs;
    this.lastRxAt = now;
    this.bytesRx += chunk.length;
    if (this.opts.silenceTimeoutMs) {
      this.armSilenceWatchdog(this.opts.silenceTimeoutMs);
      if (this.current === 'error' && this.isOpen) this.setState('online', `data again on ${this.path}`);
    }
    this.emit('rx', chunk);
    const codec = this.opts.codec;
    const before = codec.counters.frames;
    const events = codec.decode(chunk, now);
    if (codec.counters.frames !== before) this.lastFrameAt = now;
    if (codec.takeReplies) for (const reply of codec.takeReplies()) this.write(reply);
    for (const event of events) this.emit('event', event, stamp);
  }

  private dropStream(): void {
    const stream = this.stream;
    this.stream = null;
    stream?.removeAllListeners();
    stream?.on('error', () => {});
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
  }

  /** The device is not there: look for it often, and open it as soon as it is back. */
  private waitForDevice(reason: string): void {
    this.dropStream();
    this.setState('offline', reason);
    if (this.stopped) return;
    this.later(this.opts.presencePollMs ?? 250, () => void this.connect());
  }

  private lost(reason: string, state: DeviceState = 'offline'): void {
    this.dropStream();
    this.setState(state, reason);
    if (this.stopped) return;
    const delay = backoffDelayMs(this.attempt++, this.opts.backoff ?? defaultBackoff);
    this.later(delay, () => void this.connect());
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    this.silenceTimer = null;
  }

  private setState(state: DeviceState, detail: string): void {
    this.detail = detail;
    if (state === this.current) return;
    this.current = state;
    this.emit('state', state, detail);
  }
}

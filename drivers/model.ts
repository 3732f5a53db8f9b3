import type { Codec, CodecOptions, DeviceRole, DeviceSimulator, ModelCommands } from './types.ts';

export interface SimulatorOptions extends CodecOptions {
  seed?: number;
}

/** A relay's pulse: write `on`, wait `afterMs`, write `off`. */
export interface RelayPulse {
  on: Uint8Array;
  off: Uint8Array;
  afterMs: number;
}

/** Everything gate-kiosk knows of one device model; each model's file exports one. */
export interface DeviceModel {
  role: DeviceRole;
  /** What the device is, for maintenance staff. */
  label: string;
  defaultBaudRate: number;
  createCodec(options?: CodecOptions): Codec;
  createSimulator(options?: SimulatorOptions): DeviceSimulator;
  commands?: ModelCommands;
  /** Relays: the bytes that close `channel` (1-based) for `ms` milliseconds. */
  pulse?(channel: number, ms: number): RelayPulse;
  /** Thermometers: whether the device reports body temperature, or forehead (object) and ambient. */
  reports?: 'body' | 'object';
  /**
   * A device that streams (continuous mode) or is polled should never be silent longer than this
   * while open; past it the link reports an error (a port that opens but carries nothing).
   */
  silenceTimeoutMs?: number;
}

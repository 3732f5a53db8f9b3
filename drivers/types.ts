/** Typed events a codec emits, shared by every device model. Field names follow the fixture contract. */

export interface TemperatureEvent {
  kind: 'temperature';
  /** Body temperature as the device reports it (e.g. a K3's final `T body` line). */
  bodyC?: number;
  /** Object (surface) temperature, for modules that report it. */
  objectC?: number;
  /** Ambient temperature, for modules that report it. */
  ambientC?: number;
  /** A device's own remark on the reading (K3: `weak high`, `weak low`). */
  remark?: string;
}

export interface IdentityEvent {
  kind: 'identity';
  /** The scanned text without prefix, AIM id or terminator; a card's number in its configured format. */
  text: string;
  source: 'scan' | 'card';
  /** AIM symbology identifier such as `]Q1`, when the scanner sends one. */
  symbology?: string;
}

export type DeviceEvent = TemperatureEvent | IdentityEvent;

export type DeviceRole = 'thermometer' | 'scanner' | 'card-reader' | 'relay';

export type DeviceState = 'online' | 'offline' | 'error';

export interface CodecCounters {
  /** Frames decoded into an event or recognised and deliberately ignored. */
  frames: number;
  /** Frames whose checksum did not match (dropped). */
  badChecksums: number;
  /** Bytes discarded while looking for the start of a frame, or in unknown lines. */
  bytesSkipped: number;
  /** Frames longer than the model allows (dropped, buffer reset). */
  oversize: number;
}

/** A pure, stateful decoder: bytes in, events out. Never throws on input bytes. */
export interface Codec {
  decode(chunk: Uint8Array): DeviceEvent[];
  readonly counters: CodecCounters;
}

/** One piece of what a device would put on the wire, with the pause before it. */
export interface WireChunk {
  delayMs: number;
  bytes: Uint8Array;
}

/** What a simulated person does in front of a device. */
export type SimulatedAction = { kind: 'measure'; bodyC: number } | { kind: 'scan'; text: string };

/** Turns an action into exactly the bytes the real device would send, in realistic chunks. */
export interface DeviceSimulator {
  emit(action: SimulatedAction): WireChunk[];
}

export function emptyCounters(): CodecCounters {
  return { frames: 0, badChecksums: 0, bytesSkipped: 0, oversize: 0 };
}

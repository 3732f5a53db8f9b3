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
  /** Times the decoder lost a frame's thread and searched for the next start (after junk, a bad frame). */
  resyncs: number;
}

/** A pure, stateful decoder: bytes in, events out. Never throws on input bytes; its buffer is bounded. */
export interface Codec {
  /**
   * `nowMs` is the arrival time of the chunk (a transcript's `t` in replay, `Date.now()` live); codecs
   * that debounce (card readers repeat while a card is held) use it, others ignore it.
   */
  decode(chunk: Uint8Array, nowMs?: number): DeviceEvent[];
  readonly counters: CodecCounters;
  /** Bytes the host owes the device for what was just decoded (e.g. an SSI ACK or NAK); emptied by the call. */
  takeReplies?(): Uint8Array[];
}

/** How a model's printed card numbers are formed from the tag (see docs/protocols.md §3, desktop readers). */
export type CardFormat = '10H' | '8H10D' | '6H8D' | '2H+4H' | '4H+4H';

export interface CodecOptions {
  /** Card readers: the number format schools print (default `8H10D`). */
  cardFormat?: CardFormat;
  /** Card readers: the same card again within this many ms is the same presentation (default 1000). */
  debounceMs?: number;
}

/** Words for people: Chinese first, English beside it. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** What the link sends a device by itself, and what diagnostics may send. */
export interface ModelCommands {
  /** Sent each time the port opens, e.g. switch a module to continuous output. */
  onOpen?: Uint8Array[];
  /** Sent every `intervalMs` while the port is open: request/response devices are polled. */
  poll?: { request: Uint8Array; intervalMs: number };
  /** Diagnostics self-test: passes when a valid frame (`counters.frames` grows) arrives within `timeoutMs`. */
  selfTest?: { request: Uint8Array; timeoutMs: number; description: Bilingual };
  /** Scanners with a serial trigger. */
  trigger?: { start: Uint8Array; stop?: Uint8Array };
}

/** One piece of what a device would put on the wire, with the pause before it. */
export interface WireChunk {
  delayMs: number;
  bytes: Uint8Array;
}

/**
 * What a simulated person does in front of a device. `measure` on a module that reports object and
 * ambient temperature (no body value) shows a forehead at `objectC` (default `bodyC` −
 * NOMINAL_FOREHEAD_OFFSET_C); `scan` on a card reader presents the card whose printed number is `text`.
 */
export type SimulatedAction =
  | { kind: 'measure'; bodyC: number; objectC?: number; ambientC?: number }
  | { kind: 'scan'; text: string };

/** Forehead skin reads about this much below body temperature: the uncalibrated estimate, and simulators. */
export const NOMINAL_FOREHEAD_OFFSET_C = 2.0;

/** Turns an action into exactly the bytes the real device would send, in realistic chunks. */
export interface DeviceSimulator {
  emit(action: SimulatedAction): WireChunk[];
  /** Devices that stream while nobody is there (continuous mode) emit this every `intervalMs`. */
  idle?(): { intervalMs: number; bytes: Uint8Array };
  /** Request/response devices: the device's answer to bytes the host wrote, if any. */
  respond?(written: Uint8Array): WireChunk[];
}

export function emptyCounters(): CodecCounters {
  return { frames: 0, badChecksums: 0, bytesSkipped: 0, oversize: 0, resyncs: 0 };
}

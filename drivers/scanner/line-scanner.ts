/**
 * Barcode/QR scanners that send each decoded code as a text line (Honeywell, Datalogic, Newland in
 * serial/USB-COM mode). Source: docs/protocols.md §2 [V S9–S14, S16].
 *
 *   [02] [ ']' c m ] text… [03] CR [LF]
 *   02 / 03   optional STX prefix and ETX suffix, stripped
 *   ]cm       optional AIM identifier [V S11]: c = symbology (Q QR, C Code128, E EAN, d DataMatrix),
 *             m = modifier; `]Q1` = QR without ECI
 *   text      raw bytes of the code: ASCII, UTF-8 or GBK with no marker [V S16]
 *   CR        terminator (Honeywell default); Datalogic QuickScan sends CR LF [V S13]; LF alone tolerated [I]
 *
 * Text is decoded from the whole frame (strict UTF-8, else GB18030), never per chunk, so a multibyte
 * character split across USB reads comes out whole. NUL bytes are line noise: dropped and counted in
 * `bytesSkipped`. CR and LF each end a frame and empty frames are ignored, so the LF of a CR LF never makes a
 * frame of its own, even when it arrives in the next chunk. A frame over 4096 bytes counts once in `oversize` and is dropped
 * up to the next terminator.
 */

import { createLineFramer } from '../framing/lines.ts';
import type { DeviceModel } from '../model.ts';
import { seededRandom, splitPoints } from '../sim-random.ts';
import { decodeScannedText, encodeGb18030 } from '../text-decode.ts';
import type {
  Codec,
  DeviceEvent,
  DeviceSimulator,
  IdentityEvent,
  SimulatedAction,
  WireChunk,
} from '../types.ts';
import { emptyCounters } from '../types.ts';

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const STX = 0x02;
const ETX = 0x03;
const AIM_FLAG = 0x5d; // ']'
const MAX_FRAME_BYTES = 4096;

function isAlphanumeric(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function isLetter(byte: number | undefined): boolean {
  return byte !== undefined && isAlphanumeric(byte) && byte > 0x39;
}

export function createLineScannerCodec(): Codec {
  const counters = emptyCounters();

  function handleFrame(bytes: Uint8Array, events: DeviceEvent[]): void {
    let start = 0;
    let end = bytes.length;
    if (bytes[start] === STX) start++;
    if (end > start && bytes[end - 1] === ETX) end--;
    let symbology: string | undefined;
    if (bytes[start] === AIM_FLAG && isLetter(bytes[start + 1]) && isAlphanumeric(bytes[start + 2])) {
      symbology = String.fromCharCode(...bytes.subarray(start, start + 3));
      start += 3;
    }
    if (end <= start) {
      // An AIM id with no code after it carries nothing to act on.
      if (symbology !== undefined) counters.bytesSkipped += 3;
      return;
    }
    const { text } = decodeScannedText(bytes.subarray(start, end));
    const event: IdentityEvent = { kind: 'identity', text, source: 'scan' };
    if (symbology !== undefined) event.symbology = symbology;
    counters.frames++;
    events.push(event);
  }

  let events: DeviceEvent[] = [];
  const push = createLineFramer({ maxBytes: MAX_FRAME_BYTES, counters, noise: NUL }, (bytes) =>
    handleFrame(bytes, events),
  );

  return {
    counters,
    decode(chunk: Uint8Array): DeviceEvent[] {
      events = [];
      push(chunk);
      return events;
    },
  };
}

export interface LineScannerSimulatorOptions {
  /** Seeds chunk splits and timings, so a run can be repeated exactly. */
  seed?: number;
  /** AIM identifier sent before each code, e.g. `]Q1`; none by default. */
  aim?: string;
  terminator?: 'CR' | 'CRLF';
  /** How the scanner sends non-ASCII text; `gbk` is written as GB18030, its superset. */
  encoding?: 'utf-8' | 'gbk';
}

export function createLineScannerSimulator(opts: LineScannerSimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(opts.seed ?? 0x5ca7);
  const encoder = new TextEncoder();
  const prefix = encoder.encode(opts.aim ?? '');
  const suffix = opts.terminator === 'CRLF' ? Uint8Array.of(CR, LF) : Uint8Array.of(CR);

  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'scan') return [];
      const text = opts.encoding === 'gbk' ? encodeGb18030(action.text) : encoder.encode(action.text);
      const bytes = new Uint8Array(prefix.length + text.length + suffix.length);
      bytes.set(prefix, 0);
      bytes.set(text, prefix.length);
      bytes.set(suffix, prefix.length + text.length);
      const cuts = splitPoints(bytes.length, 1 + Math.floor(random() * 3), random);
      const chunks: WireChunk[] = [];
      let start = 0;
      for (const end of [...cuts, bytes.length]) {
        chunks.push({ delayMs: 1 + Math.floor(random() * 5), bytes: bytes.slice(start, end) });
        start = end;
      }
      return chunks;
    },
  };
}

export const lineScannerModel: DeviceModel = {
  role: 'scanner',
  label: 'Barcode/QR scanner, text lines (Honeywell, Datalogic, Newland)',
  defaultBaudRate: 9600,
  createCodec: () => createLineScannerCodec(),
  createSimulator: (opts) => createLineScannerSimulator(opts?.seed === undefined ? {} : { seed: opts.seed }),
};

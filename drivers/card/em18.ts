/**
 * EM-18 125 kHz (EM4100) card reader module, 9600 8N1, transmit only.
 * Source: docs/protocols.md §3 [V S18: cparkb2c EM-18 product page; Parallax forum thread 160868].
 *
 *   V V  T T T T T T T T  C C          12 ASCII hex digits, no STX/ETX
 *   VV        version byte;  TT… 32-bit tag id, big-endian;  CC XOR of the 5 tag bytes
 *   e.g. "4500C5D1E9B8" → version 45, id 0x00C5D1E9, 45^00^C5^D1^E9 = B8, printed 0012964329 in 8H10D
 * Parallax variant:
 *   0A  V V T T T T T T T T  0D        LF, 10 ASCII hex digits (no check digits), CR
 *
 * With no start byte, a frame is 12 hex digits in a row. CR, LF, STX and ETX around a frame are tolerated as
 * framing [I] and end a partial run; any other non-hex byte is junk (`bytesSkipped`). A run of 10 digits
 * between LF and CR is a Parallax frame. Frames that arrive back to back are cut every 12 digits; after a lost
 * byte the cut is out of step and every frame fails its XOR until a framing byte or a pause of more than
 * FRAME_GAP_MS (one frame takes 12.5 ms at 9600 baud) restarts the count, since the module's own pause
 * between reads is the only frame boundary it has [I]. Debounce and card formats as for the RDM6300.
 */

import type { DeviceModel, SimulatorOptions } from '../model.ts';
import { seededRandom, splitPoints } from '../sim-random.ts';
import type {
  Codec,
  CodecOptions,
  DeviceEvent,
  DeviceSimulator,
  SimulatedAction,
  WireChunk,
} from '../types.ts';
import { emptyCounters } from '../types.ts';
import {
  asciiHex,
  bytesFromAsciiHex,
  type CardTag,
  cardFromNumber,
  createCardDebouncer,
  DEFAULT_CARD_FORMAT,
  formatCardNumber,
  hexDigitValue,
  tagBytes,
  tagChecksum,
  tagFromBytes,
} from './card-number.ts';

const STX = 0x02;
const ETX = 0x03;
const LF = 0x0a;
const CR = 0x0d;
const FRAME_DIGITS = 12;
const PARALLAX_DIGITS = 10;
/** A partial frame older than this when the next byte arrives is stale. */
export const EM18_FRAME_GAP_MS = 50;

/** The 12 ASCII bytes an EM-18 sends for `tag`. */
export function em18Frame(tag: CardTag): Uint8Array {
  const bytes = tagBytes(tag);
  const frame = new Uint8Array(FRAME_DIGITS);
  frame.set(asciiHex(bytes), 0);
  frame.set(asciiHex([tagChecksum(bytes)]), 10);
  return frame;
}

/** The Parallax reader's 12 bytes for `tag`: LF, 10 ASCII hex digits, CR. */
export function parallaxFrame(tag: CardTag): Uint8Array {
  const frame = new Uint8Array(PARALLAX_DIGITS + 2);
  frame[0] = LF;
  frame.set(asciiHex(tagBytes(tag)), 1);
  frame[PARALLAX_DIGITS + 1] = CR;
  return frame;
}

const isFraming = (byte: number): boolean => byte === CR || byte === LF || byte === STX || byte === ETX;

export function createEm18Codec(options: CodecOptions = {}): Codec {
  const counters = emptyCounters();
  const format = options.cardFormat ?? DEFAULT_CARD_FORMAT;
  const debouncer = createCardDebouncer(options.debounceMs);
  const digits = new Uint8Array(FRAME_DIGITS);
  let length = 0;
  let afterLf = false;
  let synced = true;
  let lastByteMs: number | undefined;

  function lose(byteCount: number): void {
    counters.bytesSkipped += byteCount;
    if (synced) counters.resyncs++;
    synced = false;
  }

  function emit(tagDigits: Uint8Array, nowMs: number, events: DeviceEvent[]): void {
    counters.frames++;
    synced = true;
    const tag = tagFromBytes(bytesFromAsciiHex(tagDigits));
    if (!debouncer.isNewPresentation(formatCardNumber(tag, '10H'), nowMs)) return;
    events.push({ kind: 'identity', text: formatCardNumber(tag, format), source: 'card' });
  }

  return {
    counters,
    decode(chunk: Uint8Array, nowMs: number = Date.now()): DeviceEvent[] {
      const events: DeviceEvent[] = [];
      if (chunk.length === 0) return events;
      if (length > 0 && lastByteMs !== undefined && nowMs - lastByteMs > EM18_FRAME_GAP_MS) {
        lose(length);
        length = 0;
        afterLf = false;
      }
      lastByteMs = nowMs;
      for (const byte of chunk) {
        if (hexDigitValue(byte) >= 0) {
          digits[length++] = byte;
          if (length < FRAME_DIGITS) continue;
          length = 0;
          afterLf = false;
          const bytes = bytesFromAsciiHex(digits.subarray(0, 10));
          if (tagChecksum(bytes) === bytesFromAsciiHex(digits.subarray(10, 12))[0]) {
            emit(digits.subarray(0, 10), nowMs, events);
          } else {
            counters.badChecksums++;
          }
          continue;
        }
        if (byte === CR && afterLf && length === PARALLAX_DIGITS) {
          emit(digits.subarray(0, PARALLAX_DIGITS), nowMs, events);
        } else if (length > 0) {
          lose(length);
        }
        length = 0;
        if (!isFraming(byte)) lose(1);
        afterLf = byte === LF;
      }
      return events;
    },
  };
}

export interface Em18SimulatorOptions extends SimulatorOptions {
  /** `parallax` sends LF + 10 hex digits + CR; the default is the EM-18's bare 12 digits. */
  variant?: 'em18' | 'parallax';
}

/** Whether the module repeats while a card is held is not documented [I]: 1–3 frames, 100 ms apart. */
export function createEm18Simulator(options: Em18SimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(options.seed ?? 0xe318);
  const format = options.cardFormat ?? DEFAULT_CARD_FORMAT;
  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'scan') return [];
      const tag = cardFromNumber(action.text, format);
      if (!tag) return [];
      const frame = options.variant === 'parallax' ? parallaxFrame(tag) : em18Frame(tag);
      const repeats = 1 + Math.floor(random() * 3);
      const chunks: WireChunk[] = [];
      for (let repeat = 0; repeat < repeats; repeat++) {
        const cuts = splitPoints(frame.length, 1 + Math.floor(random() * 2), random);
        let start = 0;
        for (const end of [...cuts, frame.length]) {
          const delayMs =
            start === 0 && repeat > 0 ? 90 + Math.floor(random() * 21) : 1 + Math.floor(random() * 4);
          chunks.push({ delayMs, bytes: frame.slice(start, end) });
          start = end;
        }
      }
      return chunks;
    },
  };
}

export const em18Model: DeviceModel = {
  role: 'card-reader',
  label: 'EM-18 / Parallax 125 kHz card reader (EM4100, transmit only; self-test is passive: present a card)',
  defaultBaudRate: 9600,
  createCodec: (options) => createEm18Codec(options),
  createSimulator: (options) => createEm18Simulator(options),
};

/**
 * RDM6300 125 kHz (EM4100) card reader module, 9600 8N1, transmit only.
 * Source: docs/protocols.md §3 [V S17: arduino12/rdm6300 src/rdm6300.cpp, chnbohwr/node-rdm6300 src/index.ts].
 *
 *   02  V V  T T T T T T T T  C C  03          14 bytes
 *   02 / 03   STX / ETX
 *   VV        version byte, 2 ASCII hex digits
 *   TT…       32-bit tag id, 8 ASCII hex digits, big-endian
 *   CC        XOR of the 5 tag bytes, 2 ASCII hex digits
 *   e.g. 02 "01026F6C3A" "3A" 03 → version 01, id 0x026F6C3A, printed 0040856634 in 8H10D
 *
 * The module repeats the frame while the card stays in the field; a sighting of the card last seen no more
 * than `debounceMs` (default 1000) ago is the same presentation and emits nothing (see card-number.ts).
 * Decoding: bytes before STX are skipped; a frame broken by a non-hex byte, a new STX or a missing ETX is
 * dropped (its bytes go to `bytesSkipped`) and the search for STX resumes; a bad XOR counts in
 * `badChecksums`. The buffer never holds more than one frame.
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
export const RDM6300_FRAME_LENGTH = 14;

/** The 14 bytes the module sends for `tag`. */
export function rdm6300Frame(tag: CardTag): Uint8Array {
  const bytes = tagBytes(tag);
  const frame = new Uint8Array(RDM6300_FRAME_LENGTH);
  frame[0] = STX;
  frame.set(asciiHex(bytes), 1);
  frame.set(asciiHex([tagChecksum(bytes)]), 11);
  frame[13] = ETX;
  return frame;
}

export function createRdm6300Codec(options: CodecOptions = {}): Codec {
  const counters = emptyCounters();
  const format = options.cardFormat ?? DEFAULT_CARD_FORMAT;
  const debouncer = createCardDebouncer(options.debounceMs);
  const frame = new Uint8Array(RDM6300_FRAME_LENGTH);
  let length = 0;
  let synced = true;

  function drop(extraBytes: number): void {
    counters.bytesSkipped += length + extraBytes;
    length = 0;
    if (synced) counters.resyncs++;
    synced = false;
  }

  function handleFrame(nowMs: number, events: DeviceEvent[]): void {
    synced = true;
    const bytes = bytesFromAsciiHex(frame.subarray(1, 11));
    const check = bytesFromAsciiHex(frame.subarray(11, 13))[0];
    if (tagChecksum(bytes) !== check) {
      counters.badChecksums++;
      return;
    }
    counters.frames++;
    const tag = tagFromBytes(bytes);
    if (!debouncer.isNewPresentation(formatCardNumber(tag, '10H'), nowMs)) return;
    events.push({ kind: 'identity', text: formatCardNumber(tag, format), source: 'card' });
  }

  return {
    counters,
    decode(chunk: Uint8Array, nowMs: number = Date.now()): DeviceEvent[] {
      const events: DeviceEvent[] = [];
      for (const byte of chunk) {
        if (byte === STX) {
          // A new STX inside a frame means the previous one was cut short.
          if (length > 0) drop(0);
          frame[0] = byte;
          length = 1;
          continue;
        }
        if (length === 0) {
          drop(1);
          continue;
        }
        if (length < RDM6300_FRAME_LENGTH - 1) {
          if (hexDigitValue(byte) < 0) {
            drop(1);
            continue;
          }
          frame[length++] = byte;
          continue;
        }
        if (byte !== ETX) {
          drop(1);
          continue;
        }
        frame[length] = byte;
        length = 0;
        handleFrame(nowMs, events);
      }
      return events;
    },
  };
}

/** Gap between repeats while a card is held; the module sends about ten frames a second. */
export const RDM6300_REPEAT_INTERVAL_MS = 100;

/** A presented card: the frame 3–5 times about 100 ms apart, each in one or two chunks. */
export function createRdm6300Simulator(options: SimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(options.seed ?? 0x6300);
  const format = options.cardFormat ?? DEFAULT_CARD_FORMAT;
  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'scan') return [];
      const tag = cardFromNumber(action.text, format);
      if (!tag) return [];
      const frame = rdm6300Frame(tag);
      const repeats = 3 + Math.floor(random() * 3);
      const chunks: WireChunk[] = [];
      for (let repeat = 0; repeat < repeats; repeat++) {
        const cuts = splitPoints(frame.length, 1 + Math.floor(random() * 2), random);
        let start = 0;
        for (const end of [...cuts, frame.length]) {
          const firstOfFrame = start === 0;
          const delayMs =
            firstOfFrame && repeat > 0
              ? RDM6300_REPEAT_INTERVAL_MS - 10 + Math.floor(random() * 11)
              : 1 + Math.floor(random() * 4);
          chunks.push({ delayMs, bytes: frame.slice(start, end) });
          start = end;
        }
      }
      return chunks;
    },
  };
}

export const rdm6300Model: DeviceModel = {
  role: 'card-reader',
  label: 'RDM6300 125 kHz card reader (EM4100, transmit only; self-test is passive: present a card)',
  defaultBaudRate: 9600,
  createCodec: (options) => createRdm6300Codec(options),
  createSimulator: (options) => createRdm6300Simulator(options),
};

/**
 * GD60914 forehead/wrist IR thermometer chip, request/response, 9600 8N1.
 * Source: docs/protocols.md §1e [V S8: moxuec/esphome_external_componnets components/gd60914/gd60914.{h,cpp}].
 *
 * Host → chip, one byte:
 *   A1         single-shot mode, sent once after opening
 *   AA / AB / AC   one reading: object / forehead (the chip's body estimate) / wrist
 *   A9 A2 01 0C 05, A9 A2 01 0E 0D   calibrate at 35 / 42 °C;  A9 A2 01 06 02   reset (checksum rule unknown)
 * Chip → host, per reading: 7 ASCII bytes read with atoi as tenths of °C, e.g. "0000366" → 36.6 °C.
 *
 * The reply has no terminator [I], so it is framed by length: 7 bytes of leading spaces, an optional sign
 * and digits, ending in a digit. A byte that cannot continue the reply abandons it (`resyncs`) and the
 * decoder looks for a reply start inside what it held; bytes outside any reply (CR, LF, noise) go to
 * `bytesSkipped`. When chunk times are given, a reply left unfinished for over 50 ms is abandoned the same
 * way [I]: the chip answers in one 7 ms burst, and a 300 ms poll cycle realigns after a lost byte.
 * Every reply counts in `frames`, but only one from 30.0 to 45.0 °C becomes an event [I]: below, the chip
 * is reading the room, not a forehead; above, a hot object or a reply misread after a lost byte (a garbled
 * byte leaves the rest of its reply to run into the next one, "0370" + "000" → 37000.0, when both come in
 * one burst).
 */

import type { DeviceModel, SimulatorOptions } from '../model.ts';
import { seededRandom } from '../sim-random.ts';
import type {
  Codec,
  CodecOptions,
  DeviceEvent,
  DeviceSimulator,
  SimulatedAction,
  WireChunk,
} from '../types.ts';
import { emptyCounters, NOMINAL_FOREHEAD_OFFSET_C } from '../types.ts';

export const GD60914_REPLY_LENGTH = 7;
export const GD60914_SINGLE_SHOT = 0xa1;
export const GD60914_READ_OBJECT = 0xaa;
export const GD60914_READ_FOREHEAD = 0xab;
export const GD60914_READ_WRIST = 0xac;
/** Readings below this are an empty lane (the room), not a person. */
export const GD60914_PERSON_MIN_C = 30;
/** Readings above this are no person either: a hot object, or a reply misread after a lost byte. */
export const GD60914_PERSON_MAX_C = 45;
const PERSON_MIN_TENTHS = GD60914_PERSON_MIN_C * 10;
const PERSON_MAX_TENTHS = GD60914_PERSON_MAX_C * 10;
const REPLY_GAP_MS = 50;
const SPACE = 0x20;
const PLUS = 0x2b;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** One-byte command, e.g. `gd60914Command(GD60914_READ_FOREHEAD)` → AB. */
export function gd60914Command(code: number): Uint8Array {
  return Uint8Array.of(code & 0xff);
}

/** Calibration at 35 °C (A9 A2 01 0C 05) or 42 °C (A9 A2 01 0E 0D), as captured. */
export function gd60914CalibrateCommand(atC: 35 | 42): Uint8Array {
  return atC === 35
    ? Uint8Array.of(0xa9, 0xa2, 0x01, 0x0c, 0x05)
    : Uint8Array.of(0xa9, 0xa2, 0x01, 0x0e, 0x0d);
}

/** Reset: A9 A2 01 06 02, as captured. */
export function gd60914ResetCommand(): Uint8Array {
  return Uint8Array.of(0xa9, 0xa2, 0x01, 0x06, 0x02);
}

/** The chip's 7-byte reply for a temperature (°C, rounded to 0.1): "0000366", "-000052". */
export function encodeGd60914Reply(valueC: number): Uint8Array {
  const tenths = Math.max(-999999, Math.min(9999999, Math.round(valueC * 10)));
  const text = tenths < 0 ? `-${String(-tenths).padStart(6, '0')}` : String(tenths).padStart(7, '0');
  return new TextEncoder().encode(text);
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

/** Whether `byte` may stand at `position` of a reply after `previous` (undefined at the start). */
function fits(position: number, previous: number | undefined, byte: number): boolean {
  if (isDigit(byte)) return true;
  if (position === GD60914_REPLY_LENGTH - 1) return false;
  if (previous !== undefined && previous !== SPACE) return false;
  return byte === SPACE || byte === MINUS || byte === PLUS;
}

export function createGd60914Codec(_options: CodecOptions = {}): Codec {
  const counters = emptyCounters();
  const reply = new Uint8Array(GD60914_REPLY_LENGTH);
  let held = 0;
  let lastChunkMs: number | undefined;

  // Drops held bytes up to the first later offset that could still begin a reply.
  function dropToNextStart(): void {
    let from = 1;
    for (; from < held; from++) {
      let ok = true;
      for (let k = from; ok && k < held; k++) {
        ok = fits(k - from, k === from ? undefined : reply[k - 1], reply[k] as number);
      }
      if (ok) break;
    }
    counters.bytesSkipped += from;
    reply.copyWithin(0, from, held);
    held -= from;
  }

  return {
    counters,
    decode(chunk: Uint8Array, nowMs?: number): DeviceEvent[] {
      if (nowMs !== undefined) {
        if (held > 0 && lastChunkMs !== undefined && nowMs - lastChunkMs > REPLY_GAP_MS) {
          counters.resyncs++;
          counters.bytesSkipped += held;
          held = 0;
        }
        lastChunkMs = nowMs;
      }
      const events: DeviceEvent[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (!fits(held, held === 0 ? undefined : reply[held - 1], byte)) {
          if (held > 0) counters.resyncs++;
          while (held > 0 && !fits(held, reply[held - 1], byte)) dropToNextStart();
          if (held === 0 && !fits(0, undefined, byte)) {
            counters.bytesSkipped++;
            continue;
          }
        }
        reply[held++] = byte;
        if (held < GD60914_REPLY_LENGTH) continue;
        held = 0;
        counters.frames++;
        let tenths = 0;
        let negative = false;
        for (let k = 0; k < GD60914_REPLY_LENGTH; k++) {
          const b = reply[k] as number;
          if (isDigit(b)) tenths = tenths * 10 + (b - ZERO);
          else if (b === MINUS) negative = true;
        }
        if (negative) tenths = -tenths;
        if (tenths >= PERSON_MIN_TENTHS && tenths <= PERSON_MAX_TENTHS)
          events.push({ kind: 'temperature', bodyC: tenths / 10 });
      }
      return events;
    },
  };
}

/** How many replies after a `measure` carry the person's temperature: ~1.5 s at the 300 ms poll. */
export const GD60914_MEASURE_REPLIES = 5;
export const GD60914_POLL_INTERVAL_MS = 300;

/**
 * Answers each reading command (AA, AB, AC) with 7 ASCII bytes; A1 and anything else get no answer.
 * `measure` sends nothing by itself: it puts a person in front of the chip for the next
 * GD60914_MEASURE_REPLIES answers (object: `objectC`, default `bodyC` − NOMINAL_FOREHEAD_OFFSET_C;
 * forehead and wrist: `bodyC`). Otherwise the chip reads the room, ~25 °C.
 */
export function createGd60914Simulator(opts: SimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(opts.seed ?? 0x60914);
  const between = (low: number, high: number): number => low + random() * (high - low);
  const roomC = 25 + between(-0.3, 0.3);
  let person: { bodyC: number; objectC: number } | undefined;
  let repliesLeft = 0;

  function valueFor(code: number): number {
    if (person === undefined || repliesLeft === 0) return roomC + between(-0.1, 0.1);
    repliesLeft--;
    return code === GD60914_READ_OBJECT ? person.objectC : person.bodyC;
  }

  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind === 'measure') {
        person = { bodyC: action.bodyC, objectC: action.objectC ?? action.bodyC - NOMINAL_FOREHEAD_OFFSET_C };
        repliesLeft = GD60914_MEASURE_REPLIES;
      }
      return [];
    },
    respond(written: Uint8Array): WireChunk[] {
      const chunks: WireChunk[] = [];
      for (const code of written) {
        if (code !== GD60914_READ_OBJECT && code !== GD60914_READ_FOREHEAD && code !== GD60914_READ_WRIST) {
          continue;
        }
        const bytes = encodeGd60914Reply(valueFor(code));
        // The chip measures for a few ms before answering; 7 bytes at 9600 baud take ~7 ms.
        const delayMs = Math.round(between(8, 20));
        if (random() < 0.5) chunks.push({ delayMs, bytes });
        else {
          const cut = 1 + Math.floor(random() * (bytes.length - 1));
          chunks.push({ delayMs, bytes: bytes.slice(0, cut) }, { delayMs: 2, bytes: bytes.slice(cut) });
        }
      }
      return chunks;
    },
  };
}

export const gd60914Model: DeviceModel = {
  role: 'thermometer',
  reports: 'body',
  label: 'GD60914 forehead/wrist thermometer chip (polled, ASCII reply)',
  defaultBaudRate: 9600,
  createCodec: (options) => createGd60914Codec(options),
  createSimulator: (options) => createGd60914Simulator(options),
  commands: {
    onOpen: [gd60914Command(GD60914_SINGLE_SHOT)],
    poll: { request: gd60914Command(GD60914_READ_FOREHEAD), intervalMs: GD60914_POLL_INTERVAL_MS },
    selfTest: {
      request: gd60914Command(GD60914_READ_FOREHEAD),
      timeoutMs: 500,
      description: {
        zh: '请芯片测一次额温（AB），等待 7 位数字回复',
        en: 'Asks the chip for one forehead reading (AB) and waits for a 7-digit reply',
      },
    },
  },
  silenceTimeoutMs: 2000,
};

/**
 * IDC-50 kiosk thermal module (Heimann HTPA32x32), 115200 8N1.
 * Source: docs/protocols.md §1c [V S6: idoctorcloud.com thermal imaging module board].
 *
 * Module → host, binary option, 6 bytes:
 *   AA 55 06 II DD CS
 *   AA 55      start
 *   06         frame length
 *   II, DD     body temperature = II + DD / 10 °C
 *   CS         low byte of the sum of bytes 0–4
 *   e.g. AA 55 06 24 07 30 → 36.7 °C
 * The ASCII option sends `{…}` every 500 ms; its content was not captured, so such blocks are skipped
 * unread [I]: from `{` to `}`, counted in `bytesSkipped`, and a block past 128 bytes counts once in
 * `oversize`. ASCII never holds a byte ≥ 80, so one (such as AA) ends a block early and is decoded as usual.
 * DD is expected to be 0–9; a larger value is still read as II + DD / 10 [I].
 * The on-request option's command was not captured: the host sends nothing.
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
import { emptyCounters } from '../types.ts';

export const IDC50_FRAME_LENGTH = 6;
const START_1 = 0xaa;
const START_2 = 0x55;
const LENGTH = 0x06;
const BLOCK_OPEN = 0x7b; // '{'
const BLOCK_CLOSE = 0x7d; // '}'
const MAX_BLOCK_BYTES = 128;

/** The 6-byte frame for a body temperature (°C, rounded to 0.1). */
export function encodeIdc50Frame(bodyC: number): Uint8Array {
  const tenths = Math.max(0, Math.min(2559, Math.round(bodyC * 10)));
  const whole = Math.floor(tenths / 10);
  const frame = Uint8Array.of(START_1, START_2, LENGTH, whole, tenths - whole * 10, 0);
  let sum = 0;
  for (let i = 0; i < IDC50_FRAME_LENGTH - 1; i++) sum += frame[i] ?? 0;
  frame[IDC50_FRAME_LENGTH - 1] = sum & 0xff;
  return frame;
}

/** Whether `byte` may stand at `position` of a frame; the checksum waits for the whole frame. */
function fits(position: number, byte: number): boolean {
  if (position === 0) return byte === START_1;
  if (position === 1) return byte === START_2;
  if (position === 2) return byte === LENGTH;
  return true;
}

export function createIdc50Codec(_options: CodecOptions = {}): Codec {
  const counters = emptyCounters();
  const frame = new Uint8Array(IDC50_FRAME_LENGTH);
  let held = 0;
  /** Bytes of the ASCII block being skipped, `{` included; 0 outside one. */
  let blockLength = 0;

  // Drops held bytes up to the first later offset that could still begin a frame.
  function dropToNextStart(): void {
    let from = 1;
    for (; from < held; from++) {
      let ok = true;
      for (let k = from; ok && k < held; k++) ok = fits(k - from, frame[k] as number);
      if (ok) break;
    }
    counters.bytesSkipped += from;
    frame.copyWithin(0, from, held);
    held -= from;
  }

  return {
    counters,
    decode(chunk: Uint8Array): DeviceEvent[] {
      const events: DeviceEvent[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (blockLength > 0) {
          if (byte < 0x80) {
            counters.bytesSkipped++;
            if (byte === BLOCK_CLOSE) blockLength = 0;
            else if (++blockLength >= MAX_BLOCK_BYTES) {
              counters.oversize++;
              blockLength = 0;
            }
            continue;
          }
          blockLength = 0;
        }
        if (!fits(held, byte)) {
          if (held >= 2) counters.resyncs++;
          while (held > 0 && !fits(held, byte)) dropToNextStart();
          if (held === 0 && !fits(0, byte)) {
            counters.bytesSkipped++;
            if (byte === BLOCK_OPEN) blockLength = 1;
            continue;
          }
        }
        frame[held++] = byte;
        if (held < IDC50_FRAME_LENGTH) continue;
        let sum = 0;
        for (let k = 0; k < IDC50_FRAME_LENGTH - 1; k++) sum += frame[k] as number;
        if ((sum & 0xff) !== frame[IDC50_FRAME_LENGTH - 1]) {
          counters.badChecksums++;
          counters.resyncs++;
          dropToNextStart();
          continue;
        }
        counters.frames++;
        events.push({ kind: 'temperature', bodyC: ((frame[3] as number) * 10 + (frame[4] as number)) / 10 });
        held = 0;
      }
      return events;
    },
  };
}

/**
 * The module sends a reading while someone stands in front of it and nothing otherwise (no `idle`). Half
 * the readings come after an ASCII block, a stand-in for the uncaptured `{…}` output, so that the
 * decoder's skipping is exercised.
 */
export function createIdc50Simulator(opts: SimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(opts.seed ?? 0x1dc50);
  const between = (low: number, high: number): number => low + random() * (high - low);
  const encoder = new TextEncoder();

  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'measure') return [];
      const chunks: WireChunk[] = [];
      if (random() < 0.5) {
        const block = `{T:${action.bodyC.toFixed(1)},A:${(24 + between(-1, 1)).toFixed(1)}}`;
        chunks.push({ delayMs: Math.round(between(100, 400)), bytes: encoder.encode(block) });
      }
      const bytes = encodeIdc50Frame(action.bodyC);
      const delayMs = Math.round(between(50, 150));
      if (random() < 0.5) chunks.push({ delayMs, bytes });
      else {
        const cut = 1 + Math.floor(random() * (bytes.length - 1));
        chunks.push({ delayMs, bytes: bytes.slice(0, cut) }, { delayMs: 1, bytes: bytes.slice(cut) });
      }
      return chunks;
    },
  };
}

export const idc50Model: DeviceModel = {
  role: 'thermometer',
  reports: 'body',
  label: 'IDC-50 kiosk thermal module (binary body temperature)',
  defaultBaudRate: 115200,
  createCodec: (options) => createIdc50Codec(options),
  createSimulator: (options) => createIdc50Simulator(options),
};

/**
 * CJMCU-90614 IR module (MLX90614 behind a small MCU), binary, 115200 8N1 by default.
 * Source: docs/protocols.md §1b [V S5: RocksteadyBepop/CJMCU-MLX90614 README.md, electronicpro.co.za product page].
 *
 * Module → host, 9 bytes:
 *   66 66 mode len T1h T1l T2h T2l sum
 *   66 66      start
 *   mode       output mode (01 continuous)
 *   len        data length, 04 [I]
 *   T1, T2     int16 big-endian, °C × 100
 *   sum        see below
 * Host → module: 66 66 cc 56; cc 01 continuous, 02 one reading, 11 / 12 / 13 = 9600 / 57600 / 115200.
 *
 * The sources disagree, so each frame is read tolerantly:
 * - T1 / T2: the README says T1 = target (object), T2 = ambient; a MicroPython driver returns them as
 *   (ambient, object). We follow the README: T1 = object, T2 = ambient.
 * - checksum: the README says it "appears to be 0". A frame is accepted when `sum` is the low byte of the
 *   sum of bytes 0–7 (as on the GY-MCU boards) or 00; any other value counts in `badChecksums`.
 * - mode is not checked (a one-shot reply may carry 02) [I]; len must be 04, the only length with this
 *   layout [I]. Temperatures are read as signed, as the MLX9061x reports below 0 °C [I].
 * After a bad checksum or length byte the decoder looks for the next 66 66 inside the bytes it held.
 */

import { createFixedFrameCodec, int16At, sumOfAllButLast } from '../framing/fixed-frames.ts';
import type { DeviceModel, SimulatorOptions } from '../model.ts';
import type { Codec, CodecOptions, DeviceSimulator } from '../types.ts';
import { createForeheadStreamSimulator } from './forehead-stream.ts';

export const CJMCU_FRAME_LENGTH = 9;
const START = 0x66;
const MODE_CONTINUOUS = 0x01;
const DATA_LENGTH = 0x04;
const COMMAND_END = 0x56;

export const CJMCU_CONTINUOUS = 0x01;
export const CJMCU_QUERY = 0x02;
export const CJMCU_BAUD_9600 = 0x11;
export const CJMCU_BAUD_57600 = 0x12;
export const CJMCU_BAUD_115200 = 0x13;

/** `66 66 cc 56`: e.g. `cjmcuCommand(CJMCU_CONTINUOUS)` → 66 66 01 56. */
export function cjmcuCommand(command: number): Uint8Array {
  return Uint8Array.of(START, START, command & 0xff, COMMAND_END);
}

function toInt16(valueC: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(valueC * 100)));
}

/**
 * The 9-byte frame for these temperatures (°C, rounded to 0.01), T1 = object. `checksum: 'zero'` sends 00
 * as the README's module does; `'sum'` the low byte of the sum of bytes 0–7.
 */
export function encodeCjmcu90614Frame(
  objectC: number,
  ambientC: number,
  checksum: 'sum' | 'zero' = 'sum',
): Uint8Array {
  const object = toInt16(objectC);
  const ambient = toInt16(ambientC);
  const frame = Uint8Array.of(
    START,
    START,
    MODE_CONTINUOUS,
    DATA_LENGTH,
    (object >> 8) & 0xff,
    object & 0xff,
    (ambient >> 8) & 0xff,
    ambient & 0xff,
    0,
  );
  if (checksum === 'sum') {
    let sum = 0;
    for (let i = 0; i < CJMCU_FRAME_LENGTH - 1; i++) sum += frame[i] ?? 0;
    frame[CJMCU_FRAME_LENGTH - 1] = sum & 0xff;
  }
  return frame;
}

/** Whether `byte` may stand at `position` of a frame; the checksum waits for the whole frame. */
function fits(position: number, byte: number): boolean {
  if (position < 2) return byte === START;
  if (position === 3) return byte === DATA_LENGTH;
  return true;
}

export function createCjmcu90614Codec(_options: CodecOptions = {}): Codec {
  return createFixedFrameCodec({
    length: CJMCU_FRAME_LENGTH,
    fits,
    checksumOk: (frame) => {
      // Some modules send 00 in place of the sum (S5's README) [I].
      const received = frame[frame.length - 1];
      return received === 0 || received === sumOfAllButLast(frame);
    },
    eventOf: (frame) => ({
      kind: 'temperature',
      objectC: int16At(frame, 4) / 100,
      ambientC: int16At(frame, 6) / 100,
    }),
  });
}

/** The output rate is not documented; the GY-MCU firmware's ~14 Hz is assumed [I]. */
export const CJMCU_FRAME_INTERVAL_MS = 70;
export interface Cjmcu90614SimulatorOptions extends SimulatorOptions {
  /** Checksum byte the simulated module sends (default `'zero'`, as the README reports). */
  checksum?: 'sum' | 'zero';
}

/** Continuous output: see `createForeheadStreamSimulator`. */
export function createCjmcu90614Simulator(opts: Cjmcu90614SimulatorOptions = {}): DeviceSimulator {
  const checksum = opts.checksum ?? 'zero';
  return createForeheadStreamSimulator({
    seed: opts.seed ?? 0xc90614,
    intervalMs: CJMCU_FRAME_INTERVAL_MS,
    encode: (objectC, ambientC) => encodeCjmcu90614Frame(objectC, ambientC, checksum),
    jitterSplit: false,
  });
}

export const cjmcu90614Model: DeviceModel = {
  role: 'thermometer',
  reports: 'object',
  label: 'CJMCU-90614 IR module (binary, object and ambient temperature)',
  defaultBaudRate: 115200,
  createCodec: (options) => createCjmcu90614Codec(options),
  createSimulator: (options) => createCjmcu90614Simulator(options),
  commands: {
    onOpen: [cjmcuCommand(CJMCU_CONTINUOUS)],
    selfTest: {
      request: cjmcuCommand(CJMCU_QUERY),
      timeoutMs: 500,
      description: {
        zh: '请模块测一次温（66 66 02 56），等待有效帧',
        en: 'Asks the module for one reading (66 66 02 56) and waits for a valid frame',
      },
    },
  },
  silenceTimeoutMs: 2000,
};

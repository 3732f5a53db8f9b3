/**
 * GY-MCU90614 / GY-MCU90615 IR module (MLX9061x behind a small MCU), binary, 8N1.
 * Source: docs/protocols.md §1a [V S1–S4: as99shop product page, tizenhan/smart-faucet resource_mcu90615.c,
 * esteban990821/Codigos-Microcontroladores MCU-90615.ino, hxchipstech product page].
 *
 * Module → host, 9 bytes:
 *   5A 5A 45 04 TOh TOl TAh TAl SUM
 *   5A 5A      start
 *   45         data type (temperature)
 *   04         data length
 *   TO, TA     object and ambient temperature, signed int16 big-endian, °C × 100
 *   SUM        low byte of the sum of bytes 0–7
 *   e.g. 5A 5A 45 04 0C 78 0D 19 A7 → object 31.92 °C, ambient 33.53 °C
 * Host → module: A5 cmd sum, sum = (A5 + cmd) & FF. A5 45 EA continuous output (~14 Hz), A5 15 BA one
 * reading, A5 AE 53 / A5 AF 54 set 9600 / 115200, A5 51 F6 / A5 52 F7 auto-output at power-up on / off.
 * The 90614 defaults to 9600 baud, the 90615 to 115200.
 *
 * The module reports no body temperature; the host estimates it [I]. Only type 45 has been seen; the type
 * byte is not checked, so a reply of another type with the same layout still decodes [I]. A frame whose
 * length byte is not 04 is not a frame: the decoder looks for the next 5A 5A inside the bytes it held, as
 * it does after a bad checksum, so a frame cut short and followed by a whole one loses only the cut one.
 */

import { createFixedFrameCodec, int16At, sumOfAllButLast } from '../framing/fixed-frames.ts';
import type { DeviceModel, SimulatorOptions } from '../model.ts';
import type { Codec, CodecOptions, DeviceSimulator } from '../types.ts';
import { createForeheadStreamSimulator } from './forehead-stream.ts';

export const GY_MCU_FRAME_LENGTH = 9;
const START = 0x5a;
const DATA_TYPE_TEMPERATURE = 0x45;
const DATA_LENGTH = 0x04;
const COMMAND_START = 0xa5;

export const GY_MCU_CONTINUOUS = 0x45;
export const GY_MCU_QUERY = 0x15;
export const GY_MCU_BAUD_9600 = 0xae;
export const GY_MCU_BAUD_115200 = 0xaf;
export const GY_MCU_AUTO_OUTPUT_ON = 0x51;
export const GY_MCU_AUTO_OUTPUT_OFF = 0x52;

/** `A5 cmd sum`: e.g. `gyMcuCommand(GY_MCU_CONTINUOUS)` → A5 45 EA. */
export function gyMcuCommand(command: number): Uint8Array {
  return Uint8Array.of(COMMAND_START, command & 0xff, (COMMAND_START + command) & 0xff);
}

function toInt16(valueC: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(valueC * 100)));
}

/** The 9-byte frame the module sends for these temperatures (°C, rounded to 0.01). */
export function encodeGyMcu90614Frame(objectC: number, ambientC: number): Uint8Array {
  const object = toInt16(objectC);
  const ambient = toInt16(ambientC);
  const frame = Uint8Array.of(
    START,
    START,
    DATA_TYPE_TEMPERATURE,
    DATA_LENGTH,
    (object >> 8) & 0xff,
    object & 0xff,
    (ambient >> 8) & 0xff,
    ambient & 0xff,
    0,
  );
  let sum = 0;
  for (let i = 0; i < GY_MCU_FRAME_LENGTH - 1; i++) sum += frame[i] ?? 0;
  frame[GY_MCU_FRAME_LENGTH - 1] = sum & 0xff;
  return frame;
}

/** Whether `byte` may stand at `position` of a frame; the checksum waits for the whole frame. */
function fits(position: number, byte: number): boolean {
  if (position < 2) return byte === START;
  if (position === 3) return byte === DATA_LENGTH;
  return true;
}

export function createGyMcu90614Codec(_options: CodecOptions = {}): Codec {
  return createFixedFrameCodec({
    length: GY_MCU_FRAME_LENGTH,
    fits,
    checksumOk: (frame) => frame[frame.length - 1] === sumOfAllButLast(frame),
    eventOf: (frame) => ({
      kind: 'temperature',
      objectC: int16At(frame, 4) / 100,
      ambientC: int16At(frame, 6) / 100,
    }),
  });
}

/** Continuous output is ~14 Hz. */
export const GY_MCU_FRAME_INTERVAL_MS = 70;
/**
 * Continuous output: see `createForeheadStreamSimulator`.
 */
export function createGyMcu90614Simulator(opts: SimulatorOptions = {}): DeviceSimulator {
  return createForeheadStreamSimulator({
    seed: opts.seed ?? 0x90614,
    intervalMs: GY_MCU_FRAME_INTERVAL_MS,
    encode: encodeGyMcu90614Frame,
    jitterSplit: true,
  });
}

export const gyMcu90614Model: DeviceModel = {
  role: 'thermometer',
  reports: 'object',
  label: 'GY-MCU90614 / GY-MCU90615 IR module (binary, object and ambient temperature)',
  defaultBaudRate: 9600,
  createCodec: (options) => createGyMcu90614Codec(options),
  createSimulator: (options) => createGyMcu90614Simulator(options),
  commands: {
    onOpen: [gyMcuCommand(GY_MCU_CONTINUOUS)],
    selfTest: {
      request: gyMcuCommand(GY_MCU_QUERY),
      timeoutMs: 500,
      description: {
        zh: '请模块测一次温（A5 15 BA），等待有效帧',
        en: 'Asks the module for one reading (A5 15 BA) and waits for a valid frame',
      },
    },
  },
  silenceTimeoutMs: 2000,
};

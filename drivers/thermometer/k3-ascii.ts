/**
 * "K3 Pro" wall/handheld IR thermometer, ASCII lines over USB CH340, 115200 8N1.
 * Source: docs/protocols.md §1d [V S7: junheecho-zz/blueint-k3pro-reader main.py, test_simple.py].
 *
 * One reading, each line ended by CR LF:
 *   T Object = 34.320 C                        surface temperature (intermediate)
 *   T body = 36.809 C, ambience compensate     body estimate before compensation (intermediate)
 *   T body = 36.694 C, weak high               final body temperature; remark `weak high` / `weak low`
 *   cfg.mode = 0
 * Between readings the device also prints `Proximity: 947`, `Close`, `Away`, debug lines (`times = 805`,
 * `vs = 93.890`, …) and a binary fragment `55 AA 07 04 6F` that is not a text line.
 *
 * Decoding: CR and LF each end a line and empty lines are ignored, so CR LF, LF-only and CR-only output all
 * work, wherever the chunks split them. `frames` counts recognised lines (T Object, T body, cfg.*, Proximity, Close, Away); every
 * other non-empty line is skipped and its bytes, terminator excluded, go to `bytesSkipped`. A line over
 * 256 bytes counts once in `oversize` and is dropped up to the next terminator.
 */

import { createLineFramer } from '../framing/lines.ts';
import type { DeviceModel } from '../model.ts';
import { seededRandom, splitPoints } from '../sim-random.ts';
import type {
  Codec,
  DeviceEvent,
  DeviceSimulator,
  SimulatedAction,
  TemperatureEvent,
  WireChunk,
} from '../types.ts';
import { emptyCounters } from '../types.ts';

const MAX_LINE_BYTES = 256;

const BODY_MARK = 'T body = ';
const BODY_RE = /^T body = (-?\d+(?:\.\d+)?) C, (.*)$/;
const OBJECT_MARK = 'T Object = ';
const OBJECT_RE = /^T Object = (-?\d+(?:\.\d+)?) C$/;
const STATUS_RE = /^(?:cfg\.\w+ = .*|Proximity: \d+|Close|Away)$/;
const INTERMEDIATE_REMARK = 'ambience compensate';

export function createK3AsciiCodec(): Codec {
  const counters = emptyCounters();
  let objectC: number | undefined;

  function handleLine(bytes: Uint8Array, events: DeviceEvent[]): void {
    const text = String.fromCharCode(...bytes).trimEnd();
    if (text.length === 0) return;
    // Read from the last marker, as the reference reader's re.search does: a line whose start was lost (a
    // truncated line run into the next one, or binary junk with no terminator) still yields its reading.
    const bodyAt = Math.max(0, text.lastIndexOf(BODY_MARK));
    const body = BODY_RE.exec(text.slice(bodyAt));
    if (body) {
      counters.frames++;
      counters.bytesSkipped += bodyAt;
      const remark = (body[2] ?? '').trim();
      // A remark cut short by a lost byte ("ambience comp") must not pass for a final reading.
      if (INTERMEDIATE_REMARK.startsWith(remark)) return;
      const event: TemperatureEvent = { kind: 'temperature', bodyC: Number(body[1]), remark };
      if (objectC !== undefined) event.objectC = objectC;
      objectC = undefined;
      events.push(event);
      return;
    }
    const objectAt = Math.max(0, text.lastIndexOf(OBJECT_MARK));
    const object = OBJECT_RE.exec(text.slice(objectAt));
    if (object) {
      counters.frames++;
      counters.bytesSkipped += objectAt;
      objectC = Number(object[1]);
      return;
    }
    if (STATUS_RE.test(text.trim())) {
      counters.frames++;
      if (text.trim() === 'Close') objectC = undefined;
      return;
    }
    counters.bytesSkipped += bytes.length;
  }

  let events: DeviceEvent[] = [];
  const push = createLineFramer({ maxBytes: MAX_LINE_BYTES, counters }, (bytes) => handleLine(bytes, events));

  return {
    counters,
    decode(chunk: Uint8Array): DeviceEvent[] {
      events = [];
      push(chunk);
      return events;
    },
  };
}

export interface K3AsciiSimulatorOptions {
  /** Seeds the chunk splits, timings and intermediate values, so a run can be repeated exactly. */
  seed?: number;
}

export function createK3AsciiSimulator(opts: K3AsciiSimulatorOptions = {}): DeviceSimulator {
  const random = seededRandom(opts.seed ?? 0x4b33);
  const between = (low: number, high: number): number => low + random() * (high - low);
  const encoder = new TextEncoder();

  return {
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'measure') return [];
      const objectC = action.bodyC - between(1.5, 3);
      const compensatingC = action.bodyC + between(0.05, 0.2);
      const remark = action.bodyC < 36 ? 'weak low' : 'weak high';
      const lines = [
        `T Object = ${objectC.toFixed(3)} C\r\n`,
        `T body = ${compensatingC.toFixed(3)} C, ambience compensate\r\n`,
        `T body = ${action.bodyC.toFixed(3)} C, ${remark}\r\n`,
      ];
      const chunks: WireChunk[] = [];
      for (const text of lines) {
        const bytes = encoder.encode(text);
        const cuts = splitPoints(bytes.length, 1 + Math.floor(random() * 3), random);
        let start = 0;
        for (const [index, end] of [...cuts, bytes.length].entries()) {
          // The module prints a line every 50–150 ms; CDC delivers the pieces of one line a few ms apart.
          const delayMs = index === 0 ? Math.round(between(50, 150)) : Math.round(between(1, 5));
          chunks.push({ delayMs, bytes: bytes.slice(start, end) });
          start = end;
        }
      }
      return chunks;
    },
  };
}

export const k3AsciiModel: DeviceModel = {
  role: 'thermometer',
  label: 'K3 Pro thermometer (ASCII lines, body temperature)',
  defaultBaudRate: 115200,
  reports: 'body',
  createCodec: () => createK3AsciiCodec(),
  createSimulator: (opts) => createK3AsciiSimulator(opts?.seed === undefined ? {} : { seed: opts.seed }),
};

/**
 * LCUS-1 USB relay board (CH340, USB 1A86:7523), 9600 8N1: drives the gate barrier.
 * Source: docs/protocols.md §4 [V S20: jarwyg/USB_RELAY README.md, exmakhina/xm_tesmes relay_lcus.py; S28].
 *
 *   A0  ch  op  sum                     host → board, 4 bytes
 *   ch   channel, 1-based (LCUS-2/4/8 boards have more)
 *   op   01 on (contact closed), 00 off
 *   sum  (A0 + ch + op) & FF
 *   e.g. A0 01 01 A2 channel 1 on; A0 01 00 A1 channel 1 off
 *
 * The board sends nothing back [I], so the codec has nothing to decode: any byte that arrives is counted in
 * `bytesSkipped` and dropped, and there is no self-test. A pulse is on, a host timer, then off. The CH340
 * has no USB serial number: find the board by /dev/serial/by-path.
 */

import type { DeviceModel, RelayPulse } from '../model.ts';
import type { Codec, DeviceEvent, DeviceSimulator, WireChunk } from '../types.ts';
import { emptyCounters } from '../types.ts';

const START = 0xa0;

/** `A0 ch op sum`. Throws on a channel outside 1–255: a wiring mistake, not line noise. */
export function lcusRelayCommand(channel: number, on: boolean): Uint8Array {
  if (!Number.isInteger(channel) || channel < 1 || channel > 0xff) {
    throw new RangeError(`lcusRelayCommand: channel must be an integer 1–255, got ${channel}`);
  }
  const op = on ? 0x01 : 0x00;
  return Uint8Array.of(START, channel, op, (START + channel + op) & 0xff);
}

/** Closes the contact for `ms` milliseconds: the driver writes `on`, waits `afterMs`, writes `off`. */
export function lcusPulse(channel: number, ms: number): RelayPulse {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`lcusPulse: ms must be ≥ 0, got ${ms}`);
  return { on: lcusRelayCommand(channel, true), off: lcusRelayCommand(channel, false), afterMs: ms };
}

export function createLcusRelayCodec(): Codec {
  const counters = emptyCounters();
  return {
    counters,
    decode(chunk: Uint8Array): DeviceEvent[] {
      counters.bytesSkipped += chunk.length;
      return [];
    },
  };
}

/** The board is silent: nothing to emit, nothing to answer. */
export function createLcusRelaySimulator(): DeviceSimulator {
  return {
    emit(): WireChunk[] {
      return [];
    },
    respond(): WireChunk[] {
      return [];
    },
  };
}

export const lcusRelayModel: DeviceModel = {
  role: 'relay',
  label: 'LCUS-1 USB relay (CH340; sends no replies, so no self-test is possible)',
  defaultBaudRate: 9600,
  createCodec: () => createLcusRelayCodec(),
  createSimulator: () => createLcusRelaySimulator(),
  pulse: lcusPulse,
};

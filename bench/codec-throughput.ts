import { type DeviceModelName, deviceModelNames, deviceModels } from '../drivers/registry.ts';
import type { SimulatedAction } from '../drivers/types.ts';
import { concat } from '../tests/helpers/gate-load.ts';

export interface CodecFigures {
  model: DeviceModelName;
  framesPerS: number;
  eventsPerS: number;
  mbPerS: number;
  chunkBytes: number;
}

/** Decodes a long stream of one model's real output in fixed-size chunks, several times; best run counts. */
export function measureCodec(model: DeviceModelName, actions = 20_000, chunkBytes = 64): CodecFigures {
  const m = deviceModels[model];
  const sim = m.createSimulator({ seed: 1 });
  const action = (i: number): SimulatedAction =>
    m.role === 'thermometer'
      ? { kind: 'measure', bodyC: 35.5 + (i % 30) / 10 }
      : m.role === 'card-reader'
        ? // Cards as the school prints them (8H→10D): distinct, so debounce never merges two.
          { kind: 'scan', text: String(40_000_000 + i * 7919).padStart(10, '0') }
        : { kind: 'scan', text: i % 5 === 0 ? `学生${i}号` : `S${20260000 + i}` };
  // A polled device says nothing by itself: what it sends is its answers to the host's polls.
  const poll = m.commands?.poll?.request;
  const output = (i: number): Uint8Array[] => {
    const chunks = sim.emit(action(i)).map((c) => c.bytes);
    if (poll && sim.respond) chunks.push(...sim.respond(poll).map((c) => c.bytes));
    return chunks;
  };
  const stream = concat(Array.from({ length: actions }, (_, i) => concat(output(i))));
  let best = { framesPerS: 0, eventsPerS: 0, mbPerS: 0 };
  for (let run = 0; run < 5; run++) {
    const codec = m.createCodec();
    let events = 0;
    const t0 = process.hrtime.bigint();
    for (let at = 0; at < stream.length; at += chunkBytes) {
      events += codec.decode(stream.subarray(at, at + chunkBytes)).length;
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (codec.counters.frames / s > best.framesPerS) {
      best = {
        framesPerS: Math.round(codec.counters.frames / s),
        eventsPerS: Math.round(events / s),
        mbPerS: Math.round((stream.length / s / 1e6) * 10) / 10,
      };
    }
  }
  return { model, chunkBytes, ...best };
}

export function measureAllCodecs(): CodecFigures[] {
  return deviceModelNames.map((name) => measureCodec(name));
}

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deviceModels } from '../../drivers/registry.ts';
import type { RunningKiosk } from '../../server/app.ts';

/**
 * A config of `lanes` simulated lanes (a thermometer, K3 unless told, and a line scanner) on the demo
 * roster; `extra` adds to or replaces its top-level keys.
 */
export function loadConfig(
  lanes: number,
  extra: Record<string, unknown> = {},
  thermometerModel = 'k3-ascii',
): Record<string, unknown> {
  return {
    school: { id: 'load', name: 'Load' },
    lanes: Array.from({ length: lanes }, (_, i) => ({
      id: `${i + 1}`,
      name: `lane ${i + 1}`,
      devices: [
        { id: `t${i + 1}`, role: 'thermometer', model: thermometerModel, port: 'simulated' },
        { id: `s${i + 1}`, role: 'scanner', model: 'line-scanner', port: 'simulated' },
      ],
    })),
    roster: resolve('fixtures/roster/demo-roster.csv'),
    simulation: { freshenRosterStatuses: true },
    ...extra,
  };
}

/** The ids of the demo roster, in its order. */
export function demoRosterIds(): string[] {
  return readFileSync('fixtures/roster/demo-roster.csv', 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',')[0])
    .filter((id): id is string => Boolean(id));
}

/** Chunks joined into one buffer. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * People arrive at every lane at `perSecond` each: a scan, then a K3 reading a moment later, as real
 * bytes on the simulated ports. `stop` ends the arrivals and resolves once every lane has settled.
 */
export function driveLanes(kiosk: RunningKiosk, perSecond: number): { stop(): Promise<void> } {
  const people = demoRosterIds();
  const thermo = deviceModels['k3-ascii'].createSimulator({ seed: 3 });
  const scanner = deviceModels['line-scanner'].createSimulator({ seed: 4 });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let running = true;
  const periodMs = 1000 / perSecond;
  const loops = kiosk.lanes.map(async (lane, i) => {
    const t = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'thermometer')?.simulator;
    const s = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'scanner')?.simulator;
    if (!t || !s) throw new Error(`lane ${lane.id} has no simulated devices`);
    let n = i * 17;
    let next = performance.now() + ((i * 37) % periodMs);
    while (running) {
      await sleep(Math.max(0, next - performance.now()));
      next += periodMs;
      const id = people[n++ % people.length] as string;
      s.inject(concat(scanner.emit({ kind: 'scan', text: id }).map((c) => c.bytes)));
      await sleep(5);
      t.inject(concat(thermo.emit({ kind: 'measure', bodyC: 36.0 + (n % 15) / 10 }).map((c) => c.bytes)));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(kiosk.lanes.map((l) => l.settled()));
    },
  };
}

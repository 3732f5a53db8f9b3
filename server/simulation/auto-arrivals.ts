import type { PersonDirectory } from '../../kiosk/identities/directory.ts';
import type { LaneDevice } from '../devices.ts';

export interface AutoArrivalsOptions {
  perMinute: number;
  devices: readonly LaneDevice[];
  directory: PersonDirectory;
  random?: () => number;
}

/**
 * Keeps a demo gate alive: people walk up to random lanes that have simulated devices, scan and
 * are measured, with a mix that shows every kind of tile (passes, fevers, re-takes, code colours,
 * strangers and forgotten scans). Everything goes through the simulated devices' real bytes.
 */
export function startAutoArrivals(opts: AutoArrivalsOptions): () => void {
  const random = opts.random ?? Math.random;
  const lanes = new Map<string, { scanner?: LaneDevice; thermometer?: LaneDevice }>();
  for (const d of opts.devices) {
    if (!d.simulator) continue;
    const lane = lanes.get(d.laneId) ?? {};
    if (d.config.role === 'thermometer') lane.thermometer = d;
    else if (d.config.role === 'scanner' || d.config.role === 'card-reader') lane.scanner = d;
    lanes.set(d.laneId, lane);
  }
  const usable = [...lanes.values()].filter((l) => l.scanner && l.thermometer);
  if (opts.perMinute <= 0 || usable.length === 0) return () => {};

  const people = [...opts.directory.all()];
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  const between = (lo: number, hi: number) => Math.round((lo + random() * (hi - lo)) * 10) / 10;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const arrive = () => {
    const lane = pick(usable);
    if (!lane?.scanner?.simulator || !lane.thermometer?.simulator) return;
    const roll = random();
    const bodyC = roll < 0.08 ? between(37.4, 38.9) : roll < 0.14 ? between(33.0, 34.9) : between(36.0, 37.1);
    const who = random();
    const text = who < 0.04 ? `V${Math.floor(random() * 1e6)}` : pick(people)?.id;
    const thermometer = lane.thermometer.simulator;
    if (who > 0.97 || text === undefined) {
      thermometer.play({ kind: 'measure', bodyC });
      return;
    }
    const cardFirst = random() < 0.2;
    const person = people.find((p) => p.id === text);
    lane.scanner.simulator.play({ kind: 'scan', text: cardFirst && person?.card ? person.card : text });
    later(300 + random() * 1200, () => thermometer.play({ kind: 'measure', bodyC }));
  };

  const meanMs = 60_000 / opts.perMinute;
  const schedule = () =>
    later(meanMs * (0.3 + random() * 1.4), () => {
      arrive();
      schedule();
    });
  schedule();
  return () => {
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}

/** How far a lane's median may sit from the other lanes' before its thermometer is suspect. */
export const DRIFT_LIMIT_C = 0.3;
/** Fewer readings than this say nothing about a lane's thermometer. */
export const DRIFT_MIN_READINGS = 20;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface LaneDrift {
  laneId: string;
  medianC: number;
  /** What the other lanes (with enough readings) read: the median of their medians. */
  othersMedianC: number;
  deltaC: number;
  drifting: boolean;
}

/**
 * Compares each lane's median reading with the other lanes'. A thermometer going wrong reads everyone
 * as normal; what gives it away is a whole lane reading unlike the rest. The reference is the median
 * of the other lanes' medians; when they are an even number, the middle one nearer to this lane, so a
 * good lane is not flagged for sharing the day with a bad one. With two lanes both are named: which
 * one is wrong takes a clinical thermometer.
 */
export function laneDrifts(
  lanes: readonly { laneId: string; readingsC: readonly number[] }[],
  opts: { limitC?: number; minReadings?: number } = {},
): LaneDrift[] {
  const limitC = opts.limitC ?? DRIFT_LIMIT_C;
  const minReadings = opts.minReadings ?? DRIFT_MIN_READINGS;
  const medians = lanes
    .filter((l) => l.readingsC.length >= minReadings)
    .map((l) => ({ laneId: l.laneId, medianC: median(l.readingsC) as number }));
  const out: LaneDrift[] = [];
  for (const lane of medians) {
    const others = medians
      .filter((m) => m.laneId !== lane.laneId)
      .map((m) => m.medianC)
      .sort((a, b) => a - b);
    if (others.length === 0) continue;
    const mid = others.length >> 1;
    const reference =
      others.length % 2
        ? (others[mid] as number)
        : nearest(lane.medianC, others[mid - 1] as number, others[mid] as number);
    const deltaC = round2(lane.medianC - reference);
    out.push({
      laneId: lane.laneId,
      medianC: round2(lane.medianC),
      othersMedianC: round2(reference),
      deltaC,
      drifting: Math.abs(deltaC) > limitC + 1e-9,
    });
  }
  return out;
}

function nearest(to: number, a: number, b: number): number {
  return Math.abs(a - to) <= Math.abs(b - to) ? a : b;
}

export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

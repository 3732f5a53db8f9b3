import { zonedMoment } from '../time/zoned.ts';
import type { DayScreening } from './day-records.ts';

/** The range the temperature histogram shows in 0.1 °C bins; readings outside it are counted apart. */
export const HISTOGRAM_FROM_C = 35.0;
export const HISTOGRAM_TO_C = 38.5;
const BIN_C = 0.1;

export interface Histogram {
  fromC: number;
  binC: number;
  /** counts[i]: readings in [fromC + i·binC, fromC + (i+1)·binC). */
  counts: number[];
  below: number;
  above: number;
}

/** Arrivals per school-local minute (`HH:mm`), only the minutes that had any. */
export function arrivalsPerMinute(
  screenings: readonly DayScreening[],
  timeZone: string,
): { minute: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const s of screenings) {
    const minute = zonedMoment(new Date(s.at), timeZone).time;
    counts.set(minute, (counts.get(minute) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([minute, count]) => ({ minute, count }));
}

export function temperatureHistogram(readingsC: readonly number[]): Histogram {
  const bins = Math.round((HISTOGRAM_TO_C - HISTOGRAM_FROM_C) / BIN_C);
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  for (const t of readingsC) {
    // Tenths as integers, so 36.3 lands in its own bin and not in 36.2's.
    const i = Math.floor(Math.round(t * 100) / 10 - HISTOGRAM_FROM_C * 10);
    if (i < 0) below++;
    else if (i >= bins) above++;
    else counts[i] = (counts[i] ?? 0) + 1;
  }
  return { fromC: HISTOGRAM_FROM_C, binC: BIN_C, counts, below, above };
}

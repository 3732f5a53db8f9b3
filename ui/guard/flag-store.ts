// The tablet keeps its unanswered flags across a reload (or a tablet that slept): in this browser's
// storage, for the school day they were raised on. Masked names only, as on the gate display.

import type { LaneUpdate } from '../../contract/display-events.ts';
import { parseLaneUpdate } from '../display/payloads.ts';

const KEY = 'gate-kiosk:guard-flags';

export interface StoredFlag {
  update: LaneUpdate;
  movedPast: boolean;
}

export function saveFlags(date: string, flags: StoredFlag[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ date, flags }));
  } catch {
    // Storage full or off (private mode): the queue still works, it only does not survive a reload.
  }
}

/** The flags kept for `date`; none from another day. */
export function loadFlags(date: string): StoredFlag[] {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(KEY) ?? 'null');
  } catch {
    return [];
  }
  if (typeof raw !== 'object' || raw === null) return [];
  const kept = raw as { date?: unknown; flags?: unknown };
  if (kept.date !== date || !Array.isArray(kept.flags)) return [];
  const out: StoredFlag[] = [];
  for (const item of kept.flags) {
    const update = parseLaneUpdate((item as { update?: unknown } | null)?.update);
    if (update?.decision && update.screeningId) {
      out.push({ update, movedPast: (item as { movedPast?: unknown }).movedPast === true });
    }
  }
  return out;
}

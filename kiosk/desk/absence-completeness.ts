import type { SessionConfig } from '../config/schema.ts';
import { zonedMoment, zonedToInstant } from '../time/zoned.ts';
import type { Gate } from './gate-registry.ts';

/** A gate the desk has not heard all of since a check's cut-off. */
export interface UnsyncedGate {
  id: string;
  name: string;
  /** When the gate last had nothing left to send (ISO), or null if never. */
  lastSync: string | null;
  /** `北门 最后同步 07:52 · 名单未完成`, and in English. */
  message: { zh: string; en: string };
}

export interface AbsenceCompleteness {
  date: string;
  session: string;
  /** The cut-off has passed (the roll call is due or taken). */
  cutoffPassed: boolean;
  /** Every active gate has sent all it recorded up to after the cut-off: the absence list is right. */
  final: boolean;
  unsynced: UnsyncedGate[];
}

/**
 * Whether a check's absence list can be trusted: only when every gate has been heard from with
 * nothing left to send after the cut-off (an empty batch: all it screened before is on the desk).
 * Until then the list names the gates it waits for; their records close absences as they arrive.
 */
export function absenceCompleteness(
  gates: readonly Gate[],
  session: SessionConfig,
  date: string,
  timeZone: string,
  now: Date,
): AbsenceCompleteness {
  const cutoff = zonedToInstant(date, session.cutoff, timeZone).toISOString();
  const cutoffPassed = now.toISOString() >= cutoff;
  const unsynced = gates
    .filter((g) => g.revokedAt === null && (g.lastDrained === null || g.lastDrained < cutoff))
    .map((g) => {
      const at = g.lastDrained ? zonedMoment(new Date(g.lastDrained), timeZone) : null;
      const when = at ? (at.date === date ? at.time : `${at.date} ${at.time}`) : null;
      return {
        id: g.id,
        name: g.name,
        lastSync: g.lastDrained,
        message: {
          zh: `${g.name} ${when ? `最后同步 ${when}` : '从未同步'} · 名单未完成`,
          en: `${g.name} ${when ? `last synced ${when}` : 'never synced'} · list not final`,
        },
      };
    });
  return { date, session: session.id, cutoffPassed, final: cutoffPassed && unsynced.length === 0, unsynced };
}

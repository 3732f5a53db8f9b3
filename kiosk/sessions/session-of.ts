import type { SessionConfig } from '../config/schema.ts';
import { zonedMoment } from '../time/zoned.ts';

export const UNSCHEDULED = 'unscheduled';

export interface SessionSlot {
  /** The school-local date the screening belongs to. */
  date: string;
  /** A session id from the config, or `unscheduled` outside every window. */
  sessionId: string;
  sessionName: string | null;
}

/** The check (晨检/午检/晚检) a moment falls in: start ≤ time < cutoff, in the school's time zone. */
export function sessionOf(at: Date, sessions: readonly SessionConfig[], timeZone: string): SessionSlot {
  const { date, time } = zonedMoment(at, timeZone);
  const session = sessions.find((s) => s.start <= time && time < s.cutoff);
  return session
    ? { date, sessionId: session.id, sessionName: session.name }
    : { date, sessionId: UNSCHEDULED, sessionName: null };
}

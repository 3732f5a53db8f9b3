import { EventEmitter } from 'node:events';
import type { SessionConfig } from '../config/schema.ts';
import type { Person } from '../identities/person.ts';
import type { Lane } from '../lanes/lane.ts';
import { UNSCHEDULED } from '../sessions/session-of.ts';
import type { AbsenceFilter, AbsenceStore, NewAbsence, RollCall } from '../store/absences.ts';
import type { ScreeningRecord } from '../store/screenings.ts';
import { zonedMoment, zonedToInstant } from '../time/zoned.ts';
import type { Absence, AbsenceChange } from './absence.ts';
import { expectedAt } from './expected.ts';
import { lateFor } from './late-arrival.ts';

export interface RollCallResult extends RollCall {
  listed: Absence[];
}

export interface AbsenceTrackerEvents {
  /** An absence was listed, changed, or closed by a late arrival: for the nurse's console. */
  update: [absence: Absence];
  rollCall: [result: RollCallResult];
  /** A late arrival could not be noted; the lane goes on regardless. */
  failure: [error: Error];
}

export interface AbsenceTrackerOptions {
  store: AbsenceStore;
  /** The current roster. */
  roster: () => Person[];
  sessions: readonly SessionConfig[];
  timeZone: string;
  now?: () => number;
}

/** Lists the absent at each cut-off, closes absences when a pupil comes late, and records reasons. */
export class AbsenceTracker extends EventEmitter<AbsenceTrackerEvents> {
  private readonly store: AbsenceStore;
  private readonly now: () => number;

  constructor(private readonly opts: AbsenceTrackerOptions) {
    super();
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
  }

  get sessions(): readonly SessionConfig[] {
    return this.opts.sessions;
  }

  rollCallTaken(localDate: string, sessionId: string): boolean {
    return this.store.rollCall(localDate, sessionId) !== null;
  }

  /**
   * Everyone expected and not screened in the check is listed; those already screened after the
   * cut-off (the roll call ran late) are listed as arrived. Null when this roll call was taken before.
   */
  takeRollCall(localDate: string, sessionId: string): RollCallResult | null {
    const session = this.opts.sessions.find((s) => s.id === sessionId);
    if (!session) throw new Error(`no session "${sessionId}" in the config`);
    if (this.rollCallTaken(localDate, sessionId)) return null;
    const expected = expectedAt(session, this.opts.roster());
    const at = new Date(this.now()).toISOString();
    const rollCall: RollCall = {
      localDate,
      session: sessionId,
      at,
      outcome: this.store.anyScreeningIn(localDate, sessionId) ? 'listed' : 'no_screenings',
      expected: expected.map((p) => p.id),
    };
    const absent: NewAbsence[] = [];
    if (rollCall.outcome === 'listed') {
      const screened = this.store.screenedIn(localDate, sessionId);
      const cutoff = zonedToInstant(localDate, session.cutoff, this.opts.timeZone).toISOString();
      const late = new Map<string, { at: string; screeningId: string }>();
      for (const s of this.store.screeningsBetweenChecks(localDate, cutoff)) {
        if (late.has(s.personId)) continue;
        const time = zonedMoment(new Date(s.at), this.opts.timeZone).time;
        if (lateFor(time, this.opts.sessions)?.id === sessionId) {
          late.set(s.personId, { at: s.at, screeningId: s.screeningId });
        }
      }
      for (const p of expected) {
        if (!screened.has(p.id)) absent.push({ personId: p.id, arrival: late.get(p.id) ?? null });
      }
    }
    const listed = this.store.recordRollCall(rollCall, absent);
    const result = { ...rollCall, listed };
    for (const a of listed) this.emit('update', a);
    this.emit('rollCall', result);
    return result;
  }

  /**
   * A screening outside every window closes the absence of the check the pupil was late for. One
   * inside a window closes that check's absence too: it was decided just before the cut-off and
   * committed just after the roll call (a slow health-code lookup).
   */
  noteScreening(record: ScreeningRecord): Absence[] {
    if (!record.personId) return [];
    const session =
      record.session === UNSCHEDULED
        ? lateFor(zonedMoment(new Date(record.at), this.opts.timeZone).time, this.opts.sessions)
        : (this.opts.sessions.find((s) => s.id === record.session) ?? null);
    if (!session) return [];
    const closed: Absence[] = [];
    for (const open of this.store.openOf(record.personId, record.localDate)) {
      if (open.session !== session.id) continue;
      const done = this.store.markArrived(
        open.id,
        { at: record.at, screeningId: record.id },
        new Date(this.now()),
      );
      if (done) {
        closed.push(done);
        this.emit('update', done);
      }
    }
    return closed;
  }

  /** Follows the lanes' committed screenings; returns the way to stop. */
  watch(lanes: readonly Lane[]): () => void {
    const listener = ({ record }: { record: ScreeningRecord }) => {
      try {
        this.noteScreening(record);
      } catch (err) {
        this.emit('failure', err as Error);
      }
    };
    for (const lane of lanes) lane.on('screened', listener);
    return () => {
      for (const lane of lanes) lane.off('screened', listener);
    };
  }

  get(id: string): Absence | null {
    return this.store.get(id);
  }

  list(filter: AbsenceFilter): Absence[] {
    return this.store.list(filter);
  }

  update(id: string, change: AbsenceChange, actor: string): Absence | null {
    const updated = this.store.update(id, change, actor, new Date(this.now()));
    if (updated) this.emit('update', updated);
    return updated;
  }
}

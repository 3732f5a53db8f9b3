import type { IdentityEvent } from '../../drivers/types.ts';
import type { Rules, SessionConfig } from '../config/schema.ts';
import type { Person } from '../identities/person.ts';
import { decide, type IdentityFinding } from '../policy/decide.ts';
import { noMoreSerious } from '../policy/severity.ts';
import { uncountedDecisions } from '../policy/types.ts';
import { sessionOf, UNSCHEDULED } from '../sessions/session-of.ts';
import { newRecordId } from '../store/ids.ts';
import type { ScreeningRecord, ScreeningStore } from '../store/screenings.ts';
import type { Reading } from '../thermometry/reading.ts';
import { createHealthResolver, type HealthResolver } from './health-resolver.ts';
import type { IdentityReader } from './identity-reader.ts';

export interface LaneContext {
  laneId: string;
  rules: Pick<Rules, 'feverC' | 'minPlausibleC' | 'healthStatusMaxAgeH'>;
  /** grade → the lane it is assigned to (分年级设置入校通道). */
  laneOfGrade: ReadonlyMap<number, { id: string; name: string }>;
}

export interface ScreenerDeps {
  sessions: readonly SessionConfig[];
  timeZone: string;
  identities: IdentityReader;
  store: ScreeningStore;
  health?: HealthResolver;
  /** Whether something about the person changed after `at` that could change their decision (a case closed). */
  changedSince?: (personId: string, at: string) => boolean;
}

export interface Screened {
  record: ScreeningRecord;
  person: Person | null;
  /** True when the person was already screened this session: the earlier decision is shown again. */
  repeat: boolean;
}

/** Why a record has no reading on a person: the lane could not tell whose it was. */
const ambiguousReason = {
  code: 'ambiguous_order',
  zh: '无法确定扫码与测温的先后 请重新扫码测温',
  en: 'The order of scans and readings is unknown: scan and measure again',
};
const notMeasuredReason = { code: 'not_measured', zh: '扫码后未测温', en: 'Scanned, not measured' };

/** Turns a paired reading into a decision and commits it; nothing is shown before the commit returns. */
export class Screener {
  private readonly health: HealthResolver;
  /** Each person's latest decision that counts, as decided here (its commit may still be on its way). */
  private readonly latest = new Map<string, ScreeningRecord>();

  constructor(private readonly deps: ScreenerDeps) {
    this.health = deps.health ?? createHealthResolver(null);
  }

  /** Whose scan this is (the same person by card or by code is one key), without starting a lookup. */
  keyOf(identity: IdentityEvent, at = new Date()): string {
    const scanned = this.deps.identities.read(identity.text, at);
    return scanned.kind === 'person' ? `person:${scanned.person.id}` : `text:${identity.text}`;
  }

  /** Who a scan names, before any reading: for the lane's "waiting" tile. Starts a slow lookup early. */
  whoIs(identity: IdentityEvent, at = new Date()): Person | null {
    const scanned = this.deps.identities.read(identity.text, at);
    if (scanned.kind !== 'person') return null;
    this.health.prefetch(scanned.person);
    return scanned.person;
  }

  /**
   * Decides a reading for whoever scanned for it (or nobody) and commits the record. `ambiguous`: the
   * lane could not tell whose reading it was, so it goes on nobody, saying why.
   */
  async screen(
    lane: LaneContext,
    identity: IdentityEvent | null,
    reading: Reading,
    at: Date,
    opts: { ambiguous?: boolean } = {},
  ): Promise<Screened> {
    const { deps } = this;
    const scanned = identity ? deps.identities.read(identity.text, at) : null;
    const person = scanned?.kind === 'person' ? scanned.person : null;
    let finding: IdentityFinding;
    let healthAt: Date | null = null;
    if (!scanned) finding = { kind: 'none' };
    else if (scanned.kind === 'unknown') finding = { kind: 'unknown', text: scanned.text };
    else if (scanned.kind === 'bad_pass') finding = { kind: 'bad_pass', reason: scanned.reason };
    else {
      const known = await this.health.statusOf(scanned.person, at);
      const pass = scanned.passStatus;
      const health = pass && (known.at === null || (pass.at !== null && pass.at > known.at)) ? pass : known;
      healthAt = health.at;
      finding = {
        kind: 'person',
        personId: scanned.person.id,
        health,
        returnCertificateDue: scanned.person.returnCertificateDue,
      };
    }
    const assigned = person?.grade != null ? lane.laneOfGrade.get(person.grade) : undefined;
    const temperatureC = reading.bodyC;
    const outcome = decide({
      temperatureC,
      readingStable: reading.stable,
      identity: finding,
      rules: lane.rules,
      now: at,
      assignedLaneName: assigned && assigned.id !== lane.laneId ? assigned.name : null,
    });
    if (opts.ambiguous) outcome.reasons.unshift(ambiguousReason);
    const slot = sessionOf(at, deps.sessions, deps.timeZone);
    if (person && slot.sessionId !== UNSCHEDULED) {
      const earlier = this.earlierInSession(person.id, slot.date, slot.sessionId);
      if (
        earlier &&
        noMoreSerious(outcome.decision, earlier.decision) &&
        !this.changedSince(earlier, person, healthAt)
      ) {
        return { record: earlier, person, repeat: true };
      }
    }
    const record: ScreeningRecord = {
      ...this.base(lane, at, slot),
      personId: person?.id ?? null,
      identityText: scanned?.kind === 'unknown' ? scanned.text : null,
      temperatureC: temperatureC === null ? null : Math.round(temperatureC * 100) / 100,
      temperatureSource: temperatureC === null ? null : reading.source,
      objectC: reading.objectC,
      ambientC: reading.ambientC,
      calibrationId: reading.calibrationId,
      healthCode: outcome.healthCode,
      decision: outcome.decision,
      reasons: outcome.reasons,
    };
    if (person && !uncountedDecisions.includes(record.decision) && record.temperatureC !== null) {
      this.latest.set(person.id, record);
    }
    await deps.store.commitSoon(record);
    return { record, person, repeat: false };
  }

  /**
   * A person with no reading of their own: they scanned and were never measured, or the lane could
   * not tell which reading was theirs (`ambiguous`: verify by hand). Recorded, never a repeat.
   */
  async withoutReading(
    lane: LaneContext,
    identity: IdentityEvent,
    at: Date,
    why: 'not_measured' | 'ambiguous',
  ): Promise<Screened> {
    const scanned = this.deps.identities.read(identity.text, at);
    const person = scanned.kind === 'person' ? scanned.person : null;
    const slot = sessionOf(at, this.deps.sessions, this.deps.timeZone);
    const record: ScreeningRecord = {
      ...this.base(lane, at, slot),
      personId: person?.id ?? null,
      identityText: scanned.kind === 'unknown' ? scanned.text : null,
      temperatureC: null,
      temperatureSource: null,
      objectC: null,
      ambientC: null,
      calibrationId: null,
      healthCode: 'unknown',
      decision: why === 'ambiguous' ? 'verify' : 'not_measured',
      reasons: [why === 'ambiguous' ? ambiguousReason : notMeasuredReason],
    };
    await this.deps.store.commitSoon(record);
    return { record, person, repeat: false };
  }

  private base(lane: LaneContext, at: Date, slot: { date: string; sessionId: string }) {
    return {
      id: newRecordId(at.getTime()),
      at: at.toISOString(),
      localDate: slot.date,
      laneId: lane.laneId,
      session: slot.sessionId,
    };
  }

  private earlierInSession(personId: string, date: string, session: string): ScreeningRecord | null {
    const mine = this.latest.get(personId);
    if (mine && mine.localDate === date && mine.session === session) return mine;
    return this.deps.store.earlierInSession(personId, date, session);
  }

  /** Whether anything that decided `earlier` has changed since: it is then decided afresh. */
  private changedSince(earlier: ScreeningRecord, person: Person, healthAt: Date | null): boolean {
    const earlierAt = Date.parse(earlier.at);
    if (healthAt !== null && healthAt.getTime() > earlierAt) return true;
    const wasDue = earlier.reasons.some((r) => r.code === 'return_certificate_due');
    if (wasDue !== person.returnCertificateDue) return true;
    return this.deps.changedSince?.(person.id, earlier.at) ?? false;
  }
}

import type { IdentityEvent } from '../../drivers/types.ts';
import type { Rules, SessionConfig } from '../config/schema.ts';
import type { Person } from '../identities/person.ts';
import { decide, type IdentityFinding } from '../policy/decide.ts';
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
}

export interface Screened {
  record: ScreeningRecord;
  person: Person | null;
  /** True when the person was already screened this session: the earlier decision is shown again. */
  repeat: boolean;
}

/** How serious a decision is, to tell whether a repeat scan found something new. */
const severity: Record<string, number> = {
  pass: 0,
  retake: 1,
  verify: 2,
  unknown_person: 2,
  no_identity: 2,
  code_yellow: 3,
  fever: 4,
  code_red: 5,
};

/** Turns a paired reading into a decision and commits it; nothing is shown before the commit returns. */
export class Screener {
  private readonly health: HealthResolver;

  constructor(private readonly deps: ScreenerDeps) {
    this.health = deps.health ?? createHealthResolver(null);
  }

  /** Who a scan names, before any reading: for the lane's "waiting" tile. Starts a slow lookup early. */
  whoIs(identity: IdentityEvent, at = new Date()): Person | null {
    const scanned = this.deps.identities.read(identity.text, at);
    if (scanned.kind !== 'person') return null;
    this.health.prefetch(scanned.person);
    return scanned.person;
  }

  async screen(
    lane: LaneContext,
    identity: IdentityEvent | null,
    reading: Reading,
    at: Date,
  ): Promise<Screened> {
    const { deps } = this;
    const scanned = identity ? deps.identities.read(identity.text, at) : null;
    const person = scanned?.kind === 'person' ? scanned.person : null;
    let finding: IdentityFinding;
    if (!scanned) finding = { kind: 'none' };
    else if (scanned.kind === 'unknown') finding = { kind: 'unknown', text: scanned.text };
    else if (scanned.kind === 'bad_pass') finding = { kind: 'bad_pass', reason: scanned.reason };
    else {
      const known = await this.health.statusOf(scanned.person, at);
      const pass = scanned.passStatus;
      const health = pass && (known.at === null || (pass.at !== null && pass.at > known.at)) ? pass : known;
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
    const slot = sessionOf(at, deps.sessions, deps.timeZone);
    if (person && slot.sessionId !== UNSCHEDULED) {
      const earlier = deps.store.earlierInSession(person.id, slot.date, slot.sessionId);
      if (earlier && (severity[outcome.decision] ?? 0) <= (severity[earlier.decision] ?? 0)) {
        return { record: earlier, person, repeat: true };
      }
    }
    const record: ScreeningRecord = {
      id: newRecordId(at.getTime()),
      at: at.toISOString(),
      localDate: slot.date,
      laneId: lane.laneId,
      session: slot.sessionId,
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
    deps.store.commit(record);
    return { record, person, repeat: false };
  }
}

import type { IdentityEvent } from '../../drivers/types.ts';
import type { Rules, SessionConfig } from '../config/schema.ts';
import type { PersonDirectory } from '../identities/directory.ts';
import type { Person } from '../identities/person.ts';
import { decide, type IdentityFinding } from '../policy/decide.ts';
import { sessionOf } from '../sessions/session-of.ts';
import { newRecordId } from '../store/ids.ts';
import type { ScreeningRecord, ScreeningStore } from '../store/screenings.ts';
import type { Reading } from '../thermometry/reading.ts';

export interface ScreenerDeps {
  rules: Rules;
  sessions: readonly SessionConfig[];
  timeZone: string;
  directory: PersonDirectory;
  store: ScreeningStore;
}

export interface Screened {
  record: ScreeningRecord;
  person: Person | null;
}

/** Turns a paired reading into a decision and commits it; nothing is shown before the commit returns. */
export class Screener {
  constructor(private readonly deps: ScreenerDeps) {}

  /** Who a scan names, before any reading: for the lane's "waiting" tile. */
  whoIs(identity: IdentityEvent): Person | null {
    return this.deps.directory.find(identity.text);
  }

  screen(laneId: string, identity: IdentityEvent | null, reading: Reading, at: Date): Screened {
    const { deps } = this;
    const person = identity ? deps.directory.find(identity.text) : null;
    const finding: IdentityFinding = !identity
      ? { kind: 'none' }
      : !person
        ? { kind: 'unknown', text: identity.text }
        : {
            kind: 'person',
            personId: person.id,
            health: {
              code: person.healthCode,
              at: person.healthCodeAt ? new Date(person.healthCodeAt) : null,
            },
            returnCertificateDue: person.returnCertificateDue,
          };
    const temperatureC = reading.bodyC;
    const outcome = decide({
      temperatureC,
      readingStable: reading.stable,
      identity: finding,
      rules: deps.rules,
      now: at,
    });
    const slot = sessionOf(at, deps.sessions, deps.timeZone);
    const record: ScreeningRecord = {
      id: newRecordId(at.getTime()),
      at: at.toISOString(),
      localDate: slot.date,
      laneId,
      session: slot.sessionId,
      personId: person?.id ?? null,
      identityText: person ? null : (identity?.text ?? null),
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
    return { record, person };
  }
}

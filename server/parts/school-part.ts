import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { schoolRole } from '../desk/desk-role.ts';
import type { Logger } from '../logger.ts';
import type { LanesPart } from './lanes-part.ts';
import type { Part } from './part.ts';
import type { StorePart } from './store-part.ts';

/**
 * The kiosk's part in a school with several gates (server/desk/desk-role.ts): on a gate, the pull of
 * the roster and people's states from its desk; on a desk, the routes its gates use. Both keep the
 * school tables trimmed.
 */
export function buildSchoolPart(
  config: KioskConfig,
  parts: { store: StorePart; lanes: LanesPart },
  now: () => number,
  log: Logger,
) {
  const { store, lanes } = parts;
  const school = schoolRole({
    db: store.db,
    schoolId: config.school.id,
    kioskId: store.kioskId,
    sessions: config.sessions,
    timeZone: config.school.timezone,
    now,
    retentionDays: config.retention.days,
    link: store.gateLink,
    caseStore: store.cases,
    screenings: store.screenings,
    cases: lanes.cases,
    absences: lanes.absences,
    uploader: store.uploader,
    onPeopleChange: store.refreshPeople,
    log,
  });
  const part: Part = { name: 'school', start: () => school.start(), stop: () => school.stop() };
  return { part, school };
}

export type SchoolPart = ReturnType<typeof buildSchoolPart>;

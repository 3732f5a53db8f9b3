// The `/nurse` socket.io namespace and the console's HTTP answers (`GET /api/cases`,
// `GET /api/absences`): what the server (server/sockets/nurse.ts, kiosk/cases/case-view.ts,
// kiosk/absences/absence.ts) sends and the nurse's console reads. Types only.
import type { Absence as KioskAbsence } from '../kiosk/absences/absence.ts';
import type { Recheck as StoredRecheck } from '../kiosk/store/cases.ts';
import type { SchoolClock } from './display-events.ts';
import type { Decision, Disposition, HealthCode } from './vocabulary.ts';

/** A re-check as the console lists it under its case. */
export type Recheck = Omit<StoredRecheck, 'caseId'>;

/** One of the person's screenings since Monday of the case's week. */
export interface WeekScreening {
  id: string;
  at: string;
  session: string;
  laneId: string;
  decision: Decision;
  temperatureC: number | null;
}

/** A case as the console shows it. */
export interface CaseView {
  id: string;
  openedAt: string;
  personId: string | null;
  laneId: string;
  decision: Decision;
  gateTemperatureC: number | null;
  healthCode: HealthCode;
  status: 'open' | 'closed';
  rechecks: Recheck[];
  disposition: Disposition | null;
  closedAt: string | null;
  closedBy: string | null;
  dispositionNote: string | null;
  guardianContact: { name: string; phone: string; calledAt: string } | null;
  confirmedFever: boolean;
  /** Nurses may see the full name; the gate display never does. */
  person: {
    name: string;
    grade: number | null;
    className: string | null;
    /** From the roster, for the nurse to call (never on a public screen); null when it has none. */
    guardianPhone: string | null;
  } | null;
  /** "1年级1班", or 教职工 for staff. */
  classLabel: string;
  weekScreenings: WeekScreening[];
  /** After a confirmed fever: the same class's pupils, to watch (同班观察). */
  classmates: { id: string; name: string }[];
  /** The pupil's class, whatever the case (empty for staff and unknown people). */
  classList: { id: string; name: string }[];
}

/** A pupil expected at a check and not screened by its cut-off, as the console reads it. */
export type Absence = Omit<KioskAbsence, 'arrivalScreeningId' | 'updatedAt'>;
export type { FollowUp } from '../kiosk/absences/absence.ts';

/** What the server emits on `/nurse`. */
export interface NurseServerEvents {
  'server:info': (info: SchoolClock) => void;
  'case:new': (view: CaseView) => void;
  'case:update': (view: CaseView) => void;
  'absence:update': (absence: Absence) => void;
}

/** The console sends nothing on the socket: what it records goes over HTTP. */
// biome-ignore lint/complexity/noBannedTypes: socket.io's event map for "no events"
export type NurseClientEvents = {};

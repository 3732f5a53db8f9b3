import type { Person } from '../identities/person.ts';
import type { CaseRecord, GuardianContact, Recheck } from '../store/cases.ts';
import type { ScreeningRecord } from '../store/screenings.ts';
import type { CaseDecision, Disposition } from './case-rules.ts';
import { weekStart } from './case-rules.ts';

/** What the nurse's console shows of a case: the contract's fields, then the person in full. */
export interface CaseView {
  id: string;
  openedAt: string;
  personId: string | null;
  laneId: string;
  decision: CaseDecision;
  gateTemperatureC: number | null;
  healthCode: CaseRecord['healthCode'];
  status: 'open' | 'closed';
  rechecks: Omit<Recheck, 'caseId'>[];
  disposition: Disposition | null;
  screeningId: string;
  localDate: string;
  closedAt: string | null;
  closedBy: string | null;
  dispositionNote: string | null;
  guardianContact: GuardianContact | null;
  confirmedFever: boolean;
  confirmedFeverAt: string | null;
  /** Nurses may see the full name; the gate display never does. */
  person: {
    name: string;
    kind: Person['kind'];
    grade: number | null;
    className: string | null;
    /** From the roster, for the nurse to call (never on a public screen). */
    guardianPhone: string | null;
  } | null;
  /** "1年级1班", or 教职工 for staff. */
  classLabel: string;
  /** The person's screenings since Monday of the case's week. */
  weekScreenings: {
    id: string;
    at: string;
    session: string;
    laneId: string;
    decision: ScreeningRecord['decision'];
    temperatureC: number | null;
  }[];
  /** After a confirmed fever: the same class's pupils, to watch (同班观察). */
  classmates: { id: string; name: string }[];
  /** The pupil's class (the others in it), whatever the case: the console opens it from any case. */
  classList: { id: string; name: string }[];
}

export interface CaseViewSources {
  person(id: string): Person | null;
  people(): Iterable<Person>;
  screeningsSince(personId: string, fromDate: string): ScreeningRecord[];
}

export function classLabel(p: Person): string {
  if (p.kind === 'staff') return '教职工';
  if (p.grade !== null && p.className) return `${p.grade}年级${p.className}`;
  return p.className ?? '';
}

export function caseView(c: CaseRecord, sources: CaseViewSources): CaseView {
  const person = c.personId ? sources.person(c.personId) : null;
  const confirmed = c.confirmedFeverAt !== null;
  return {
    id: c.id,
    openedAt: c.openedAt,
    personId: c.personId,
    laneId: c.laneId,
    decision: c.decision,
    gateTemperatureC: c.gateTemperatureC,
    healthCode: c.healthCode,
    status: c.status,
    rechecks: c.rechecks.map(({ caseId: _caseId, ...r }) => r),
    disposition: c.closing?.disposition ?? null,
    screeningId: c.screeningId,
    localDate: c.localDate,
    closedAt: c.closing?.at ?? null,
    closedBy: c.closing?.recordedBy ?? null,
    dispositionNote: c.closing?.note ?? null,
    guardianContact: c.closing?.guardianContact ?? null,
    confirmedFever: confirmed,
    confirmedFeverAt: c.confirmedFeverAt,
    person: person
      ? {
          name: person.name,
          kind: person.kind,
          grade: person.grade,
          className: person.className,
          guardianPhone: person.guardianPhone,
        }
      : null,
    classLabel: person ? classLabel(person) : '',
    weekScreenings: c.personId
      ? sources.screeningsSince(c.personId, weekStart(c.localDate)).map((s) => ({
          id: s.id,
          at: s.at,
          session: s.session,
          laneId: s.laneId,
          decision: s.decision,
          temperatureC: s.temperatureC,
        }))
      : [],
    ...classesOf(person, confirmed, sources),
  };
}

function classesOf(
  person: Person | null,
  confirmed: boolean,
  sources: CaseViewSources,
): Pick<CaseView, 'classmates' | 'classList'> {
  const classList = person ? classmatesOf(person, sources.people()) : [];
  return { classmates: confirmed ? classList : [], classList };
}

function classmatesOf(person: Person, everyone: Iterable<Person>): { id: string; name: string }[] {
  if (person.kind !== 'student' || person.className === null) return [];
  const out: { id: string; name: string }[] = [];
  for (const p of everyone) {
    if (
      p.id !== person.id &&
      p.kind === 'student' &&
      p.grade === person.grade &&
      p.className === person.className
    ) {
      out.push({ id: p.id, name: p.name });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

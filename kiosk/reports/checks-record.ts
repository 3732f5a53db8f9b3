import type { Absence } from '../absences/absence.ts';
import { expectedAt } from '../absences/expected.ts';
import { type AbsenceReason, symptomLabels } from '../absences/reasons.ts';
import type { KioskConfig, SessionConfig } from '../config/schema.ts';
import { uncountedDecisions } from '../policy/types.ts';
import { AbsenceStore } from '../store/absences.ts';
import type { Db } from '../store/database.ts';
import { PeopleStore } from '../store/people.ts';
import { zonedMoment } from '../time/zoned.ts';
import { type ClassKey, classKeyString, classLabel, compareClasses } from './classes.ts';
import { type DayFlags, dayFlags } from './day-flags.ts';
import { type DayScreening, type PersonOnForm, peopleByIds, screeningsOfDay } from './day-records.ts';

/**
 * `present`: screened in the check; `late`: screened after its cut-off; `absent`: listed at the
 * cut-off; `not_screened`: not screened and not listed (the check is not over, or nobody was screened).
 */
export type Attendance = 'present' | 'late' | 'absent' | 'not_screened';

/** One pupil's line on the 晨午检 record. */
export interface CheckRow {
  personId: string;
  name: string;
  attendance: Attendance;
  /** School-local `HH:mm` of a late arrival. */
  arrivedAt: string | null;
  reason: AbsenceReason | null;
  temperatureC: number | null;
  /** 症状, in the form's words; a fever at the gate is one. */
  symptoms: string[];
  doctorSeen: boolean | null;
  diagnosis: string | null;
  /** 随访, one line per call. */
  followUps: string[];
  /** Ill: a symptom, a fever at the gate, or absent because sick. A check with none is a zero report. */
  ill: boolean;
}

export interface CheckCounts {
  expected: number;
  present: number;
  late: number;
  absent: number;
  notScreened: number;
  sick: number;
  personal: number;
  unknown: number;
  ill: number;
}

export interface ClassCheck extends ClassKey {
  label: string;
  rows: CheckRow[];
  counts: CheckCounts;
}

export interface SessionCheck {
  session: Pick<SessionConfig, 'id' | 'name' | 'start' | 'cutoff' | 'boardersOnly'>;
  rollCallAt: string | null;
  classes: ClassCheck[];
  counts: CheckCounts;
  /** Screenings flagged in this check (fever, yellow or red code, verify by hand). */
  flagged: number;
  /** 零报告: nobody ill and nothing flagged in this check, and nothing flagged outside every check that day. */
  zeroReport: boolean;
}

export interface ChecksRecord {
  school: { id: string; name: string };
  date: string;
  generatedAt: string;
  sessions: SessionCheck[];
  /** Everything flagged that day, in any check or outside them all. */
  flags: DayFlags;
  /**
   * 零报告 for the day: nobody ill at any check and nothing flagged that day, in a check or outside
   * every one. A day's record never claims it while something was flagged.
   */
  zeroReport: boolean;
}

export type ChecksConfig = Pick<KioskConfig, 'school' | 'sessions'>;

/** The 晨午检 record of a day: for each check, every expected pupil by class. */
export function buildChecksRecord(
  db: Db,
  config: ChecksConfig,
  date: string,
  sessionIds: readonly string[] = config.sessions.map((s) => s.id),
  now = new Date(),
): ChecksRecord {
  const absences = new AbsenceStore(db);
  const roster = new PeopleStore(db).current();
  const screenings = screeningsOfDay(db, date);
  const tz = config.school.timezone;
  const flags = dayFlags(screenings);
  const sessions = sessionIds.map((id) => {
    const session = config.sessions.find((s) => s.id === id);
    if (!session) throw new Error(`no session "${id}" in the config`);
    const rollCall = absences.rollCall(date, id);
    const expectedIds = rollCall ? rollCall.expected : expectedAt(session, roster).map((p) => p.id);
    const people = peopleByIds(db, expectedIds);
    return sessionCheck(session, rollCall?.at ?? null, expectedIds, people, {
      screenings: screenings.filter((s) => s.session === id),
      byId: new Map(screenings.map((s) => [s.id, s])),
      absences: absences.list({ date, session: id }),
      timeZone: tz,
      flagged: flags.bySession[id] ?? 0,
      flaggedOutside: flags.outside,
    });
  });
  return {
    school: { id: config.school.id, name: config.school.name },
    date,
    generatedAt: now.toISOString(),
    sessions,
    flags,
    zeroReport: flags.total === 0 && sessions.every((s) => s.counts.ill === 0),
  };
}

interface SessionFacts {
  screenings: DayScreening[];
  byId: Map<string, DayScreening>;
  absences: Absence[];
  timeZone: string;
  flagged: number;
  flaggedOutside: number;
}

function sessionCheck(
  session: SessionConfig,
  rollCallAt: string | null,
  expectedIds: readonly string[],
  people: Map<string, PersonOnForm>,
  facts: SessionFacts,
): SessionCheck {
  const counted = new Map<string, DayScreening>();
  for (const s of facts.screenings) {
    if (!s.personId) continue;
    const earlier = counted.get(s.personId);
    // The screening that counts: the latest, unless it was a re-take or a scan never measured after a real reading.
    const final = (d: DayScreening) => !uncountedDecisions.includes(d.decision);
    if (!earlier || final(s) || !final(earlier)) counted.set(s.personId, s);
  }
  const absenceOf = new Map(facts.absences.map((a) => [a.personId, a]));
  const classes = new Map<string, ClassCheck>();
  for (const id of expectedIds) {
    const p = people.get(id);
    if (!p) continue;
    const key = { grade: p.grade, className: p.className };
    const k = classKeyString(key);
    let c = classes.get(k);
    if (!c) {
      c = { ...key, label: classLabel(key), rows: [], counts: emptyCounts() };
      classes.set(k, c);
    }
    c.rows.push(checkRow(p, counted.get(id) ?? null, absenceOf.get(id) ?? null, facts));
  }
  const list = [...classes.values()].sort(compareClasses);
  for (const c of list) {
    c.rows.sort((a, b) => a.personId.localeCompare(b.personId));
    c.counts = countRows(c.rows);
  }
  const counts = countRows(list.flatMap((c) => c.rows));
  return {
    session: {
      id: session.id,
      name: session.name,
      start: session.start,
      cutoff: session.cutoff,
      boardersOnly: session.boardersOnly,
    },
    rollCallAt,
    classes: list,
    counts,
    flagged: facts.flagged,
    zeroReport: counts.ill === 0 && facts.flagged === 0 && facts.flaggedOutside === 0,
  };
}

function checkRow(
  p: PersonOnForm,
  screening: DayScreening | null,
  absence: Absence | null,
  facts: SessionFacts,
): CheckRow {
  const arrival = absence?.arrivalScreeningId ? (facts.byId.get(absence.arrivalScreeningId) ?? null) : null;
  const attendance: Attendance = screening
    ? 'present'
    : absence?.status === 'arrived'
      ? 'late'
      : absence
        ? 'absent'
        : 'not_screened';
  const seen = screening ?? arrival;
  const gateFever = seen?.decision === 'fever';
  const symptoms = (absence?.symptoms ?? []).map((s) => symptomLabels[s].zh);
  if (gateFever && !symptoms.includes(symptomLabels.fever.zh)) symptoms.unshift(symptomLabels.fever.zh);
  const reason = absence ? absence.reason : null;
  return {
    personId: p.id,
    name: p.name,
    attendance,
    arrivedAt: absence?.arrivedAt ? zonedMoment(new Date(absence.arrivedAt), facts.timeZone).time : null,
    reason,
    temperatureC: seen?.temperatureC ?? null,
    symptoms,
    doctorSeen: absence?.doctorSeen ?? null,
    diagnosis: absence?.diagnosis ?? null,
    followUps: (absence?.followUps ?? []).map((f) => {
      const at = zonedMoment(new Date(f.at), facts.timeZone);
      return `${at.date.slice(5)} ${at.time} ${f.by}：${f.note}`;
    }),
    ill: symptoms.length > 0 || reason === 'sick',
  };
}

function emptyCounts(): CheckCounts {
  return {
    expected: 0,
    present: 0,
    late: 0,
    absent: 0,
    notScreened: 0,
    sick: 0,
    personal: 0,
    unknown: 0,
    ill: 0,
  };
}

function countRows(rows: readonly CheckRow[]): CheckCounts {
  const c = emptyCounts();
  for (const r of rows) {
    c.expected++;
    if (r.attendance === 'present') c.present++;
    else if (r.attendance === 'late') c.late++;
    else if (r.attendance === 'not_screened') c.notScreened++;
    else {
      c.absent++;
      if (r.reason) c[r.reason]++;
    }
    if (r.ill) c.ill++;
  }
  return c;
}

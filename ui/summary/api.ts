// `GET /api/summary`, read defensively: a field the page does not understand shows as empty.

import type * as Wire from '../../contract/summary.ts';
import { DECISIONS, type Decision } from '../shared/domain.ts';
import { type Refusal, refusalFrom, unanswered } from '../shared/refusal.ts';
import { type Session, sessionFetch } from '../shared/session.ts';

/** A class's figures as the page shows them. */
export type ClassFigures = Pick<Wire.ClassFigures, 'label' | 'expected' | 'screened' | 'late' | 'absent'>;

/** A check's figures; its `label` is its name. */
export type SessionFigures = Omit<Wire.SessionFigures, 'classes'> &
  ClassFigures & { classes: ClassFigures[] };

export type LaneFigures = Wire.LaneFigures;

export type DriftWarning = Pick<Wire.LaneDriftWarning, 'laneId' | 'laneName' | 'deltaC' | 'zh' | 'en'>;

/** The day as the page reads it: the school flattened, the threshold null when the answer has none. */
export interface Summary extends Omit<Wire.DailySummary, 'school' | 'feverC' | 'sessions' | 'warnings'> {
  schoolName: string;
  /** The school's time zone: times on the page are school-local, wherever the browser is. */
  timeZone: string;
  feverC: number | null;
  sessions: SessionFigures[];
  warnings: DriftWarning[];
}

export type SummaryAnswer =
  | { kind: 'summary'; summary: Summary }
  | { kind: 'forbidden'; refusal: Refusal }
  | { kind: 'failed'; refusal: Refusal };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): Fields[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const fields = (v: unknown): Fields => (isRecord(v) ? v : {});

function classFigures(c: Fields): ClassFigures {
  return {
    label: str(c.label),
    expected: num(c.expected),
    screened: num(c.screened),
    late: num(c.late),
    absent: num(c.absent),
  };
}

function sessionFigures(s: Fields): SessionFigures {
  return {
    ...classFigures({ ...s, label: s.name }),
    id: str(s.id),
    name: str(s.name),
    start: str(s.start),
    cutoff: str(s.cutoff),
    boardersOnly: s.boardersOnly === true,
    rollCallAt: typeof s.rollCallAt === 'string' ? s.rollCallAt : null,
    notScreened: num(s.notScreened),
    zeroReport: s.zeroReport === true,
    classes: list(s.classes).map(classFigures),
  };
}

function laneFigures(l: Fields): LaneFigures {
  const t = fields(l.temperatures);
  return {
    laneId: str(l.laneId),
    name: str(l.name),
    screenings: num(l.screenings),
    arrivals: list(l.arrivals).map((a) => ({ minute: str(a.minute), count: num(a.count) })),
    temperatures: {
      fromC: num(t.fromC),
      binC: num(t.binC) || 0.1,
      counts: Array.isArray(t.counts) ? t.counts.map(num) : [],
      below: num(t.below),
      above: num(t.above),
      readings: num(t.readings),
      medianC: numOrNull(t.medianC),
    },
  };
}

export function parseSummary(body: unknown): Summary {
  const b = fields(body);
  const flagged = fields(b.flagged);
  const byDecision = fields(flagged.byDecision);
  const absences = fields(b.absences);
  const byReason = fields(absences.byReason);
  return {
    date: str(b.date),
    schoolName: str(fields(b.school).name),
    timeZone: str(fields(b.school).timezone) || 'Asia/Shanghai',
    generatedAt: str(b.generatedAt),
    feverC: typeof b.feverC === 'number' ? b.feverC : null,
    screenings: num(b.screenings),
    sessions: list(b.sessions).map(sessionFigures),
    flagged: {
      total: num(flagged.total),
      byDecision: Object.fromEntries(DECISIONS.map((d) => [d, num(byDecision[d])])) as Record<
        Decision,
        number
      >,
    },
    openCases: num(b.openCases),
    absences: {
      total: num(absences.total),
      open: num(absences.open),
      arrived: num(absences.arrived),
      chased: num(absences.chased),
      byReason: {
        sick: num(byReason.sick),
        personal: num(byReason.personal),
        unknown: num(byReason.unknown),
      },
    },
    lanes: list(b.lanes).map(laneFigures),
    warnings: list(b.warnings).map((w) => ({
      laneId: str(w.laneId),
      laneName: str(w.laneName),
      deltaC: num(w.deltaC),
      zh: str(w.zh),
      en: str(w.en),
    })),
    outsideChecks: {
      screenings: num(fields(b.outsideChecks).screenings),
      flagged: num(fields(b.outsideChecks).flagged),
    },
    ill: num(b.ill),
    zeroReport: b.zeroReport === true,
  };
}

export async function fetchSummary(session: Session, date: string | null): Promise<SummaryAnswer> {
  const query = date ? `?${new URLSearchParams({ date })}` : '';
  let res: Response;
  try {
    res = await sessionFetch(session, `/api/summary${query}`, { headers: { accept: 'application/json' } });
  } catch (err) {
    return { kind: 'failed', refusal: unanswered(err) };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return { kind: 'summary', summary: parseSummary(body) };
  const refusal = refusalFrom(res.status, body);
  return res.status === 403 ? { kind: 'forbidden', refusal } : { kind: 'failed', refusal };
}

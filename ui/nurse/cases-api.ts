// The nurse's routes over HTTP, as the logged-in account (writes carry the CSRF token).
import { type Refusal, refusalOf, unanswered } from '../shared/refusal.ts';
import { type Session, sessionFetch } from '../shared/session.ts';
import { type Absence, parseAbsence, parseAbsences } from './absence-payloads.ts';
import { type CaseView, parseCase, parseCases } from './case-payloads.ts';
import type { AbsenceReason, Disposition, Method, Symptom } from './labels.ts';

export type Answer<T = CaseView> = { ok: true; view: T } | { ok: false; refusal: Refusal };

async function send<T>(
  session: Session,
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
  parse: (v: unknown) => T | null,
): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await sessionFetch(session, path, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    return { ok: false, refusal: unanswered(err) };
  }
  if (!res.ok) return { ok: false, refusal: await refusalOf(res) };
  const view = parse(await res.json().catch(() => null));
  if (view) return { ok: true, view };
  return {
    ok: false,
    refusal: {
      status: res.status,
      code: 'unreadable',
      zh: '服务器的回答无法读取，请刷新页面',
      en: 'the kiosk sent an answer this page does not understand',
      fields: [],
    },
  };
}

export async function fetchCases(session: Session, query: string): Promise<CaseView[]> {
  const res = await sessionFetch(session, `/api/cases?${query}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /api/cases: HTTP ${res.status}`);
  return parseCases(await res.json());
}

export interface RecheckInput {
  temperatureC: number;
  method: Method;
  symptoms: Symptom[];
  note?: string;
}

export function sendRecheck(session: Session, caseId: string, input: RecheckInput): Promise<Answer> {
  return send(session, 'POST', `/api/cases/${encodeURIComponent(caseId)}/rechecks`, input, parseCase);
}

export interface DispositionInput {
  disposition: Disposition;
  note?: string;
  guardianContact?: { name: string; phone: string; calledAt: string };
}

export function sendDisposition(session: Session, caseId: string, input: DispositionInput): Promise<Answer> {
  return send(session, 'POST', `/api/cases/${encodeURIComponent(caseId)}/disposition`, input, parseCase);
}

export async function fetchAbsences(session: Session, date: string): Promise<Absence[]> {
  const res = await sessionFetch(session, `/api/absences?${new URLSearchParams({ date })}`, {
    headers: { accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`GET /api/absences: HTTP ${res.status}`);
  return parseAbsences(await res.json());
}

export interface AbsenceInput {
  reason: AbsenceReason;
  symptoms?: Symptom[];
  doctorSeen?: boolean | null;
  diagnosis?: string | null;
  followUps?: { at: string; by: string; note: string }[];
}

export function sendAbsence(session: Session, id: string, input: AbsenceInput): Promise<Answer<Absence>> {
  return send(session, 'PUT', `/api/absences/${encodeURIComponent(id)}`, input, parseAbsence);
}

// The nurse's case routes over HTTP, as the logged-in account (writes carry the CSRF token).
import { type Session, sessionFetch } from '../shared/session.ts';
import { type CaseView, parseCase, parseCases } from './case-payloads.ts';
import type { Disposition, Method, Symptom } from './labels.ts';

export type Answer = { ok: true; view: CaseView } | { ok: false; message: string; fields: string[] };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

async function answerOf(res: Response): Promise<Answer> {
  const body: unknown = await res.json().catch(() => null);
  const view = res.ok ? parseCase(body) : null;
  if (view) return { ok: true, view };
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const details = Array.isArray(error.details) ? error.details.filter(isRecord) : [];
  return {
    ok: false,
    message: typeof error.message === 'string' ? error.message : `HTTP ${res.status}`,
    fields: details.map((d) => (typeof d.field === 'string' ? d.field : '')).filter(Boolean),
  };
}

async function post(session: Session, path: string, body: unknown): Promise<Answer> {
  try {
    const res = await sessionFetch(session, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return await answerOf(res);
  } catch (err) {
    return { ok: false, message: `the kiosk did not answer (${String(err)})`, fields: [] };
  }
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
  return post(session, `/api/cases/${encodeURIComponent(caseId)}/rechecks`, input);
}

export interface DispositionInput {
  disposition: Disposition;
  note?: string;
  guardianContact?: { name: string; phone: string; calledAt: string };
}

export function sendDisposition(session: Session, caseId: string, input: DispositionInput): Promise<Answer> {
  return post(session, `/api/cases/${encodeURIComponent(caseId)}/disposition`, input);
}

// The roster import over HTTP: the file's bytes as the body, answers read defensively.
import { type Refusal, refusalFrom, unanswered } from '../shared/refusal.ts';
import { type Session, sessionFetch } from '../shared/session.ts';

export interface PersonLine {
  row: number | null;
  id: string;
  name: string;
  kind: string;
  grade: number | null;
  class: string | null;
}

export interface UpdatedLine extends PersonLine {
  fields: string[];
}

export interface Issue {
  row: number;
  field: string;
  message: string;
  /** The problem in Chinese (the kiosk sends both; English stands in if it is missing). */
  zh: string;
  en: string;
}

export interface ImportReport {
  imported: number;
  dryRun: boolean;
  counts: { added: number; updated: number; removed: number; unchanged: number };
  added: PersonLine[];
  updated: UpdatedLine[];
  removed: PersonLine[];
  warnings: Issue[];
}

export type ImportAnswer =
  | { kind: 'report'; report: ImportReport }
  | { kind: 'invalid'; refusal: Refusal; errors: Issue[] }
  | { kind: 'failed'; refusal: Refusal };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): Fields[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function personLine(p: Fields): PersonLine {
  return {
    row: typeof p.row === 'number' ? p.row : null,
    id: str(p.id),
    name: str(p.name),
    kind: str(p.kind),
    grade: typeof p.grade === 'number' ? p.grade : null,
    class: typeof p.class === 'string' ? p.class : null,
  };
}

function issues(v: unknown): Issue[] {
  return list(v).map((i) => {
    const en = str(i.en) || str(i.message);
    return { row: num(i.row), field: str(i.field), message: en, zh: str(i.zh) || en, en };
  });
}

function report(body: Fields): ImportReport {
  const c = isRecord(body.counts) ? body.counts : {};
  return {
    imported: num(body.imported),
    dryRun: body.dryRun === true,
    counts: {
      added: num(c.added),
      updated: num(c.updated),
      removed: num(c.removed),
      unchanged: num(c.unchanged),
    },
    added: list(body.added).map(personLine),
    updated: list(body.updated).map((u) => ({
      ...personLine(u),
      fields: Array.isArray(u.fields) ? u.fields.map(str) : [],
    })),
    removed: list(body.removed).map(personLine),
    warnings: issues(body.warnings),
  };
}

/** Sends the file as the logged-in admin (with the session's CSRF token); a dry run only previews. */
export async function sendRoster(
  session: Session,
  file: Blob,
  filename: string,
  dryRun: boolean,
): Promise<ImportAnswer> {
  const query = new URLSearchParams({ dryRun: String(dryRun), filename });
  const headers = { 'content-type': 'application/octet-stream', accept: 'application/json' };
  let res: Response;
  try {
    res = await sessionFetch(session, `/api/roster/import?${query}`, { method: 'POST', headers, body: file });
  } catch (err) {
    return { kind: 'failed', refusal: unanswered(err) };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok && isRecord(body)) return { kind: 'report', report: report(body) };
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const refusal = refusalFrom(res.status, body);
  if (res.status === 422) return { kind: 'invalid', refusal, errors: issues(error.details) };
  return { kind: 'failed', refusal };
}

// `POST /api/session`, with its answers read defensively. The password goes only in the JSON body.
import { type Refusal, refusalFrom, unanswered } from '../shared/refusal.ts';
import { parseSession, type Session } from '../shared/session.ts';

export type LoginAnswer =
  | { kind: 'ok'; session: Session }
  | { kind: 'wrong' }
  /** Too many failed logins: the kiosk takes no attempt for this long. */
  | { kind: 'wait'; seconds: number; message: string }
  | { kind: 'failed'; refusal: Refusal };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The seconds to wait: the `Retry-After` header, else the error's details, else the message. */
function waitSeconds(res: Response, error: Fields, message: string): number {
  const candidates = [
    Number(res.headers.get('retry-after')),
    isRecord(error.details) ? Number(error.details.retryAfterS) : Number.NaN,
    Number(/in (\d+) s\b/.exec(message)?.[1]),
  ];
  const s = candidates.find((n) => Number.isFinite(n) && n > 0);
  return s === undefined ? 1 : Math.ceil(s);
}

export async function logIn(name: string, password: string): Promise<LoginAnswer> {
  let res: Response;
  try {
    res = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name, password }),
      cache: 'no-store',
    });
  } catch (err) {
    return { kind: 'failed', refusal: unanswered(err) };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const session = parseSession(body);
    return session
      ? { kind: 'ok', session }
      : {
          kind: 'failed',
          refusal: {
            status: res.status,
            code: 'unreadable',
            zh: '服务器的回答无法读取，请刷新页面',
            en: 'the kiosk sent an answer this page does not understand',
            fields: [],
          },
        };
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const message = typeof error.message === 'string' ? error.message : `HTTP ${res.status}`;
  if (res.status === 401) return { kind: 'wrong' };
  if (res.status === 429) return { kind: 'wait', seconds: waitSeconds(res, error, message), message };
  return { kind: 'failed', refusal: refusalFrom(res.status, body) };
}

// A guard's answer over HTTP, as the logged-in account (with the session's CSRF token).
import type { GuardAction } from '../shared/domain.ts';
import { type Session, sessionFetch } from '../shared/session.ts';
import type { HandCheck } from './labels.ts';

export type ActionBody =
  | { action: 'admit_checked'; checked: HandCheck }
  | { action: 'send_to_nurse' }
  | { action: 'register_visitor'; visitor: { name: string; phone: string; visiting: string; reason: string } }
  | { action: 'refuse' }
  | { action: 'measure_again' };

export type ActionAnswer =
  | { ok: true; action: GuardAction; actor: string; shown: boolean }
  | { ok: false; message: string };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function sendAction(
  session: Session,
  laneId: string,
  screeningId: string,
  body: ActionBody,
): Promise<ActionAnswer> {
  let res: Response;
  try {
    res = await sessionFetch(session, `/api/lanes/${encodeURIComponent(laneId)}/guard-actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ screeningId, ...body }),
    });
  } catch (err) {
    return { ok: false, message: `the kiosk did not answer (${String(err)})` };
  }
  const answer: unknown = await res.json().catch(() => null);
  if (res.ok && isRecord(answer)) {
    return {
      ok: true,
      action: body.action,
      actor: typeof answer.actor === 'string' ? answer.actor : '',
      shown: answer.shown === true,
    };
  }
  const error = isRecord(answer) && isRecord(answer.error) ? answer.error : {};
  return { ok: false, message: typeof error.message === 'string' ? error.message : `HTTP ${res.status}` };
}

// A guard's answer over HTTP, as the logged-in account (with the session's CSRF token).
import type { GuardActionChoice } from '../../contract/guard.ts';
import type { GuardAction } from '../shared/domain.ts';
import { type Refusal, refusalOf, unanswered } from '../shared/refusal.ts';
import { type Session, sessionFetch } from '../shared/session.ts';

export type ActionBody = GuardActionChoice;

export type ActionAnswer =
  | { ok: true; action: GuardAction; actor: string; shown: boolean }
  | { ok: false; refusal: Refusal };

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
    return { ok: false, refusal: unanswered(err) };
  }
  if (!res.ok) return { ok: false, refusal: await refusalOf(res) };
  const answer: unknown = await res.json().catch(() => null);
  return {
    ok: true,
    action: body.action,
    actor: isRecord(answer) && typeof answer.actor === 'string' ? answer.actor : '',
    shown: isRecord(answer) && answer.shown === true,
  };
}

/** Screenings of a day that a guard has already answered (`GET /api/guard-actions?date=`). */
export async function answeredOn(
  session: Session,
  date: string,
): Promise<Map<string, { action: GuardAction; actor: string }>> {
  const answered = new Map<string, { action: GuardAction; actor: string }>();
  const res = await sessionFetch(session, `/api/guard-actions?${new URLSearchParams({ date })}`, {
    headers: { accept: 'application/json' },
  });
  if (!res.ok) return answered;
  const body: unknown = await res.json().catch(() => null);
  if (!Array.isArray(body)) return answered;
  for (const item of body) {
    if (!isRecord(item) || typeof item.screeningId !== 'string') continue;
    answered.set(item.screeningId, {
      action: item.action as GuardAction,
      actor: typeof item.actor === 'string' ? item.actor : '',
    });
  }
  return answered;
}

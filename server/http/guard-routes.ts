import type { Router } from 'express';
import { z } from 'zod';
import { handChecks } from '../../kiosk/guard/actions.ts';
import type { GuardDesk } from '../../kiosk/guard/guard-desk.ts';
import { GuardRefusal } from '../../kiosk/guard/guard-refusal.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { principalOf } from '../auth/http-guard.ts';
import { actorName } from '../auth/principal.ts';
import { HttpError, parseRequest, said } from './errors.ts';

const screeningId = z.string().min(1).max(64);
const note = z.string().max(500).optional();

const action = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('admit_checked'), screeningId, checked: z.enum(handChecks), note }).strict(),
    z.object({ action: z.literal('send_to_nurse'), screeningId, note }).strict(),
    z
      .object({
        action: z.literal('register_visitor'),
        screeningId,
        visitor: z
          .object({
            name: z.string().trim().min(1, said('请填写访客姓名', 'the visitor’s name')).max(100),
            phone: z
              .string()
              .regex(/^\+?[0-9][0-9 -]{4,19}$/, said('请填写有效的电话号码', 'a phone number')),
            visiting: z.string().trim().min(1, said('请填写拜访谁', 'whom they visit')).max(100),
            reason: z.string().trim().min(1, said('请填写来访事由', 'why they came')).max(300),
          })
          .strict(),
      })
      .strict(),
    z.object({ action: z.literal('refuse'), screeningId, note }).strict(),
    z.object({ action: z.literal('measure_again'), screeningId }).strict(),
  ],
  {
    error: said(
      '未知的处理方式',
      'one of admit_checked, send_to_nurse, register_visitor, refuse, measure_again',
    ),
  },
);

const query = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, said('日期格式为 YYYY-MM-DD', 'a date as YYYY-MM-DD'))
      .optional(),
    lane: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();

/** The fields' names on the guard's forms. */
const FIELD_NAMES: Record<string, string> = {
  'visitor.name': '访客姓名',
  'visitor.phone': '访客电话',
  'visitor.visiting': '拜访谁',
  'visitor.reason': '事由',
  checked: '核验方式',
  note: '备注',
};

/**
 * The guard's answers at the gate: `POST /api/lanes/:laneId/guard-actions` (400 names the field, 409
 * when the action does not fit the decision or was already given) and the day's list,
 * `GET /api/guard-actions?date=&lane=`.
 */
export function guardRoutes(gate: GuardDesk, audit: AuditLog): Router {
  const routes = guardedRouter();

  routes.post('/api/lanes/:laneId/guard-actions', 'gate:act', (req, res) => {
    const body = parseRequest(action, req.body, 'body', FIELD_NAMES);
    const actor = actorName(principalOf(res));
    try {
      const { action: stored, shown } = gate.act(req.params.laneId, body, actor);
      audit.append(actor, 'guard_action', {
        laneId: stored.laneId,
        screeningId: stored.screeningId,
        action: stored.action,
      });
      res.status(201).json({ ...stored, shown });
    } catch (err) {
      if (err instanceof GuardRefusal) {
        throw new HttpError(err.kind === 'not_found' ? 404 : 409, err.code, { zh: err.zh, en: err.message });
      }
      throw err;
    }
  });

  routes.get('/api/guard-actions', 'gate:act', (req, res) => {
    const q = parseRequest(query, req.query, 'query');
    res.json(
      gate.list({
        ...(q.date ? { date: q.date } : {}),
        ...(q.lane ? { lane: q.lane } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      }),
    );
  });

  return routes.router;
}

import type { Router } from 'express';
import { z } from 'zod';
import type { Absence } from '../../contract/nurse-events.ts';
import type { AbsenceChange } from '../../kiosk/absences/absence.ts';
import { isLocalDate } from '../../kiosk/absences/local-date.ts';
import { absenceReasons, symptoms } from '../../kiosk/absences/reasons.ts';
import type { AbsenceTracker } from '../../kiosk/absences/tracker.ts';
import type { SessionConfig } from '../../kiosk/config/schema.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { principalOf } from '../auth/http-guard.ts';
import { actorName } from '../auth/principal.ts';
import { HttpError, parseRequest, said } from './errors.ts';

export const localDateParam = z
  .string()
  .refine(isLocalDate, said('日期格式为 YYYY-MM-DD', 'a date as YYYY-MM-DD'));

const listQuery = z
  .object({ date: localDateParam.optional(), session: z.string().min(1).optional() })
  .strict();

const followUp = z
  .object({
    at: z.iso.datetime({
      offset: true,
      message: said('请填写随访时间', 'an ISO 8601 time, e.g. 2026-11-23T09:10:00+08:00'),
    }),
    by: z.string().trim().min(1, said('请填写随访人', 'who called or visited')).max(64),
    note: z.string().trim().min(1, said('请填写随访情况', 'what was said or found')).max(500),
  })
  .strict();

const change = z
  .object({
    reason: z.enum(absenceReasons, {
      message: said('请选择缺勤原因', `one of ${absenceReasons.join(', ')}`),
    }),
    symptoms: z
      .array(z.enum(symptoms, { message: said('未知的症状', `one of ${symptoms.join(', ')}`) }))
      .max(symptoms.length)
      .refine((list) => new Set(list).size === list.length, said('每种症状只选一次', 'each symptom once'))
      .optional(),
    doctorSeen: z.boolean().nullable().optional(),
    diagnosis: z.string().trim().max(200).nullable().optional(),
    followUps: z.array(followUp).max(100).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.reason === 'sick') return;
    const clinical = {
      symptoms: (b.symptoms?.length ?? 0) > 0,
      doctorSeen: b.doctorSeen === true,
      diagnosis: Boolean(b.diagnosis),
    };
    for (const [field, given] of Object.entries(clinical)) {
      if (given)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: said('只有病假才填写此项', 'only for a sick absence (reason "sick")'),
        });
    }
  });

const noAbsence = (id: string) => ({ zh: `找不到这条缺勤记录（${id}）`, en: `no absence "${id}"` });

/** The fields' names on the absence form. */
const FIELD_NAMES: Record<string, string> = {
  reason: '原因',
  symptoms: '症状',
  doctorSeen: '是否就诊',
  diagnosis: '诊断',
  followUps: '随访',
};

export interface AbsenceRouteDeps {
  absences: AbsenceTracker;
  audit: AuditLog;
  sessions: readonly SessionConfig[];
  timeZone: string;
  now?: () => number;
}

/** Checks a `session` parameter against the config: a 400 naming it otherwise. */
export function knownSession(sessions: readonly SessionConfig[], session: string | undefined): void {
  if (session === undefined || sessions.some((s) => s.id === session)) return;
  const known = sessions.map((s) => s.id).join(', ') || 'none configured';
  throw new HttpError(
    400,
    'invalid_request',
    {
      zh: `查询参数有误：没有检测时段“${session}”（已配置：${known === 'none configured' ? '无' : known}）`,
      en: `invalid query: session: no session "${session}" (known: ${known})`,
    },
    [
      {
        field: 'session',
        message: `no session "${session}"`,
        zh: `没有检测时段“${session}”`,
        en: `no session "${session}"`,
      },
    ],
  );
}

/**
 * `GET /api/absences?date=&session=`: who was listed absent at a cut-off, with reasons and follow-ups;
 * `PUT /api/absences/:id`: the reason (sick, personal, unknown), for a sick pupil symptoms, a doctor's
 * visit and diagnosis, and follow-up calls. Fields left out keep their value; `followUps`, when given,
 * is the whole list.
 */
export function absencesRoutes(deps: AbsenceRouteDeps): Router {
  const routes = guardedRouter();
  const today = () => zonedMoment(new Date(deps.now?.() ?? Date.now()), deps.timeZone).date;
  routes.get('/api/absences', 'absences:read', (req, res) => {
    const q = parseRequest(listQuery, req.query, 'query');
    knownSession(deps.sessions, q.session);
    const date = q.date ?? today();
    const list = deps.absences.list({ date, ...(q.session ? { session: q.session } : {}) });
    deps.audit.append(actorName(principalOf(res)), 'read_absences', {
      date,
      session: q.session ?? null,
      rows: list.length,
      persons: [...new Set(list.map((a) => a.personId))],
    });
    res.json(list satisfies Absence[]);
  });
  routes.put('/api/absences/:id', 'absences:write', (req, res) => {
    const id = req.params.id;
    if (!deps.absences.get(id)) throw new HttpError(404, 'not_found', noAbsence(id));
    const body = parseRequest(change, req.body, 'body', FIELD_NAMES);
    const update: AbsenceChange = {
      reason: body.reason,
      ...(body.symptoms !== undefined ? { symptoms: body.symptoms } : {}),
      ...(body.doctorSeen !== undefined ? { doctorSeen: body.doctorSeen } : {}),
      ...(body.diagnosis !== undefined ? { diagnosis: body.diagnosis || null } : {}),
      ...(body.followUps !== undefined ? { followUps: body.followUps } : {}),
    };
    const actor = actorName(principalOf(res));
    const updated = deps.absences.update(id, update, actor);
    if (!updated) throw new HttpError(404, 'not_found', noAbsence(id));
    deps.audit.append(
      actor,
      'update_absence',
      {
        absenceId: id,
        reason: updated.reason,
        revision: updated.revision,
        followUps: updated.followUps.length,
      },
      updated.personId,
    );
    res.json(updated satisfies Absence);
  });
  return routes.router;
}

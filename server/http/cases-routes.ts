import type { Router } from 'express';
import { z } from 'zod';
import type { CaseView } from '../../contract/nurse-events.ts';
import type { CaseDesk } from '../../kiosk/cases/case-desk.ts';
import { CaseRefusal } from '../../kiosk/cases/case-refusal.ts';
import { dispositions, recheckMethods } from '../../kiosk/cases/case-rules.ts';
import { symptoms } from '../../kiosk/cases/symptoms.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { principalOf } from '../auth/http-guard.ts';
import { actorName } from '../auth/principal.ts';
import { HttpError, parseRequest, said } from './errors.ts';

const query = z
  .object({
    status: z.enum(['open', 'closed']).optional(),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, said('日期格式为 YYYY-MM-DD', 'a date as YYYY-MM-DD'))
      .optional(),
    limit: z.coerce.number().int().min(1).max(2000).optional(),
  })
  .strict();

const clinicalReading = said('请填写复测体温（30–45 °C）', 'a clinical reading in °C (30–45)');

const recheck = z
  .object({
    temperatureC: z.number({ error: clinicalReading }).min(30, clinicalReading).max(45, clinicalReading),
    method: z.enum(recheckMethods, { error: said('请选择测量方式', `one of ${recheckMethods.join(', ')}`) }),
    symptoms: z.array(z.enum(symptoms)).max(symptoms.length * 2),
    note: z.string().max(1000).optional(),
  })
  .strict();

const isoTime = z.iso.datetime({
  offset: true,
  message: said('请填写通话时间', 'an ISO 8601 time, e.g. 2026-11-23T08:40:00+08:00'),
});

const disposition = z
  .object({
    disposition: z.enum(dispositions, {
      error: said('请选择处置去向', `one of ${dispositions.join(', ')}`),
    }),
    note: z.string().max(1000).optional(),
    guardianContact: z
      .object({
        name: z.string().trim().min(1, said('请填写联系了哪位家长', 'who was called')).max(100),
        phone: z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, said('请填写有效的电话号码', 'a phone number')),
        calledAt: isoTime,
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((d) => d.disposition !== 'sent_home' || d.guardianContact !== undefined, {
    path: ['guardianContact'],
    message: said(
      '家长接回：请记录联系了哪位家长、电话和通话时间',
      'sent home: record which guardian was called and when',
    ),
  });

/** The fields' names on the nurse's forms. */
const FIELD_NAMES: Record<string, string> = {
  temperatureC: '体温',
  method: '方式',
  symptoms: '症状',
  note: '备注',
  disposition: '去向',
  guardianContact: '联系家长',
  'guardianContact.name': '家长姓名',
  'guardianContact.phone': '家长电话',
  'guardianContact.calledAt': '通话时间',
};

function refused(err: unknown): never {
  if (err instanceof CaseRefusal) {
    throw new HttpError(err.kind === 'not_found' ? 404 : 409, err.code, { zh: err.zh, en: err.message });
  }
  throw err;
}

/**
 * The nurse's cases: `GET /api/cases` (oldest first, with the person in full and their week),
 * `GET /api/cases/:id`, `POST /api/cases/:id/rechecks`, `POST /api/cases/:id/disposition`.
 * Every case read is in the audit log, one row per person.
 */
export function casesRoutes(cases: CaseDesk, audit: AuditLog): Router {
  const routes = guardedRouter();
  const logRead = (actor: string, views: readonly CaseView[], via: string) => {
    for (const v of views) audit.append(actor, 'read_case', { caseId: v.id, via }, v.personId);
  };

  routes.get('/api/cases', 'cases:read', (req, res) => {
    const q = parseRequest(query, req.query, 'query');
    const views = cases
      .list({
        ...(q.status ? { status: q.status } : {}),
        ...(q.date ? { date: q.date } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
      })
      .map((c) => cases.view(c));
    logRead(actorName(principalOf(res)), views, 'list');
    res.json(views satisfies CaseView[]);
  });

  routes.get('/api/cases/:id', 'cases:read', (req, res) => {
    let view: CaseView;
    try {
      view = cases.view(cases.get(req.params.id));
    } catch (err) {
      refused(err);
    }
    logRead(actorName(principalOf(res)), [view], 'case');
    res.json(view);
  });

  routes.post('/api/cases/:id/rechecks', 'cases:write', (req, res) => {
    const body = parseRequest(recheck, req.body, 'body', FIELD_NAMES);
    const actor = actorName(principalOf(res));
    let view: CaseView;
    try {
      view = cases.view(cases.addRecheck(req.params.id, body, actor));
    } catch (err) {
      refused(err);
    }
    audit.append(
      actor,
      'add_recheck',
      { caseId: view.id, temperatureC: body.temperatureC, method: body.method },
      view.personId,
    );
    res.status(201).json(view);
  });

  routes.post('/api/cases/:id/disposition', 'cases:write', (req, res) => {
    const body = parseRequest(disposition, req.body, 'body', FIELD_NAMES);
    const actor = actorName(principalOf(res));
    let view: CaseView;
    try {
      view = cases.view(cases.close(req.params.id, body, actor));
    } catch (err) {
      refused(err);
    }
    audit.append(actor, 'close_case', { caseId: view.id, disposition: body.disposition }, view.personId);
    res.json(view);
  });

  return routes.router;
}

import type { Router } from 'express';
import { z } from 'zod';
import type { PersonDirectory } from '../../kiosk/identities/directory.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { ReturnCertificateStore } from '../../kiosk/store/return-certificates.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { principalOf } from '../auth/http-guard.ts';
import { actorName } from '../auth/principal.ts';
import { HttpError, parseRequest, said } from './errors.ts';

const certificate = z
  .object({
    issuedAt: z.iso.datetime({
      offset: true,
      message: said('请填写证明的签发时间', 'an ISO 8601 time, e.g. 2026-11-23T08:00:00+08:00'),
    }),
    note: z.string().max(500).optional(),
  })
  .strict();

/** `POST /api/people/:id/return-certificate`: the 复课证明 is recorded and the person may pass again. */
export function peopleRoutes(
  directory: PersonDirectory,
  certificates: ReturnCertificateStore,
  audit: AuditLog,
  onChange: () => void,
): Router {
  const routes = guardedRouter();
  routes.post('/api/people/:id/return-certificate', 'health:write', (req, res) => {
    const person = directory.get(req.params.id);
    if (!person) {
      throw new HttpError(404, 'not_found', {
        zh: `名单中没有此人（${req.params.id}）`,
        en: `no person "${req.params.id}" on the roster`,
      });
    }
    const body = parseRequest(certificate, req.body, 'body', { issuedAt: '签发时间', note: '备注' });
    const issuedAt = new Date(body.issuedAt);
    if (issuedAt.getTime() > Date.now() + 60_000) {
      throw new HttpError(
        400,
        'invalid_request',
        { zh: '签发时间不能晚于现在', en: 'issuedAt is in the future' },
        [{ field: 'issuedAt', message: 'in the future', zh: '签发时间晚于现在', en: 'in the future' }],
      );
    }
    const recorded = certificates.record(person.id, issuedAt, body.note ?? null);
    audit.append(
      actorName(principalOf(res)),
      'record_return_certificate',
      { issuedAt: recorded.issuedAt },
      person.id,
    );
    onChange();
    res.status(201).json(recorded);
  });
  return routes.router;
}

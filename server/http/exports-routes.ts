import type { Router } from 'express';
import { z } from 'zod';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { exportAuditDetail, exportChecks, exportFormats } from '../../kiosk/reports/checks-export.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { Db } from '../../kiosk/store/database.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { principalOf } from '../auth/http-guard.ts';
import { actorName } from '../auth/principal.ts';
import { knownSession, localDateParam } from './absences-routes.ts';
import { parseRequest, said } from './errors.ts';

const query = z
  .object({
    date: localDateParam.optional(),
    session: z.string().min(1).optional(),
    format: z.enum(exportFormats, { message: said('格式为 xlsx 或 csv', 'xlsx or csv') }).default('xlsx'),
  })
  .strict();

export interface ExportRouteDeps {
  db: Db;
  config: Pick<KioskConfig, 'school' | 'sessions'>;
  audit: AuditLog;
  now?: () => number;
}

/** `GET /api/exports/checks?date=&session=&format=xlsx|csv`: the 晨午检 record as a download, audited. */
export function exportsRoutes(deps: ExportRouteDeps): Router {
  const routes = guardedRouter();
  routes.get('/api/exports/checks', 'reports:read', async (req, res) => {
    const q = parseRequest(query, req.query, 'query');
    knownSession(deps.config.sessions, q.session);
    const now = new Date(deps.now?.() ?? Date.now());
    const date = q.date ?? zonedMoment(now, deps.config.school.timezone).date;
    const file = await exportChecks(
      deps.db,
      deps.config,
      { date, format: q.format, ...(q.session ? { session: q.session } : {}) },
      now,
    );
    deps.audit.append(
      actorName(principalOf(res)),
      'export_checks',
      exportAuditDetail(file, q.format, q.session ?? null),
    );
    res.set({
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
      'Cache-Control': 'no-store',
    });
    res.send(file.bytes);
  });
  return routes.router;
}

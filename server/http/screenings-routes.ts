import type { Router } from 'express';
import { z } from 'zod';
import { decisions } from '../../kiosk/policy/types.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { ScreeningStore } from '../../kiosk/store/screenings.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { principalOf } from '../auth/http-guard.ts';
import { actorName } from '../auth/principal.ts';
import { parseRequest } from './errors.ts';

const query = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
      .optional(),
    lane: z.string().min(1).optional(),
    session: z.string().min(1).optional(),
    decision: z.enum(decisions).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export function screeningsRoutes(store: ScreeningStore, audit: AuditLog): Router {
  const routes = guardedRouter();
  routes.get('/api/screenings', 'screenings:read', (req, res) => {
    const q = parseRequest(query, req.query, 'query');
    const rows = store.list({
      ...(q.date ? { date: q.date } : {}),
      ...(q.lane ? { lane: q.lane } : {}),
      ...(q.session ? { session: q.session } : {}),
      ...(q.decision ? { decision: q.decision } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
    });
    const persons = [...new Set(rows.flatMap((r) => (r.personId ? [r.personId] : [])))];
    audit.append(actorName(principalOf(res)), 'read_screenings', { filter: q, rows: rows.length, persons });
    res.json(
      rows.map((r) => ({
        id: r.id,
        at: r.at,
        laneId: r.laneId,
        session: r.session,
        personId: r.personId,
        temperatureC: r.temperatureC,
        temperatureSource: r.temperatureSource,
        objectC: r.objectC,
        ambientC: r.ambientC,
        healthCode: r.healthCode,
        decision: r.decision,
        reasons: r.reasons,
      })),
    );
  });
  return routes.router;
}

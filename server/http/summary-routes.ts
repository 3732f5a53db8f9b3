import type { Router } from 'express';
import { z } from 'zod';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { buildDailySummary } from '../../kiosk/reports/daily-summary.ts';
import type { Db } from '../../kiosk/store/database.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { localDateParam } from './absences-routes.ts';
import { parseRequest } from './errors.ts';

const query = z.object({ date: localDateParam.optional() }).strict();

export interface SummaryRouteDeps {
  db: Db;
  config: Pick<KioskConfig, 'school' | 'sessions' | 'lanes' | 'rules'>;
  now?: () => number;
}

/** `GET /api/summary?date=`: the day's figures for the summary page (counts only, no names). */
export function summaryRoutes(deps: SummaryRouteDeps): Router {
  const routes = guardedRouter();
  routes.get('/api/summary', 'reports:read', (req, res) => {
    const q = parseRequest(query, req.query, 'query');
    const now = new Date(deps.now?.() ?? Date.now());
    const date = q.date ?? zonedMoment(now, deps.config.school.timezone).date;
    res.set('Cache-Control', 'no-store');
    res.json(buildDailySummary(deps.db, deps.config, date, now));
  });
  return routes.router;
}

import express, { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { HttpError, parseRequest } from '../http/errors.ts';
import { districtPage } from './district-page.ts';
import { answerDirectReport, districtDay } from './district-queries.ts';

const dayQuery = z.object({ date: z.iso.date().optional() });
const answerBody = z.object({
  schoolId: z.string().min(1),
  recordId: z.string().min(1),
  by: z.string().max(64).optional(),
});

/**
 * The district view: `GET /` (the page), `GET /v1/district/day?date=` (the same as JSON) and
 * `POST /district/direct-reports/answer` (a direct report has been taken up).
 */
export function districtRoutes(pool: Pool, timeZone: string): Router {
  const router = Router();
  const dateOf = (q: unknown) =>
    parseRequest(dayQuery, q, 'query').date ?? zonedMoment(new Date(), timeZone).date;
  router.get('/', async (req, res) => {
    const day = await districtDay(pool, dateOf(req.query));
    res.type('html').send(districtPage(day, timeZone));
  });
  router.get('/v1/district/day', async (req, res) => {
    res.json(await districtDay(pool, dateOf(req.query)));
  });
  router.post(
    '/district/direct-reports/answer',
    express.urlencoded({ extended: false, limit: '8kb' }),
    express.json({ limit: '8kb' }),
    async (req, res) => {
      const body = parseRequest(answerBody, req.body ?? {}, 'body');
      const by = body.by?.trim() || null;
      if (!(await answerDirectReport(pool, body.schoolId, body.recordId, by))) {
        throw new HttpError(404, 'not_found', {
          zh: `学校 ${body.schoolId} 没有未回复的直报 ${body.recordId}`,
          en: `no unanswered direct report ${body.recordId} of school ${body.schoolId}`,
        });
      }
      if (req.is('application/x-www-form-urlencoded')) res.redirect(303, '/');
      else res.json({ schoolId: body.schoolId, recordId: body.recordId, answered: true });
    },
  );
  return router;
}

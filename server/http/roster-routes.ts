import express, { type Router } from 'express';
import { z } from 'zod';
import type { Person } from '../../kiosk/identities/person.ts';
import { importRoster } from '../../kiosk/identities/roster-import.ts';
import { rosterFormatOf } from '../../kiosk/identities/roster-read.ts';
import { rosterFailure } from '../../kiosk/identities/roster-sync.ts';
import type { PeopleStore } from '../../kiosk/store/people.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { HttpError, parseRequest } from './errors.ts';

const MAX_ROSTER_BYTES = '10mb';

const query = z
  .object({
    dryRun: z.enum(['true', 'false'], { error: 'true or false' }).optional(),
    filename: z
      .string({ error: "the uploaded file's name, ending .xlsx or .csv" })
      .refine((name) => rosterFormatOf(name) !== null, 'a roster is an .xlsx or .csv file'),
  })
  .strict();

/**
 * `POST /api/roster/import?dryRun=&filename=` with the file's bytes as the body: a dry run answers
 * what would change; a real import replaces the roster (all rows or none) and hands the new roster
 * to `onImported`, so the lanes know it at once.
 */
export function rosterRoutes(
  people: PeopleStore,
  timeZone: string,
  onImported: (current: Person[]) => void,
): Router {
  const routes = guardedRouter();
  routes.post(
    '/api/roster/import',
    'roster:import',
    express.raw({ type: () => true, limit: MAX_ROSTER_BYTES }),
    async (req, res) => {
      const q = parseRequest(query, req.query, 'query');
      if (req.is('multipart/form-data') || req.is('application/x-www-form-urlencoded')) {
        throw new HttpError(400, 'invalid_request', 'send the file itself as the request body, not a form', [
          { field: 'body', message: 'the raw bytes of the .xlsx or .csv file' },
        ]);
      }
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new HttpError(400, 'invalid_request', 'the request has no file in its body', [
          { field: 'body', message: 'the raw bytes of the .xlsx or .csv file' },
        ]);
      }
      const dryRun = q.dryRun === 'true';
      const outcome = await importRoster(people, {
        bytes: body,
        source: `upload:${q.filename}`,
        timeZone,
        dryRun,
      });
      if (!outcome.ok) {
        const failure = rosterFailure(q.filename, outcome.errors);
        throw new HttpError(422, 'invalid_roster', failure.message, outcome.errors);
      }
      if (!dryRun) onImported(people.current());
      res.json(outcome.report);
    },
  );
  return routes.router;
}

import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { z } from 'zod';
import type { Person } from '../../kiosk/identities/person.ts';
import { auditRosterRefusal, importRoster } from '../../kiosk/identities/roster-import.ts';
import {
  defaultRosterLimits,
  fileTooLarge,
  MAX_ROSTER_FILE_MB,
  type RosterLimits,
} from '../../kiosk/identities/roster-limits.ts';
import { rosterFormatOf } from '../../kiosk/identities/roster-read.ts';
import { rosterFailure } from '../../kiosk/identities/roster-sync.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { PeopleStore } from '../../kiosk/store/people.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { principalOf } from '../auth/http-guard.ts';
import { actorName } from '../auth/principal.ts';
import { HttpError, parseRequest, said } from './errors.ts';

const query = z
  .object({
    dryRun: z.enum(['true', 'false'], { error: said('只能是 true 或 false', 'true or false') }).optional(),
    filename: z
      .string({
        error: said(
          '缺少上传文件的文件名（.xlsx 或 .csv）',
          "the uploaded file's name, ending .xlsx or .csv",
        ),
      })
      .refine(
        (name) => rosterFormatOf(name) !== null,
        said('名单文件须为 .xlsx 或 .csv', 'a roster is an .xlsx or .csv file'),
      ),
  })
  .strict();

const FILE_BODY = [
  {
    field: 'body',
    message: 'the raw bytes of the .xlsx or .csv file',
    zh: '名单文件本身（.xlsx 或 .csv）',
    en: 'the raw bytes of the .xlsx or .csv file',
  },
];

/** A refusal in both languages: `message` is the English, as in every other error answer. */
function refuse(
  res: Response,
  status: number,
  code: string,
  text: { zh: string; en: string },
  more: object = {},
): void {
  res.status(status).json({ error: { code, message: text.en, zh: text.zh, en: text.en, ...more } });
}

/**
 * `POST /api/roster/import?dryRun=&filename=` with the file's bytes as the body: a dry run answers
 * what would change; a real import replaces the roster (all rows or none) and hands the new roster
 * to `onImported`, so the lanes know it at once. The file is read in a worker thread, one at a
 * time; a file past `limits` is refused with 413 naming the bound. Every attempt, refused ones too,
 * goes into the audit log with who made it.
 */
export function rosterRoutes(
  people: PeopleStore,
  timeZone: string,
  onImported: (current: Person[]) => void,
  opts: { audit: AuditLog; limits?: RosterLimits },
): Router {
  const routes = guardedRouter();
  const limits = opts.limits ?? defaultRosterLimits;
  let reading = false;
  /** The request's own account of itself, for an entry about a request refused before it was read. */
  const attempt = (req: Request, res: Response) => ({
    actor: actorName(principalOf(res)),
    file: `upload:${typeof req.query.filename === 'string' ? req.query.filename.slice(0, 200) : ''}`,
    dryRun: req.query.dryRun === 'true',
  });
  routes.post(
    '/api/roster/import',
    'roster:import',
    express.raw({ type: () => true, limit: `${MAX_ROSTER_FILE_MB}mb` }),
    async (req: Request, res: Response) => {
      const { actor, file, dryRun } = attempt(req, res);
      let bytes: Buffer;
      let filename: string;
      try {
        const q = parseRequest(query, req.query, 'query');
        filename = q.filename;
        if (req.is('multipart/form-data') || req.is('application/x-www-form-urlencoded')) {
          throw new HttpError(
            400,
            'invalid_request',
            {
              zh: '请直接上传文件本身，不要用表单',
              en: 'send the file itself as the request body, not a form',
            },
            FILE_BODY,
          );
        }
        const body: unknown = req.body;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          throw new HttpError(
            400,
            'invalid_request',
            { zh: '请求中没有文件', en: 'the request has no file in its body' },
            FILE_BODY,
          );
        }
        bytes = body;
      } catch (err) {
        if (err instanceof HttpError)
          auditRosterRefusal(opts.audit, actor, { file, dryRun, reason: err.code, message: err.message });
        throw err;
      }
      if (reading) {
        const busy = {
          zh: '另一个名单文件正在读取，请稍后再试',
          en: 'another roster file is being read; try again when it is done',
        };
        auditRosterRefusal(opts.audit, actor, { file, dryRun, reason: 'busy', message: busy.en });
        refuse(res, 409, 'roster_busy', busy);
        return;
      }
      reading = true;
      let outcome: Awaited<ReturnType<typeof importRoster>>;
      try {
        outcome = await importRoster(
          { people, audit: opts.audit },
          { bytes, source: `upload:${filename}`, timeZone, dryRun, actor, limits },
        );
      } finally {
        reading = false;
      }
      if (!outcome.ok) {
        const r = outcome.refusal;
        if (r) {
          refuse(res, 413, 'roster_too_large', r, { limit: r.limit, max: r.max, details: outcome.errors });
          return;
        }
        const whole = outcome.errors.length === 1 && outcome.errors[0]?.row === 0 ? outcome.errors[0] : null;
        const said = whole
          ? {
              zh: `${filename}：文件无法读取，未导入（${whole.zh}）`,
              en: `${filename}: ${whole.en}; nothing imported`,
            }
          : {
              zh: `${filename}：名单中有 ${outcome.errors.length} 处错误，未导入任何人；请按行改正后再导入`,
              en: rosterFailure(filename, outcome.errors).message,
            };
        throw new HttpError(422, 'invalid_roster', said, outcome.errors);
      }
      if (!dryRun) onImported(people.current());
      res.json(outcome.report);
    },
    // A route's own error handler: the body over the limit is refused here, and audited.
    ((err: unknown, req: Request, res: Response, next: NextFunction) => {
      if ((err as { type?: string }).type !== 'entity.too.large') {
        next(err);
        return;
      }
      const { actor, file, dryRun } = attempt(req, res);
      auditRosterRefusal(opts.audit, actor, { file, dryRun, reason: 'too_large', message: fileTooLarge.en });
      refuse(res, 413, 'too_large', fileTooLarge, { limit: 'upload', max: MAX_ROSTER_FILE_MB });
    }) as unknown as RequestHandler,
  );
  return routes.router;
}

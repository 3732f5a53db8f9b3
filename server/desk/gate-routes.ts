import type { Request, Router } from 'express';
import { z } from 'zod';
import type { ChangeFeed, ChangePage } from '../../kiosk/desk/change-feed.ts';
import type { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { MAX_RECORDS_PER_BATCH } from '../collector/record-rules.ts';
import { HttpError, parseRequest } from '../http/errors.ts';
import type { GateIntake, IntakeResult } from './gate-intake.ts';

export interface GateRoutesOptions {
  schoolId: string;
  gates: GateRegistry;
  intake: GateIntake;
  feed: ChangeFeed;
  /** A batch was taken in (to tell the nurse console, the absences and the uploader). */
  onIntake(result: IntakeResult, gateId: string): void;
  now: () => number;
  /** How often a waiting pull looks for changes (and checks its token again). */
  pollMs?: number;
}

/** The longest a pull is held open when there is nothing new. */
export const MAX_WAIT_MS = 25_000;

const batch = z.object({
  schoolId: z.string().min(1).max(64),
  kioskId: z.string().min(1).max(128),
  batchId: z.string().min(1).max(128),
  records: z.array(z.looseObject({ id: z.string().min(1).max(128) })).max(MAX_RECORDS_PER_BATCH),
});

const pull = z.object({
  after: z.coerce.number().int().min(0).default(0),
  waitMs: z.coerce.number().int().min(0).max(MAX_WAIT_MS).default(0),
  kioskId: z.string().min(1).max(128),
});

const unauthorized = () =>
  new HttpError(401, 'unauthorized', {
    zh: '大门令牌无效或已吊销：请在总台用 gate add 重新添加这个大门',
    en: 'the gate token is unknown or revoked: add the gate again on the desk with gate add',
  });

/**
 * What a gate may do on its desk, and nothing else: `POST /v1/gate/batches` (its records, the
 * district's protocol), `GET /v1/gate/changes` (the roster and people's states, by cursor, held
 * open while nothing changes) and `GET /v1/gate/whoami`. Both take the gate's token (`Authorization: Bearer …`), looked up on
 * every request and on every look of a waiting pull, so a revoked gate is cut off within a second.
 * The routes are public to the kiosk's session guard: the token is their access.
 */
export function gateRoutes(opts: GateRoutesOptions): Router {
  const routes = guardedRouter();
  const pollMs = opts.pollMs ?? 200;
  const gateOf = (req: Request) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    return token ? opts.gates.verify(token) : null;
  };

  routes.post('/v1/gate/batches', 'public', (req, res) => {
    const gate = gateOf(req);
    if (!gate) throw unauthorized();
    const body = parseRequest(batch, req.body, 'batch');
    if (body.schoolId !== opts.schoolId) {
      throw new HttpError(403, 'wrong_school', {
        zh: `这个总台属于学校 ${opts.schoolId}，不收学校 ${body.schoolId} 的记录`,
        en: `this desk is school ${opts.schoolId}'s; it takes no records of school ${body.schoolId}`,
      });
    }
    if (body.records.length === 0) {
      opts.gates.drained(gate.id, body.kioskId, new Date(opts.now()));
      res.json({ accepted: [], duplicate: [], rejected: [] });
      return;
    }
    opts.gates.seen(gate.id, body.kioskId, new Date(opts.now()));
    const result = opts.intake.take(gate.id, body.kioskId, body.records);
    opts.onIntake(result, gate.id);
    res.json(result.answer);
  });

  /** Who the token names: for `gate-kiosk doctor` on a gate. Sends nothing, marks nothing. */
  routes.get('/v1/gate/whoami', 'public', (req, res) => {
    const gate = gateOf(req);
    if (!gate) throw unauthorized();
    res.json({ gate, schoolId: opts.schoolId });
  });

  routes.get('/v1/gate/changes', 'public', async (req, res) => {
    let gate = gateOf(req);
    if (!gate) throw unauthorized();
    const q = parseRequest(pull, req.query, 'query');
    opts.gates.seen(gate.id, q.kioskId, new Date(opts.now()));
    const deadline = Date.now() + q.waitMs;
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    let page: ChangePage = opts.feed.page(q.after);
    while (page.changes.length === 0 && page.next === q.after && Date.now() < deadline && !closed) {
      await new Promise((r) => setTimeout(r, pollMs));
      gate = gateOf(req);
      if (!gate) throw unauthorized();
      page = opts.feed.page(q.after);
    }
    if (closed) return;
    res.json(page);
  });

  return routes.router;
}

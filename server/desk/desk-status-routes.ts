import type { Router } from 'express';
import { z } from 'zod';
import type { SessionConfig } from '../../kiosk/config/schema.ts';
import { absenceCompleteness } from '../../kiosk/desk/absence-completeness.ts';
import type { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import type { DeskPull } from '../../kiosk/desk/state-pull.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { localDateParam } from '../http/absences-routes.ts';
import { HttpError, parseRequest } from '../http/errors.ts';

const completenessQuery = z
  .object({ date: localDateParam.optional(), session: z.string().min(1).max(32).optional() })
  .strict();

/**
 * `GET /api/desk`: this kiosk's part in the school. On a gate, its link to the desk (online, last
 * sync, cursor); on a desk, its gates with when each was last heard from and last had nothing left
 * to send. No tokens, no records.
 */
export function deskStatusRoutes(
  source:
    | { gates: GateRegistry; sessions: readonly SessionConfig[]; timeZone: string; now: () => number }
    | { pull: DeskPull },
): Router {
  const routes = guardedRouter();
  if ('gates' in source) {
    /**
     * `GET /api/desk/absences?date=&session=`: whether that check's absence list is final, and the
     * gates it still waits for (the nurse console shows their lines above the list).
     */
    routes.get('/api/desk/absences', 'absences:read', (req, res) => {
      const q = parseRequest(completenessQuery, req.query, 'query');
      const now = new Date(source.now());
      const date = q.date ?? zonedMoment(now, source.timeZone).date;
      const sessions = q.session ? source.sessions.filter((s) => s.id === q.session) : source.sessions;
      if (q.session && sessions.length === 0) {
        throw new HttpError(404, 'not_found', {
          zh: `没有检测时段“${q.session}”`,
          en: `no session "${q.session}"`,
        });
      }
      const gates = source.gates.list();
      res.json(sessions.map((s) => absenceCompleteness(gates, s, date, source.timeZone, now)));
    });
  }
  routes.get('/api/desk', 'outbox:read', (_req, res) => {
    if ('pull' in source) {
      res.json({ role: 'gate', desk: source.pull.status() });
      return;
    }
    res.json({
      role: 'desk',
      gates: source.gates.list().map((g) => ({
        id: g.id,
        name: g.name,
        active: g.revokedAt === null,
        lastSeen: g.lastSeen,
        lastDrained: g.lastDrained,
        kiosks: g.kiosks,
      })),
    });
  });
  return routes.router;
}

import type { Router } from 'express';
import type { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import type { DeskPull } from '../../kiosk/desk/state-pull.ts';
import { guardedRouter } from '../auth/guarded-router.ts';

/**
 * `GET /api/desk`: this kiosk's part in the school. On a gate, its link to the desk (online, last
 * sync, cursor); on a desk, its gates with when each was last heard from and last had nothing left
 * to send. No tokens, no records.
 */
export function deskStatusRoutes(source: { gates: GateRegistry } | { pull: DeskPull }): Router {
  const routes = guardedRouter();
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

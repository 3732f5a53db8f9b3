import type { Permission } from '../../kiosk/auth/roles.ts';

/** `public`: anyone; `session`: any logged-in user; `loopback-or-token`: /metrics. */
export type Access = Permission | 'public' | 'session' | 'loopback-or-token';

/** Every HTTP route and who may use it, in one place; a route not listed needs a logged-in user. */
export const routeAccess: readonly { method: string; path: RegExp; access: Access }[] = [
  { method: 'GET', path: /^\/healthz$/, access: 'public' },
  { method: 'GET', path: /^\/metrics$/, access: 'loopback-or-token' },
  { method: '*', path: /^\/api\/session$/, access: 'public' },
  { method: 'GET', path: /^\/api\/lanes$/, access: 'lanes:read' },
  { method: 'GET', path: /^\/api\/lanes\/[^/]+\/calibration$/, access: 'devices:diagnose' },
  { method: 'POST', path: /^\/api\/lanes\/[^/]+\/calibration$/, access: 'devices:diagnose' },
  { method: 'GET', path: /^\/api\/screenings$/, access: 'screenings:read' },
  { method: 'POST', path: /^\/api\/sim\/lanes\/[^/]+\/arrivals$/, access: 'sim:drive' },
  { method: 'POST', path: /^\/api\/people\/[^/]+\/return-certificate$/, access: 'health:write' },
  { method: 'POST', path: /^\/api\/roster\/import$/, access: 'roster:import' },
  { method: 'GET', path: /^\/api\/outbox$/, access: 'outbox:read' },
  { method: 'GET', path: /^\/api\/outbox\/rejected$/, access: 'outbox:read' },
  { method: 'POST', path: /^\/api\/outbox\/rejected\/[^/]+\/retry$/, access: 'users:manage' },
  { method: 'GET', path: /^\/api\/audit$/, access: 'audit:read' },
  { method: 'GET', path: /^\/api\/cases(\/[^/]+)?$/, access: 'cases:read' },
  { method: 'POST', path: /^\/api\/cases\/[^/]+\/(rechecks|disposition)$/, access: 'cases:write' },
  { method: 'POST', path: /^\/api\/lanes\/[^/]+\/guard-actions$/, access: 'gate:act' },
  { method: 'GET', path: /^\/api\/guard-actions$/, access: 'gate:act' },
  { method: 'GET', path: /^\/api\/absences$/, access: 'absences:read' },
  { method: 'PUT', path: /^\/api\/absences\/[^/]+$/, access: 'absences:write' },
  { method: 'GET', path: /^\/api\/exports\/checks$/, access: 'reports:read' },
  { method: 'GET', path: /^\/api\/summary$/, access: 'reports:read' },
  // The pages themselves hold no data: what they show comes through the API and sockets.
  { method: 'GET', path: /^\/(|display|diag|admin|login|nurse|guard|summary)(\/.*)?$/, access: 'public' },
  { method: 'GET', path: /^\/favicon\.ico$/, access: 'public' },
];

export function accessFor(method: string, path: string): Access {
  for (const rule of routeAccess) {
    if (
      (rule.method === '*' || rule.method === method || (rule.method === 'GET' && method === 'HEAD')) &&
      rule.path.test(path)
    ) {
      return rule.access;
    }
  }
  return 'session';
}

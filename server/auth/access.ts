import { timingSafeEqual } from 'node:crypto';
import type { Express, Request } from 'express';
import type { Permission } from '../../kiosk/auth/roles.ts';
import { type Principal, type PrincipalSources, principalFrom } from './principal.ts';

/**
 * Who may use a route, named where the route is declared: a permission from the role table,
 * `public` (anyone: the login itself, health checks, the pages, which hold no data), or
 * `loopback-or-token` (`/metrics`: this machine, or a Prometheus server with the metrics token).
 * There is no "any logged-in user": every route names what it gives.
 */
export type Access = Permission | 'public' | 'loopback-or-token';

/** How the route guards learn who is asking. */
export interface AccessControl {
  /** The principal of an HTTP request; a person's request keeps their session alive. */
  principal(req: Request): Principal | null;
  /** `/metrics`: from this machine, or with the metrics token. */
  metricsAllowed(req: Request): boolean;
}

export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The kiosk's own access control: session cookies for people, loopback or the token for metrics. */
export function accessControl(sources: PrincipalSources, metricsToken: string | undefined): AccessControl {
  return {
    principal: (req) => principalFrom(sources, req.get('cookie'), undefined, { touch: true }),
    metricsAllowed: (req) => {
      if (isLoopback(req.socket.remoteAddress)) return true;
      const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      return Boolean(metricsToken && bearer && sameSecret(bearer, metricsToken));
    },
  };
}

const CONTROL = Symbol('gate-kiosk access control');

/** Hands the app's routes their access control; a route guard without one refuses everything. */
export function installAccessControl(app: Express, control: AccessControl): void {
  (app.locals as Record<symbol, unknown>)[CONTROL] = control;
}

export function accessControlOf(req: Request): AccessControl | null {
  return ((req.app?.locals as Record<symbol, unknown> | undefined)?.[CONTROL] as AccessControl) ?? null;
}

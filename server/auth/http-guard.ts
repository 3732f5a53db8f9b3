import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../http/errors.ts';
import { allows, type Principal, type PrincipalSources, principalFrom } from './principal.ts';
import { accessFor } from './route-permissions.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The principal the guard found for this request (set on every non-public route). */
export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}

/**
 * Every request answers to the route table: 401 without a session, 403 for the wrong role, and a
 * cookie-authenticated write must carry the session's `x-csrf-token`.
 */
export function httpGuard(sources: PrincipalSources, metricsToken: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const access = accessFor(req.method, req.path);
    if (access === 'public') {
      next();
      return;
    }
    if (access === 'loopback-or-token') {
      const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      if (
        isLoopback(req.socket.remoteAddress) ||
        (metricsToken && bearer && sameSecret(bearer, metricsToken))
      ) {
        next();
        return;
      }
      throw new HttpError(401, 'unauthenticated', 'metrics need the metrics token or a loopback address');
    }
    const principal = principalFrom(sources, req.get('cookie'), undefined);
    if (!principal) throw new HttpError(401, 'unauthenticated', 'log in first (POST /api/session)');
    res.locals.principal = principal;
    if (access !== 'session' && !allows(principal, access)) {
      const role = principal.kind === 'user' ? principal.session.user.role : 'display';
      throw new HttpError(403, 'forbidden', `the ${role} role may not ${req.method} ${req.path}`);
    }
    if (UNSAFE.has(req.method) && principal.kind === 'user') {
      const sent = req.get('x-csrf-token') ?? '';
      if (!sameSecret(sent, principal.session.csrfToken)) {
        throw new HttpError(
          403,
          'csrf',
          'missing or wrong x-csrf-token header (from POST or GET /api/session)',
        );
      }
    }
    next();
  };
}

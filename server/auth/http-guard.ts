import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http/errors.ts';
import { type Access, accessControlOf, sameSecret } from './access.ts';
import { allows, type Principal } from './principal.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ACCESS = Symbol('gate-kiosk route access');

/** The principal the route's guard found for this request (set on every route that needs a login). */
export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}

/** The access a route guard enforces, or undefined for any other handler. */
export function accessOfGuard(handler: unknown): Access | undefined {
  return typeof handler === 'function' ? (handler as { [ACCESS]?: Access })[ACCESS] : undefined;
}

/**
 * The first handler of every route: 401 without a session, 403 for the wrong role, and a
 * cookie-authenticated write must carry the session's `x-csrf-token`. API answers are never cached.
 */
export function routeGuard(access: Access): RequestHandler {
  const guard = (req: Request, res: Response, next: NextFunction): void => {
    res.set('Cache-Control', 'no-store');
    if (access === 'public') {
      next();
      return;
    }
    const control = accessControlOf(req);
    if (!control) throw new Error('route guard: the app has no access control installed');
    if (access === 'loopback-or-token') {
      if (control.metricsAllowed(req)) {
        next();
        return;
      }
      throw new HttpError(401, 'unauthenticated', {
        zh: '指标只对本机或持有指标令牌的请求开放',
        en: 'metrics need the metrics token or a loopback address',
      });
    }
    const principal = control.principal(req);
    if (!principal) {
      throw new HttpError(401, 'unauthenticated', {
        zh: '请先登录（POST /api/session）',
        en: 'log in first (POST /api/session)',
      });
    }
    res.locals.principal = principal;
    if (!allows(principal, access)) {
      const role = principal.kind === 'user' ? principal.session.user.role : 'display';
      throw new HttpError(403, 'forbidden', {
        zh: `${role} 角色无权 ${req.method} ${req.path}`,
        en: `the ${role} role may not ${req.method} ${req.path}`,
      });
    }
    if (UNSAFE.has(req.method) && principal.kind === 'user') {
      const sent = req.get('x-csrf-token') ?? '';
      if (!sameSecret(sent, principal.session.csrfToken)) {
        throw new HttpError(403, 'csrf', {
          zh: '缺少或错误的 x-csrf-token 请求头（见 POST 或 GET /api/session）',
          en: 'missing or wrong x-csrf-token header (from POST or GET /api/session)',
        });
      }
    }
    next();
  };
  Object.defineProperty(guard, ACCESS, { value: access });
  return guard;
}

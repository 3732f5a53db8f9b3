import type { Router } from 'express';
import { z } from 'zod';
import { type LoginThrottle, loginKeys } from '../../kiosk/auth/login-throttle.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { SessionStore } from '../../kiosk/store/auth-sessions.ts';
import type { UserStore } from '../../kiosk/store/users.ts';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { isOwnHost } from '../auth/own-host.ts';
import { type PrincipalSources, principalFrom } from '../auth/principal.ts';
import { HttpError, parseRequest } from './errors.ts';

const login = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

export interface SessionRouteDeps {
  users: UserStore;
  sessions: SessionStore;
  sources: PrincipalSources;
  /** Per account: a few tries (counted apart at the kiosk's own machine). */
  throttle: LoginThrottle;
  /** Per address: more, since everyone at a shared office PC counts there. */
  addressThrottle: LoginThrottle;
  audit: AuditLog;
  secureCookie: boolean;
}

/** `POST /api/session` logs in, `GET` says who is logged in, `DELETE` logs out. */
export function sessionRoutes(deps: SessionRouteDeps): Router {
  const routes = guardedRouter();
  routes.post('/api/session', 'public', async (req, res) => {
    const { name, password } = parseRequest(login, req.body, 'body');
    const from = req.socket.remoteAddress ?? '?';
    const keys = loginKeys(name, from, isOwnHost(from));
    const waitMs = Math.max(deps.throttle.waitMs(keys.account), deps.addressThrottle.waitMs(keys.address));
    if (waitMs > 0) {
      const s = Math.ceil(waitMs / 1000);
      res.set('Retry-After', String(s));
      const text = {
        zh: `登录失败次数过多，请 ${s} 秒后再试`,
        en: `too many failed logins: try again in ${s} s`,
      };
      throw new HttpError(429, 'too_many_attempts', text, { retryAfterS: s, ...text });
    }
    // Counted before the slow check, so tries sent at once get no more than tries sent in turn.
    deps.throttle.begin(keys.account);
    deps.addressThrottle.begin(keys.address);
    const user = await deps.users.check(name, password);
    if (!user) {
      deps.audit.append(name, 'login_failed', { address: req.socket.remoteAddress ?? null });
      throw new HttpError(401, 'invalid_login', {
        zh: '用户名或密码不对',
        en: 'wrong name or password',
      });
    }
    for (const key of keys.account) deps.throttle.succeeded(key);
    for (const key of keys.address) deps.addressThrottle.refund(key);
    const { token, csrfToken } = deps.sessions.create(user);
    deps.audit.append(user.name, 'login', { address: req.socket.remoteAddress ?? null });
    res.set('Set-Cookie', sessionCookie(token, deps.secureCookie));
    res.json({ user: { name: user.name, role: user.role }, csrfToken });
  });
  routes.get('/api/session', 'public', (req, res) => {
    const p = principalFrom(deps.sources, req.get('cookie'), undefined, { touch: true });
    if (p?.kind !== 'user') {
      throw new HttpError(401, 'unauthenticated', { zh: '尚未登录', en: 'not logged in' });
    }
    res.json({
      user: { name: p.session.user.name, role: p.session.user.role },
      csrfToken: p.session.csrfToken,
    });
  });
  routes.delete('/api/session', 'public', (req, res) => {
    const p = principalFrom(deps.sources, req.get('cookie'), undefined, { touch: true });
    if (p?.kind === 'user') {
      if (req.get('x-csrf-token') !== p.session.csrfToken)
        throw new HttpError(403, 'csrf', {
          zh: '页面已过期（安全令牌不符）：请刷新页面',
          en: 'missing or wrong x-csrf-token',
        });
      deps.sessions.end(p.token);
      deps.audit.append(p.session.user.name, 'logout');
    }
    res.set('Set-Cookie', clearedSessionCookie(deps.secureCookie));
    res.status(204).end();
  });
  return routes.router;
}

import type { Permission } from '../../kiosk/auth/roles.ts';
import { can } from '../../kiosk/auth/roles.ts';
import type { AuthSession, SessionStore } from '../../kiosk/store/auth-sessions.ts';
import type { DisplayToken, DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import { parseCookies, SESSION_COOKIE } from './cookies.ts';

/** Who is asking: a logged-in user (by session cookie), or a paired gate display (by token). */
export type Principal =
  | { kind: 'user'; session: AuthSession; token: string }
  | { kind: 'display'; display: DisplayToken };

export interface PrincipalSources {
  sessions: SessionStore;
  displays: DisplayTokenStore;
}

/**
 * `touch`: whether this counts as the person using the kiosk (their HTTP requests), which keeps the
 * session alive; a page's open socket being checked again does not.
 */
export function principalFrom(
  sources: PrincipalSources,
  cookieHeader: string | undefined,
  displayToken: string | undefined,
  opts: { touch: boolean },
): Principal | null {
  const token = parseCookies(cookieHeader).get(SESSION_COOKIE);
  if (token) {
    const session = opts.touch ? sources.sessions.use(token) : sources.sessions.peek(token);
    if (session) return { kind: 'user', session, token };
  }
  if (displayToken) {
    const display = sources.displays.verify(displayToken);
    if (display) return { kind: 'display', display };
  }
  return null;
}

/** A display token may only read the gate display; a user what their role grants. */
export function allows(principal: Principal, permission: Permission): boolean {
  if (principal.kind === 'display') return permission === 'display:read';
  return can(principal.session.user.role, permission);
}

export function actorName(principal: Principal | null): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'user' ? principal.session.user.name : `display:${principal.display.id}`;
}

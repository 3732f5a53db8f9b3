// Who is logged in, for the pages that need a person: a page awaits `requireSession()` before it
// does anything else, sends `csrfHeaders(session)` with every write, and shows `userBar(session)`
// in its top bar. The session itself is an HttpOnly cookie the page never sees.
//
// The bar's classes, for each page's own stylesheet: `.session-bar` (with `data-role`),
// `.session-user`, `.session-name`, `.session-role` (`.zh` and `.en` inside), `.session-logout`,
// `.session-error`. While the session is checked, `<html>` carries `data-session="checking"`
// (a page may hide its content until it reads `ready`).

export const ROLES = ['guard', 'nurse', 'admin', 'maintenance'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionUser {
  name: string;
  role: Role;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  guard: { zh: '门卫', en: 'guard' },
  nurse: { zh: '校医', en: 'nurse' },
  admin: { zh: '管理员', en: 'admin' },
  maintenance: { zh: '设备维护', en: 'maintenance' },
};

/** Where each role starts after logging in. */
export const ROLE_HOME: Record<Role, string> = {
  admin: '/admin/',
  nurse: '/nurse/',
  guard: '/guard/',
  maintenance: '/diag/',
};

export const LOGIN_PATH = '/login/';

const MAX_NEXT_LENGTH = 2048;
/** Between tries while the kiosk does not answer. */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body of `POST` or `GET /api/session`, or null when it is not one. */
export function parseSession(body: unknown): Session | null {
  if (!isRecord(body) || !isRecord(body.user) || typeof body.csrfToken !== 'string') return null;
  const { name, role } = body.user;
  if (typeof name !== 'string' || !isRole(role) || body.csrfToken === '') return null;
  return { user: { name, role }, csrfToken: body.csrfToken };
}

/**
 * A `next` to go to after logging in, when it is a path on this kiosk: never another site
 * (`https://…`, `//host`, `/\host`, `javascript:`), never the login page itself.
 */
export function safeNext(raw: string | null | undefined, origin = window.location.origin): string | null {
  if (!raw || raw.length > MAX_NEXT_LENGTH) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  // Browsers read a backslash as a slash and drop tabs and newlines inside URLs.
  for (const c of raw) {
    const code = c.charCodeAt(0);
    if (c === '\\' || code < 0x20 || code === 0x7f) return null;
  }
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  if (url.pathname === '/login' || url.pathname.startsWith(LOGIN_PATH)) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/login/?next=/diag/`, optionally naming the roles the page needs. */
export function loginUrl(next: string | null, need: readonly Role[] = []): string {
  const query = new URLSearchParams();
  const safe = safeNext(next);
  if (safe) query.set('next', safe);
  if (need.length > 0) query.set('need', need.join(','));
  const q = query.toString();
  return q ? `${LOGIN_PATH}?${q}` : LOGIN_PATH;
}

function thisPage(): string {
  const { pathname, search, hash } = window.location;
  return `${pathname}${search}${hash}`;
}

/** Leaves for the login page, which brings the person back here afterwards. */
/** Set while this page logs out: the socket that the logout cuts off does not send it to log in first. */
let loggingOut = false;

export function toLogin(need: readonly Role[] = []): void {
  if (loggingOut) return;
  window.location.replace(loginUrl(thisPage(), need));
}

/** A promise that never settles: the page is navigating away. */
const leaving = <T>(): Promise<T> => new Promise<T>(() => {});

/** `GET /api/session`: the session, `null` when not logged in; throws when the kiosk does not answer. */
export async function fetchSession(): Promise<Session | null> {
  const res = await fetch('/api/session', {
    headers: { accept: 'application/json' },
    cache: 'no-store',
  });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`GET /api/session: HTTP ${res.status}`);
  const session = parseSession(await res.json().catch(() => null));
  if (!session) throw new Error('GET /api/session: an answer this page does not understand');
  return session;
}

/**
 * The logged-in user, for a page that needs one: without a session the page goes to the login page
 * (and comes back after it); with the wrong role to the login page saying which roles it needs.
 * While the kiosk does not answer it keeps asking.
 */
export async function requireSession(roles?: readonly Role[]): Promise<Session> {
  document.documentElement.dataset.session = 'checking';
  for (let attempt = 0; ; attempt++) {
    let session: Session | null;
    try {
      session = await fetchSession();
    } catch (err) {
      const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 10_000;
      console.warn(`session: could not ask the kiosk, trying again in ${wait / 1000} s`, err);
      await new Promise((resolve) => window.setTimeout(resolve, wait));
      continue;
    }
    if (!session) {
      toLogin();
      return leaving();
    }
    if (roles && roles.length > 0 && !roles.includes(session.user.role)) {
      toLogin(roles);
      return leaving();
    }
    document.documentElement.dataset.session = 'ready';
    return session;
  }
}

/** The header a cookie-authenticated write must carry. */
export function csrfHeaders(session: Session): Record<string, string> {
  return { 'x-csrf-token': session.csrfToken };
}

/**
 * `fetch` for a logged-in page: writes carry the CSRF token, and an answer of 401 (the session
 * ended, e.g. after the idle timeout) sends the person to the login page.
 */
export async function sessionFetch(
  session: Session,
  input: string,
  init: RequestInit = {},
): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (method !== 'GET' && method !== 'HEAD') headers.set('x-csrf-token', session.csrfToken);
  const res = await fetch(input, { ...init, headers });
  if (res.status === 401) toLogin();
  return res;
}

async function deleteSession(csrfToken: string): Promise<number> {
  const res = await fetch('/api/session', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken } });
  return res.status;
}

/**
 * Ends the session and opens the login page (or `to`, a page of this kiosk). A token that no
 * longer matches (the cookie was replaced by a login in another tab) is read again once. Throws
 * when the kiosk does not answer.
 */
export async function logout(session: Session, to = `${LOGIN_PATH}?loggedOut=1`): Promise<void> {
  loggingOut = true;
  let status: number;
  try {
    status = await deleteSession(session.csrfToken);
    if (status === 403) {
      const now = await fetchSession();
      status = now ? await deleteSession(now.csrfToken) : 204;
    }
  } catch (err) {
    loggingOut = false;
    throw err;
  }
  if (status !== 204) {
    loggingOut = false;
    throw new Error(`the kiosk answered HTTP ${status}`);
  }
  const url = new URL(to, window.location.origin);
  window.location.replace(url.origin === window.location.origin ? url.href : LOGIN_PATH);
}

function span(className: string, text: string): HTMLSpanElement {
  const node = document.createElement('span');
  node.className = className;
  node.textContent = text;
  return node;
}

/** Who is logged in, and a logout button: `张老师 管理员 admin [退出 Log out]`. */
export function userBar(session: Session): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'session-bar';
  bar.dataset.role = session.user.role;

  const user = span('session-user', '');
  const role = span('session-role', '');
  const label = ROLE_LABELS[session.user.role];
  role.append(span('zh', label.zh), ' ', span('en', label.en));
  const name = span('session-name', session.user.name);
  name.title = session.user.name;
  user.append(name, ' ', role);

  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'session-logout';
  button.append(span('zh', '退出登录'), ' ', span('en', 'Log out'));

  const error = span('session-error', '');
  error.setAttribute('role', 'alert');
  error.hidden = true;

  button.addEventListener('click', async () => {
    button.disabled = true;
    error.hidden = true;
    try {
      await logout(session);
    } catch (err) {
      error.textContent = `退出失败 · Could not log out: ${err instanceof Error ? err.message : String(err)}`;
      error.hidden = false;
      button.disabled = false;
    }
  });
  bar.append(user, button, error);
  return bar;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import type { Role } from '../../kiosk/auth/roles.ts';
import { UserStore } from '../../kiosk/store/users.ts';
import { type RunningKiosk, type StartOptions, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';

export const TEST_CONFIG = 'fixtures/config/test.yaml';

export function tempDir(prefix = 'gk-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestSession {
  /** The `gk_session` cookie value. */
  token: string;
  csrfToken: string;
}

/** Logged-in sessions by kiosk origin: the helpers below send them with every request. */
const sessions = new Map<string, TestSession>();

export function sessionFor(url: string): TestSession | undefined {
  return sessions.get(new URL(url).origin);
}

function authHeaders(url: string): Record<string, string> {
  const s = sessionFor(url);
  return s ? { cookie: `gk_session=${s.token}`, 'x-csrf-token': s.csrfToken } : {};
}

/** Adds an account and logs it in; returns the session (also remembered for this kiosk). */
export async function loginAs(kiosk: RunningKiosk, name: string, role: Role): Promise<TestSession> {
  const password = `${name}-password-long`;
  const users = new UserStore(kiosk.db);
  if (!users.byName(name)) await users.add(name, role, password);
  const res = await fetch(`${kiosk.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (!res.ok) throw new Error(`login as ${name}: ${res.status} ${await res.text()}`);
  const token = /gk_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  if (!token) throw new Error('no session cookie');
  const session = { token, csrfToken };
  sessions.set(new URL(kiosk.url).origin, session);
  return session;
}

/** A kiosk on the test config, a temporary data dir and a free port, with an admin logged in. */
export async function startTestKiosk(
  dataDir: string,
  over: Partial<StartOptions> = {},
): Promise<RunningKiosk> {
  const kiosk = await startKiosk({
    configPath: TEST_CONFIG,
    dataDir,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger('silent'),
    ...over,
  });
  await loginAs(kiosk, 'test-admin', 'admin');
  return kiosk;
}

/**
 * A kiosk on the test config (or `over`) in a fresh data folder with a display client connected,
 * started before the suite's tests and stopped after them. Read its fields inside tests.
 */
export function kioskWithDisplay(
  prefix: string,
  over: Partial<StartOptions> = {},
): { kiosk: RunningKiosk; display: DisplayClient } {
  const dir = tempDir(prefix);
  const running = {} as { kiosk: RunningKiosk; display: DisplayClient };
  beforeAll(async () => {
    running.kiosk = await startTestKiosk(dir.path, over);
    running.display = new DisplayClient(running.kiosk.url);
    await running.display.connected();
  });
  afterAll(async () => {
    running.display?.close();
    await running.kiosk?.stop();
    dir.remove();
  });
  return running;
}

/** A display client that records every event it receives. */
export class DisplayClient {
  readonly socket: Socket;
  readonly events: { name: string; data: unknown }[] = [];

  constructor(url: string) {
    this.socket = io(`${url}/display`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: authHeaders(url),
    });
    this.socket.onAny((name: string, data: unknown) => this.events.push({ name, data }));
  }

  async connected(): Promise<void> {
    if (this.socket.connected) return;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** How many events have arrived so far: pass it as `from` to wait only for later ones. */
  get mark(): number {
    return this.events.length;
  }

  /** Resolves with the first event (from `from` on, past or future) of that name matching the predicate. */
  waitFor<T>(name: string, match: (data: T) => boolean, timeoutMs = 10_000, from = 0): Promise<T> {
    const seen = this.events.slice(from).find((e) => e.name === name && match(e.data as T));
    if (seen) return Promise.resolve(seen.data as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.offAny(listener);
        reject(new Error(`no "${name}" event matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (event: string, data: unknown) => {
        if (event !== name || !match(data as T)) return;
        clearTimeout(timer);
        this.socket.offAny(listener);
        resolve(data as T);
      };
      this.socket.onAny(listener);
    });
  }

  close(): void {
    this.socket.close();
  }
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(url) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url, { headers: authHeaders(url) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls until `check` returns true. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `fetch` with the kiosk's logged-in session. */
export function authedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { ...authHeaders(url), ...(init.headers as Record<string, string>) },
  });
}

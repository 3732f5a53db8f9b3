import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../kiosk/auth/roles.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { loginAs, startTestKiosk, type TestSession, tempDir } from '../helpers/kiosk.ts';

type Who = Role | 'anonymous';
const who: Who[] = ['anonymous', 'guard', 'nurse', 'admin', 'maintenance'];

/** [method, path, body, roles allowed]: anonymous gets 401, any other role not listed 403. */
const table: [string, string, unknown, Role[]][] = [
  ['GET', '/api/lanes', undefined, ['guard', 'nurse', 'admin', 'maintenance']],
  ['GET', '/api/screenings', undefined, ['nurse', 'admin']],
  ['POST', '/api/sim/lanes/1/arrivals', { identity: 'S0001' }, ['admin', 'maintenance']],
  ['GET', '/api/lanes/1/calibration', undefined, ['admin', 'maintenance']],
  [
    'POST',
    '/api/people/S0001/return-certificate',
    { issuedAt: '2026-11-01T08:00:00+08:00' },
    ['nurse', 'admin'],
  ],
  ['GET', '/api/cases?status=open', undefined, ['nurse', 'admin']],
  ['POST', '/api/lanes/1/guard-actions', { screeningId: 'x', action: 'admit' }, ['guard', 'admin']],
];

describe('who may see and change what', () => {
  const dir = tempDir('gk-access-');
  let kiosk: RunningKiosk;
  const sessions = new Map<Who, TestSession | null>();

  const request = (method: string, path: string, as: Who, body?: unknown, csrf = true) => {
    const s = sessions.get(as);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (s) headers.cookie = `gk_session=${s.token}`;
    if (s && csrf) headers['x-csrf-token'] = s.csrfToken;
    return fetch(`${kiosk.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  };

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path);
    sessions.set('anonymous', null);
    for (const role of ['guard', 'nurse', 'admin', 'maintenance'] as const) {
      sessions.set(role, await loginAs(kiosk, `a-${role}`, role));
    }
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  for (const [method, path, body, allowed] of table) {
    for (const as of who) {
      const expected = as === 'anonymous' ? 401 : allowed.includes(as) ? 'allowed' : 403;
      it(`${method} ${path} as ${as}: ${expected}`, async () => {
        const res = await request(method, path, as, body);
        if (expected === 'allowed') expect([401, 403]).not.toContain(res.status);
        else {
          expect(res.status).toBe(expected);
          expect(await res.json()).toMatchObject({
            error: { code: expected === 401 ? 'unauthenticated' : 'forbidden' },
          });
        }
      });
    }
  }

  it('keeps /healthz open and /metrics to loopback', async () => {
    expect((await request('GET', '/healthz', 'anonymous')).status).toBe(200);
    expect((await request('GET', '/metrics', 'anonymous')).status).toBe(200);
  });

  it('refuses a cookie-authenticated write without its CSRF token', async () => {
    const res = await request('POST', '/api/sim/lanes/1/arrivals', 'admin', { identity: 'S0001' }, false);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'csrf' } });
  });

  it('says who is logged in, and logs out', async () => {
    const nurse = await loginAs(kiosk, 'a-nurse-2', 'nurse');
    const headers = { cookie: `gk_session=${nurse.token}` };
    expect(await (await fetch(`${kiosk.url}/api/session`, { headers })).json()).toMatchObject({
      user: { name: 'a-nurse-2', role: 'nurse' },
    });
    const out = await fetch(`${kiosk.url}/api/session`, {
      method: 'DELETE',
      headers: { ...headers, 'x-csrf-token': nurse.csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${kiosk.url}/api/session`, { headers })).status).toBe(401);
  });

  it('slows password guessing per account and tells when to try again', async () => {
    const attempt = (password: string) =>
      fetch(`${kiosk.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'a-guard', password }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-password')).status).toBe(401);
    const locked = await attempt('a-guard-password-long');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await locked.json()).toMatchObject({
      error: { message: expect.stringMatching(/try again in \d+ s/) },
    });
  });

  it('writes audit rows for reading health data and recording a certificate', async () => {
    await request('GET', '/api/screenings', 'nurse');
    const entries = new AuditLog(kiosk.db).list();
    expect(entries.map((e) => [e.actor, e.action])).toEqual(
      expect.arrayContaining([
        ['a-nurse', 'read_screenings'],
        ['a-nurse', 'record_return_certificate'],
        ['a-guard', 'login_failed'],
      ]),
    );
    expect(() => kiosk.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });

  describe('socket namespaces', () => {
    const connect = (ns: string, opts: { as?: Who; token?: string }) =>
      new Promise<{ ok: boolean; error?: string; socket: Socket; lanes: Promise<{ id: string }[]> }>(
        (resolve) => {
          const s = opts.as ? sessions.get(opts.as) : null;
          const socket = io(`${kiosk.url}${ns}`, {
            transports: ['websocket'],
            reconnection: false,
            // A connection of its own: one shared with an earlier socket would carry that one's cookie.
            forceNew: true,
            ...(s ? { extraHeaders: { cookie: `gk_session=${s.token}` } } : {}),
            ...(opts.token ? { auth: { token: opts.token } } : {}),
          });
          const lanes = new Promise<{ id: string }[]>((r) => socket.once('lanes', r));
          socket.once('connect', () => resolve({ ok: true, socket, lanes }));
          socket.once('connect_error', (err) => resolve({ ok: false, error: err.message, socket, lanes }));
        },
      );

    it.each([
      ['/display', 'guard', true],
      ['/display', 'nurse', true],
      ['/display', 'maintenance', false],
      ['/display', 'anonymous', false],
      ['/diag', 'maintenance', true],
      ['/diag', 'admin', true],
      ['/diag', 'guard', false],
      ['/diag', 'nurse', false],
    ] as const)('%s as %s: %s', async (ns, as, ok) => {
      const result = await connect(ns, { as });
      expect([result.ok, result.error]).toEqual([ok, ok ? undefined : expect.any(String)]);
      result.socket.close();
    });

    it('pairs a display for some lanes only, and drops it when revoked', async () => {
      const tokens = new DisplayTokenStore(kiosk.db);
      const { display, token } = tokens.add('north gate', ['2']);
      const result = await connect('/display', { token });
      expect(result.ok).toBe(true);
      const lanes = await result.lanes;
      expect(lanes.map((l) => l.id)).toEqual(['2']);
      expect((await connect('/diag', { token })).ok).toBe(false);
      tokens.revoke(display.id);
      expect((await connect('/display', { token })).ok).toBe(false);
      result.socket.close();
    });
  });
});

// Every route the kiosk serves, taken from its own router, tried in every spelling (trailing slash,
// upper and mixed case, percent-encoded letters, doubled slashes, dot segments) by every role and a
// paired display: no spelling reaches anything the role table does not allow, and only the exact
// spelling reaches a route at all. The socket namespaces are tried the same way by name.
import { Manager } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Permission, type Role } from '../../kiosk/auth/roles.ts';
import { DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { loginAs, type TestSession, tempDir } from '../helpers/kiosk.ts';
import { inParallel, type RawAnswer, rawRequest } from '../helpers/raw-http.ts';
import { type RouteEntry, routesOf } from '../helpers/routes.ts';
import { testConfigWith } from '../helpers/test-config.ts';

type Access = Permission | 'public' | 'loopback-or-token';
type Who = Role | 'anonymous' | 'display';
const everyone: Who[] = ['anonymous', 'display', 'guard', 'nurse', 'admin', 'maintenance'];

/** What each route gives, as the README's role table says; a route missing here fails the test. */
const expectedAccess: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /': 'public',
  'GET /diag': 'public',
  'GET /display': 'public',
  'GET /favicon.ico': 'public',
  'GET /metrics': 'loopback-or-token',
  'POST /api/session': 'public',
  'GET /api/session': 'public',
  'DELETE /api/session': 'public',
  'GET /api/lanes': 'lanes:read',
  'GET /api/lanes/:laneId/calibration': 'devices:diagnose',
  'POST /api/lanes/:laneId/calibration': 'devices:diagnose',
  'GET /api/screenings': 'screenings:read',
  'GET /api/outbox': 'outbox:read',
  'GET /api/outbox/rejected': 'outbox:read',
  'POST /api/outbox/rejected/:recordId/retry': 'users:manage',
  'POST /api/people/:id/return-certificate': 'health:write',
  'GET /api/cases': 'cases:read',
  'GET /api/cases/:id': 'cases:read',
  'POST /api/cases/:id/rechecks': 'cases:write',
  'POST /api/cases/:id/disposition': 'cases:write',
  'POST /api/lanes/:laneId/guard-actions': 'gate:act',
  'GET /api/guard-actions': 'gate:act',
  'GET /api/absences': 'absences:read',
  'PUT /api/absences/:id': 'absences:write',
  'GET /api/exports/checks': 'reports:read',
  'GET /api/summary': 'reports:read',
  'POST /api/sim/lanes/:laneId/arrivals': 'sim:drive',
  'POST /api/roster/import': 'roster:import',
  'GET /api/desk': 'outbox:read',
  'GET /api/desk/absences': 'absences:read',
  // A school desk's gates: no session, the gate's token instead (checked by the routes themselves).
  'POST /v1/gate/batches': 'public',
  'GET /v1/gate/changes': 'public',
  'GET /v1/gate/whoami': 'public',
};

const sampleParams: Record<string, string> = {
  laneId: '1',
  id: 'S0001',
  recordId: 'rec-1',
};

const bodies: Record<string, unknown> = {
  'POST /api/session': {},
  'POST /api/lanes/:laneId/calibration': { points: [] },
  'POST /api/people/:id/return-certificate': { issuedAt: '2026-11-01T08:00:00+08:00' },
  'POST /api/cases/:id/rechecks': { temperatureC: 36.5, method: 'oral', symptoms: [] },
  'POST /api/cases/:id/disposition': { disposition: 'returned_to_class' },
  'POST /api/lanes/:laneId/guard-actions': { action: 'measure_again', screeningId: 'x' },
  'PUT /api/absences/:id': { reason: 'personal' },
  'POST /api/sim/lanes/:laneId/arrivals': { temperatureC: 36.5 },
  'POST /api/roster/import': {},
};

const fill = (pattern: string) => pattern.replace(/:(\w+)/g, (_m, name: string) => sampleParams[name] ?? 'x');
const isParam = (segment: string) => segment.startsWith(':');
const hex = (c: string) => c.charCodeAt(0).toString(16);

/**
 * Spellings of a route's path that are not the path: none may reach a route. Each changes the
 * fixed part (the route's own words), never only a parameter's value.
 */
function misspellings(pattern: string): string[] {
  const segments = pattern.split('/').slice(1);
  const path = fill(pattern);
  const join = (parts: string[]) => `/${parts.join('/')}`;
  const fixed = segments.map((s, i) => (isParam(s) ? -1 : i)).filter((i) => i >= 0 && segments[i] !== '');
  const out = new Set<string>([
    `${path}/`,
    `${path}//`,
    path.toUpperCase(),
    join(segments.map((s) => (isParam(s) ? fill(s) : s.charAt(0).toUpperCase() + s.slice(1)))),
    join(
      segments.map((s) =>
        isParam(s)
          ? fill(s)
          : [...s].map((c, i) => (i % 2 === 1 ? c.toUpperCase() : c.toLowerCase())).join(''),
      ),
    ),
    `/${path}`,
    path.replace(/\/([^/]*)$/, '//$1'),
    path.replace(/\/([^/]*)$/, '/./$1'),
    path.replace(/\/([^/]*)$/, '/x/../$1'),
  ]);
  if (segments.length > 1) out.add(path.replace(/\/([^/]*)$/, '%2F$1'));
  // Added to the last word, unless that word is a parameter's value.
  if (!isParam(segments.at(-1) ?? ':')) {
    for (const tail of ['%2F', '%20', '.', '%00', ';x']) out.add(`${path}${tail}`);
  }
  for (const i of fixed) {
    const s = segments[i] as string;
    const letter = [...s].findIndex((c) => /[a-z]/i.test(c));
    if (letter < 0) continue;
    for (const encoded of [`%${hex(s[letter] as string)}`, `%${hex(s[letter] as string).toUpperCase()}`]) {
      const parts = segments.map((x) => (isParam(x) ? fill(x) : x));
      parts[i] = s.slice(0, letter) + encoded + s.slice(letter + 1);
      out.add(join(parts));
    }
  }
  out.delete(path);
  return [...out];
}

describe('permissions hold for every spelling of a request', () => {
  const dir = tempDir('gk-variants-');
  const metricsToken = 'metrics-token-0123456789abcdef';
  let kiosk: RunningKiosk;
  let routes: RouteEntry[];
  const sessions = new Map<Who, TestSession>();
  let displayToken = '';

  const headersFor = (who: Who, body: boolean): Record<string, string> => {
    const h: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    const s = sessions.get(who);
    if (s) {
      h.cookie = `gk_session=${s.token}`;
      h['x-csrf-token'] = s.csrfToken;
    }
    if (who === 'display') {
      h.authorization = `Bearer ${displayToken}`;
      h['x-display-token'] = displayToken;
    }
    return h;
  };
  const send = (who: Who, method: string, path: string, body?: unknown): Promise<RawAnswer> => {
    const withBody = method !== 'GET' && method !== 'HEAD';
    const query = who === 'display' ? `${path.includes('?') ? '&' : '?'}token=${displayToken}` : '';
    return rawRequest(kiosk.port, {
      method,
      path: `${path}${query}`,
      headers: headersFor(who, withBody),
      ...(withBody ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  };
  const allowed = (who: Who, access: Access): boolean => {
    if (access === 'public' || access === 'loopback-or-token') return true;
    if (who === 'anonymous') return false;
    // A display token opens the gate display's socket only; over HTTP it is no login at all.
    if (who === 'display') return false;
    return can(who, access);
  };
  const errorCode = (a: RawAnswer): string | undefined => {
    try {
      return (JSON.parse(a.text) as { error?: { code?: string } }).error?.code;
    } catch {
      return undefined;
    }
  };
  const noRoute = (a: RawAnswer) => a.status === 404 && /"message":"no route /.test(a.text);

  beforeAll(async () => {
    kiosk = await startKiosk({
      configPath: testConfigWith(dir.path, { metricsToken }),
      dataDir: dir.path,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    for (const role of ['guard', 'nurse', 'admin', 'maintenance'] as const) {
      sessions.set(role, await loginAs(kiosk, `v-${role}`, role));
    }
    displayToken = new DisplayTokenStore(kiosk.db).add('north gate', ['1', '2']).token;
    routes = routesOf(kiosk.app);
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it('knows every route the router serves, each with the access the role table gives it', () => {
    const found = routes.map((r) => `${r.method} ${r.pattern}`);
    expect(found.length).toBeGreaterThan(20);
    expect(new Set(found).size).toBe(found.length);
    expect(found.sort()).toEqual(Object.keys(expectedAccess).sort());
  });

  it('answers each route as the role table says, for every role and a paired display', async () => {
    const cases = routes.flatMap((r) => everyone.map((who) => ({ ...r, who })));
    const wrong: string[] = [];
    await inParallel(cases, 6, async ({ method, pattern, who }) => {
      const key = `${method} ${pattern}`;
      const access = expectedAccess[key] as Access;
      // Logging out would end the session the other cases use.
      if (key === 'DELETE /api/session' && who !== 'anonymous') return;
      const a = await send(who, method, fill(pattern), bodies[key]);
      const ok = allowed(who, access);
      // A public route answers for itself (`GET /api/session` says 401 to nobody logged in).
      const reached =
        !noRoute(a) && a.status < 500 && (access === 'public' || ![401, 403].includes(a.status));
      const refusedAs = who === 'anonymous' || who === 'display' ? 401 : 403;
      if (ok ? !reached : a.status !== refusedAs) {
        wrong.push(`${key} as ${who}: ${a.status} ${a.text.slice(0, 100)}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  it('reaches no route by any other spelling, whoever asks', async () => {
    const cases = routes.flatMap((r) =>
      misspellings(r.pattern).flatMap((path) => everyone.map((who) => ({ ...r, path, who }))),
    );
    const wrong: string[] = [];
    let sent = 0;
    await inParallel(cases, 8, async ({ method, pattern, path, who }) => {
      const key = `${method} ${pattern}`;
      const access = expectedAccess[key] as Access;
      const a = await send(who, method, path, bodies[key]);
      sent++;
      if (access === 'public' && !pattern.startsWith('/api/') && pattern !== '/healthz') {
        // The pages: another spelling may find a page file, which holds no data, or nothing.
        if (a.status >= 500 || /json/.test(String(a.headers['content-type'])) !== a.status >= 400) {
          wrong.push(`${method} ${path} as ${who}: ${a.status} ${String(a.headers['content-type'])}`);
        }
        return;
      }
      if (!noRoute(a))
        wrong.push(`${method} ${path} (for ${key}) as ${who}: ${a.status} ${a.text.slice(0, 80)}`);
      else if (a.headers['cache-control'] !== 'no-store') wrong.push(`${method} ${path}: cacheable 404`);
    });
    console.log(
      `${routes.length} routes, ${cases.length / everyone.length} misspelt paths, ${sent} requests by ${everyone.length} callers`,
    );
    expect(wrong).toEqual([]);
  });

  it('reaches a route through a percent-encoded parameter only past the same guard', async () => {
    // `/api/people/%53%30001/return-certificate` is the route itself with S0001: the same access.
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.pattern.includes(':'))) {
      const key = `${r.method} ${r.pattern}`;
      const access = expectedAccess[key] as Access;
      const path = r.pattern.replace(/:(\w+)/g, (_m, name: string) =>
        [...(sampleParams[name] ?? 'x')].map((c) => `%${hex(c).toUpperCase()}`).join(''),
      );
      for (const who of everyone) {
        const a = await send(who, r.method, path, bodies[key]);
        if (!allowed(who, access) && ![401, 403].includes(a.status)) {
          wrong.push(`${r.method} ${path} as ${who}: ${a.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  describe('/metrics off the loopback address', () => {
    const offLoopback = (path: string, headers: Record<string, string> = {}) =>
      rawRequest(kiosk.port, { method: 'GET', path, headers, localAddress: '127.0.0.2' });

    it('needs its token in every spelling', async () => {
      expect((await offLoopback('/metrics')).status).toBe(401);
      expect((await offLoopback('/metrics', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(
        401,
      );
      const withToken = await offLoopback('/metrics', { authorization: `Bearer ${metricsToken}` });
      expect(withToken.status).toBe(200);
      expect(withToken.text).toMatch(/gate_kiosk_device_up/);
      for (const path of misspellings('/metrics')) {
        for (const headers of [{}, { authorization: `Bearer ${metricsToken}` }]) {
          const a = await offLoopback(path, headers);
          expect([path, a.status, a.text]).toEqual([path, 404, expect.stringContaining('no route')]);
        }
      }
    });

    it('takes no session or display token instead', async () => {
      for (const who of everyone) {
        const a = await offLoopback('/metrics', headersFor(who, false));
        expect([who, a.status, errorCode(a)]).toEqual([who, 401, 'unauthenticated']);
      }
    });
  });

  describe('socket namespaces', () => {
    const namespaces: Record<string, Permission> = {
      '/display': 'display:read',
      '/diag': 'devices:diagnose',
      '/nurse': 'cases:read',
    };

    /** Connects to namespace `nsp` exactly as spelt; resolves whether the server let it in. */
    const connect = (nsp: string, who: Who): Promise<{ ok: boolean; error?: string }> =>
      new Promise((resolve) => {
        const s = sessions.get(who);
        const manager = new Manager(kiosk.url, {
          transports: ['websocket'],
          reconnection: false,
          ...(s ? { extraHeaders: { cookie: `gk_session=${s.token}` } } : {}),
        });
        const socket = manager.socket(nsp, who === 'display' ? { auth: { token: displayToken } } : {});
        const done = (result: { ok: boolean; error?: string }) => {
          socket.close();
          manager.engine?.close();
          resolve(result);
        };
        socket.once('connect', () => done({ ok: true }));
        socket.once('connect_error', (err) => done({ ok: false, error: err.message }));
        socket.connect();
      });

    const socketAllowed = (who: Who, permission: Permission) => {
      if (who === 'anonymous') return false;
      if (who === 'display') return permission === 'display:read';
      return can(who, permission);
    };

    it('lets each caller into the namespaces its role allows, and no other', async () => {
      const wrong: string[] = [];
      for (const [nsp, permission] of Object.entries(namespaces)) {
        for (const who of everyone) {
          const result = await connect(nsp, who);
          if (result.ok !== socketAllowed(who, permission)) wrong.push(`${nsp} as ${who}: ${result.ok}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('lets nobody in by another spelling of a name, or on the main namespace', async () => {
      const names = [
        '/',
        ...Object.keys(namespaces).flatMap((n) => [
          n.toUpperCase(),
          `/${n.charAt(1).toUpperCase()}${n.slice(2)}`,
          `${n}/`,
          `/${n}`,
          `/%${hex(n.charAt(1))}${n.slice(2)}`,
          `${n} `,
          `${n}#`,
          `${n}?`,
        ]),
      ];
      const wrong: string[] = [];
      for (const nsp of names) {
        for (const who of everyone) {
          const result = await connect(nsp, who);
          if (result.ok) wrong.push(`"${nsp}" as ${who}`);
        }
      }
      console.log(`${names.length} namespace names × ${everyone.length} callers refused`);
      expect(wrong).toEqual([]);
    });
  });
});

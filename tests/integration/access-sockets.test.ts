// Sockets: a browser page from another site cannot open the kiosk's sockets with a logged-in
// person's cookie, and an open page does not keep a session alive: only the person's requests do.
import { createHash } from 'node:crypto';
import { Manager } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../kiosk/config/load.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { loginAs, type TestSession, tempDir } from '../helpers/kiosk.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { testConfigWith } from '../helpers/test-config.ts';

const IDLE_MIN = 2;
const configured = 'https://kiosk.school.example';

describe('sockets and sessions', () => {
  const dir = tempDir('gk-sockets-');
  let kiosk: RunningKiosk;

  beforeAll(async () => {
    kiosk = await startKiosk({
      configPath: testConfigWith(dir.path, { allowedOrigins: [configured], sessionIdleMin: IDLE_MIN }),
      dataDir: dir.path,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  const connect = (
    nsp: string,
    session: TestSession,
    origin?: string,
  ): Promise<{
    ok: boolean;
    error?: string;
    close(): void;
    emit(ev: string, data: unknown): Promise<unknown>;
  }> =>
    new Promise((resolve) => {
      const manager = new Manager(kiosk.url, {
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { cookie: `gk_session=${session.token}`, ...(origin ? { origin } : {}) },
      });
      const socket = manager.socket(nsp);
      const close = () => {
        socket.close();
        manager.engine?.close();
      };
      const emit = (ev: string, data: unknown) =>
        new Promise<unknown>((done) => socket.emit(ev, data, (answer: unknown) => done(answer)));
      socket.once('connect', () => resolve({ ok: true, close, emit }));
      socket.once('connect_error', (err) => {
        close();
        resolve({ ok: false, error: err.message, close, emit });
      });
      socket.connect();
    });

  describe('the origin of a socket', () => {
    let nurse: TestSession;
    beforeAll(async () => {
      nurse = await loginAs(kiosk, 'o-nurse', 'nurse');
    });

    it.each([
      ['no Origin (not a browser)', undefined, true],
      ["the kiosk's own origin", 'http://own', true],
      ['an origin in server.allowedOrigins', configured, true],
      ['another site', 'http://evil.example', false],
      ['another port of the same host', 'http://127.0.0.1:1', false],
      ['the kiosk over another scheme', 'https://own', false],
      ['an opaque origin', 'null', false],
    ] as const)('from %s: %s', async (_what, origin, ok) => {
      const own = new URL(kiosk.url).host;
      const sent = origin?.replace('own', own);
      const result = await connect('/nurse', nurse, sent);
      expect(result.ok).toBe(ok);
      result.close();
    });

    it('refuses the long-polling handshake from another site as well', async () => {
      const handshake = (origin: string) =>
        rawRequest(kiosk.port, {
          method: 'GET',
          path: '/socket.io/?EIO=4&transport=polling',
          headers: { origin, cookie: `gk_session=${nurse.token}` },
        });
      expect((await handshake('http://evil.example')).status).toBe(403);
      expect((await handshake(new URL(kiosk.url).origin)).status).toBe(200);
    });

    it('takes only origins in the config, naming a bad one', () => {
      const device = '{ id: t1, role: thermometer, model: k3-ascii, port: simulated }';
      const base = `school: { id: s1, name: S }\nlanes: [{ id: "1", name: one, devices: [${device}] }]\n`;
      const parse = (origins: string) =>
        parseConfig(`${base}server: { allowedOrigins: ${origins} }`, 'k.yaml', '/base');
      expect(parse('["https://kiosk.school.example:8443"]').server.allowedOrigins).toEqual([
        'https://kiosk.school.example:8443',
      ]);
      for (const bad of ['"https://kiosk.school.example/display"', '"kiosk.school.example"', '"ftp://x"']) {
        expect(() => parse(`[${bad}]`)).toThrow(ConfigError);
        try {
          parse(`[${bad}]`);
        } catch (err) {
          expect((err as ConfigError).problems).toEqual([
            expect.stringMatching(/^server\.allowedOrigins\[0\]: an origin such as/),
          ]);
        }
      }
    });
  });

  describe('the idle time of a session', () => {
    const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
    /** As if the session were last used `agoMs` ago. */
    const idleFor = (session: TestSession, agoMs: number) => {
      kiosk.db
        .prepare('UPDATE auth_sessions SET last_seen_at = ? WHERE token_hash = ?')
        .run(new Date(Date.now() - agoMs).toISOString(), hash(session.token));
    };
    const loggedIn = async (session: TestSession) =>
      (await fetch(`${kiosk.url}/api/session`, { headers: { cookie: `gk_session=${session.token}` } }))
        .status;

    it('ends a session whose only activity is an open page, and keeps one a person uses', async () => {
      const idleMs = IDLE_MIN * 60_000;
      const margin = 4_000;
      const watching = await loginAs(kiosk, 'i-maintenance', 'maintenance');
      const working = await loginAs(kiosk, 'i-maintenance-2', 'maintenance');
      idleFor(watching, idleMs - margin);
      idleFor(working, idleMs - margin);
      const since = Date.now();

      // The page's socket connects and is checked again with each request it makes.
      const page = await connect('/diag', watching);
      expect(page.ok).toBe(true);
      expect(await page.emit('selftest', { deviceId: 'no-such-device' })).toMatchObject({ ok: false });
      // The other person clicks something.
      expect(
        (await fetch(`${kiosk.url}/api/lanes`, { headers: { cookie: `gk_session=${working.token}` } }))
          .status,
      ).toBe(200);

      await new Promise((r) => setTimeout(r, Math.max(0, since + margin + 500 - Date.now())));
      expect(await loggedIn(watching)).toBe(401);
      expect(await loggedIn(working)).toBe(200);
      page.close();
    });
  });
});

// Malformed requests get a 4xx that names the problem, in Chinese and English, and are logged as
// warnings, never as the kiosk's own errors; no API answer may be cached. Then a few thousand
// mutated requests (methods, paths, queries, headers, bodies, encodings) over every route: no 5xx,
// and the kiosk is still alive and serving afterwards.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { loginAs, TEST_CONFIG, type TestSession, tempDir } from '../helpers/kiosk.ts';
import { inParallel, type RawAnswer, type RawRequest, rawRequest } from '../helpers/raw-http.ts';
import { routesOf } from '../helpers/routes.ts';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A small seeded generator, so a failing run can be repeated with its seed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}

describe('malformed requests', () => {
  const dir = tempDir('gk-malformed-');
  const logs: LogLine[] = [];
  let kiosk: RunningKiosk;
  let admin: TestSession;
  let nurse: TestSession;

  const errorsLogged = () => logs.filter((l) => l.level >= 50);
  const send = (r: RawRequest) => rawRequest(kiosk.port, r);
  const as = (s: TestSession | undefined, extra: Record<string, string> = {}) => ({
    ...(s ? { cookie: `gk_session=${s.token}`, 'x-csrf-token': s.csrfToken } : {}),
    ...extra,
  });
  const errorOf = (a: RawAnswer) =>
    (JSON.parse(a.text) as { error: { code: string; message: string; zh?: string; en?: string } }).error;

  beforeAll(async () => {
    const logger = pino(
      { level: 'debug', base: { app: 'gate-kiosk' } },
      { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
    );
    kiosk = await startKiosk({
      configPath: TEST_CONFIG,
      dataDir: dir.path,
      port: 0,
      host: '127.0.0.1',
      logger,
    });
    admin = await loginAs(kiosk, 'm-admin', 'admin');
    nurse = await loginAs(kiosk, 'm-nurse', 'nurse');
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it.each([
    [
      'an unsupported Content-Encoding',
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
      '{"name":"a","password":"b"}',
      415,
      'unsupported_encoding',
    ],
    [
      'a body that is not the gzip it says',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      'not gzip at all',
      400,
      'invalid_encoding',
    ],
    [
      'a cut-off gzip body',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync('{"name":"a","password":"b"}').subarray(0, 12),
      400,
      'invalid_encoding',
    ],
    [
      'a gzip body that unpacks past the limit',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(`{"name":"${'a'.repeat(1_000_000)}"}`),
      413,
      'too_large',
    ],
    [
      'an unsupported charset',
      { 'content-type': 'application/json; charset=latin9' },
      '{}',
      415,
      'unsupported_charset',
    ],
    ['JSON that is not', { 'content-type': 'application/json' }, '{"name":', 400, 'invalid_json'],
  ] as const)('POST /api/session with %s: %i %s', async (_what, headers, body, status, code) => {
    const before = logs.length;
    const a = await send({ method: 'POST', path: '/api/session', headers: { ...headers }, body });
    expect(a.status).toBe(status);
    const error = errorOf(a);
    expect(error).toEqual({
      code,
      message: expect.any(String),
      zh: expect.stringMatching(/\p{Script=Han}/u),
      en: error.message,
    });
    expect(a.headers['cache-control']).toBe('no-store');
    const logged = logs.slice(before);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 40, code, msg: 'malformed request refused' }),
    );
  });

  it('still takes a compressed body that is what it says', async () => {
    const password = 'm-nurse-password-long';
    const body = JSON.stringify({ name: 'm-nurse', password });
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['br', brotliCompressSync(body)],
    ] as const) {
      const a = await send({
        method: 'POST',
        path: '/api/session',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body: bytes,
      });
      expect([encoding, a.status]).toEqual([encoding, 200]);
    }
  });

  it.each([
    ['GET', '/api/cases/%E0%A4%A'],
    ['POST', '/api/sim/lanes/%ZZ/arrivals'],
    ['PUT', '/api/absences/%'],
    ['POST', '/api/people/%C0%AF/return-certificate'],
  ])('%s %s: 400 naming the bad percent-encoding, whoever asks', async (method, path) => {
    for (const who of [undefined, nurse, admin]) {
      const a = await send({
        method,
        path,
        headers: as(who, { 'content-type': 'application/json' }),
        body: '{}',
      });
      expect(a.status).toBe(400);
      expect(errorOf(a)).toMatchObject({ code: 'invalid_path', zh: expect.stringContaining('百分号编码') });
    }
    expect(errorsLogged()).toEqual([]);
  });

  it('marks every API answer, refusals and 404s included, as not to be cached', async () => {
    const paths = [
      ['/api/cases', nurse, 200],
      ['/api/screenings', nurse, 200],
      ['/api/absences', nurse, 200],
      ['/api/session', nurse, 200],
      ['/api/summary', nurse, 200],
      ['/api/lanes', admin, 200],
      ['/api/outbox', admin, 200],
      ['/api/cases', undefined, 401],
      ['/api/cases/', nurse, 404],
      ['/API/CASES', nurse, 404],
      ['/api/nothing', nurse, 404],
      ['/healthz', undefined, 200],
    ] as const;
    for (const [path, who, status] of paths) {
      const a = await send({ method: 'GET', path, headers: as(who) });
      expect([path, a.status, a.headers['cache-control']]).toEqual([path, status, 'no-store']);
    }
    const options = await send({ method: 'OPTIONS', path: '/api/cases', headers: as(nurse) });
    expect(options.headers['cache-control']).toBe('no-store');
  });

  it('answers a few thousand mutated requests with no 5xx, and stays up', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261123);
    const rnd = random(seed);
    const routes = routesOf(kiosk.app);
    const junkPieces = [
      '%',
      '%Z',
      '%ZZ',
      '%E0%A4%A',
      '%C0%AF',
      '%00',
      '%2F',
      '%2e%2e',
      '..',
      '%FF%FE',
      '%F0%9F%98%80',
      '%E2%80%AE',
      'x'.repeat(3000),
      '%25',
      'S0001',
      '1',
      '-1',
      '__proto__',
      'constructor',
      '%20',
      '~',
      '*',
      '(',
      "'",
      '%22',
      '%3Cscript%3E',
    ];
    const queries = [
      '',
      '?',
      '?date=2026-13-45',
      '?date=2026-11-23&date=2026-11-24',
      '?limit=-1',
      '?limit=1e9',
      '?limit=abc',
      '?status=maybe',
      '?format=pdf',
      '?format=csv&session=nope',
      '?__proto__[x]=1',
      '?a[b][c][d][e][f]=1',
      '?filename=../../etc/passwd',
      '?filename=r.csv&dryRun=maybe',
      '?filename=r.xlsx&dryRun=true',
      '?%=%',
      '?date=%E0%A4%A',
      `?x=${'y'.repeat(5000)}`,
      '?token=abc',
    ];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
    const contentTypes = [
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin9',
      'application/json; charset=',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=',
      'multipart/form-data',
      'application/octet-stream',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      '*/*',
      ';;;',
      'application/json; x="unterminated',
    ];
    const encodings = [
      'gzip',
      'deflate',
      'br',
      'compress',
      'identity',
      'gzip, gzip',
      'x-gzip',
      'zstd',
      'GZIP',
      '',
    ];
    const jsonValues = (): unknown =>
      rnd.pick([
        null,
        true,
        -1,
        0,
        1e308,
        36.5,
        '',
        'S0001',
        'x'.repeat(rnd.int(3000)),
        '\u202e\u0000\ud800',
        [],
        [1, 2, 3],
        {},
        { nested: { deeper: [null] } },
        '2026-11-23T08:00:00+08:00',
        'admit_checked',
        'sent_home',
      ]);
    const bodyShapes: (() => string | Buffer)[] = [
      () => '',
      () => '{}',
      () => 'null',
      () => '[]',
      () => '"text"',
      () => '{"name":',
      () => '\ufeff{"name":"m-admin"}',
      () => `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      () => `{"a":"${'x'.repeat(70_000)}"}`,
      () => Buffer.from(Array.from({ length: rnd.int(2000) }, () => rnd.int(256))),
      () => JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: {} } }),
      () => {
        const fields = [
          'name',
          'password',
          'identity',
          'temperatureC',
          'issuedAt',
          'note',
          'points',
          'method',
          'symptoms',
          'disposition',
          'guardianContact',
          'action',
          'screeningId',
          'reason',
          'followUps',
          'checked',
          'visitor',
        ];
        const body: Record<string, unknown> = {};
        for (let i = rnd.int(5); i >= 0; i--) body[rnd.pick(fields)] = jsonValues();
        return JSON.stringify(body);
      },
      () => 'id,name\nS1,x\n',
      () => Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]),
    ];
    const encode = (encoding: string, body: string | Buffer): string | Buffer => {
      if (rnd.chance(0.3)) return body; // says one thing, is another
      if (encoding === 'gzip' || encoding === 'x-gzip') return gzipSync(body);
      if (encoding === 'deflate') return deflateSync(body);
      if (encoding === 'br') return brotliCompressSync(body);
      return body;
    };
    const mutatePath = (pattern: string): string => {
      let path = pattern.replace(/:(\w+)/g, () => rnd.pick(junkPieces));
      if (rnd.chance(0.1)) path = path.toUpperCase();
      if (rnd.chance(0.1)) path = `${path}/`;
      if (rnd.chance(0.05)) path = `/${path}`;
      if (rnd.chance(0.05)) path = `${path}/${rnd.pick(junkPieces)}`;
      return path + rnd.pick(queries);
    };
    const extraPaths = [
      '/',
      '/api',
      '/api/',
      '/api/nothing',
      '/metrics',
      '/healthz',
      '/socket.io/?EIO=4&transport=polling',
      '/socket.io/?EIO=9&transport=polling',
      '/socket.io/?EIO=4&transport=nope',
      '/socket.io/?EIO=4&transport=polling&sid=nope',
      '/display/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/login/%00',
      '/%E0%A4%A',
    ];

    const requests: RawRequest[] = [];
    for (let i = 0; i < 3000; i++) {
      const route = rnd.pick(routes);
      const method = rnd.chance(0.6) ? route.method : rnd.pick(methods);
      const path = rnd.chance(0.08) ? rnd.pick(extraPaths) : mutatePath(route.pattern);
      const who = rnd.pick([undefined, admin, admin, nurse]);
      const headers: Record<string, string> = {};
      // Logging the admin out would leave the rest unauthenticated.
      const loggingOut = method === 'DELETE' && path.startsWith('/api/session');
      if (who && !loggingOut) Object.assign(headers, as(who));
      if (rnd.chance(0.1))
        headers.cookie = rnd.pick([
          'gk_session=%E0',
          'gk_session=',
          `gk_session=${'a'.repeat(4000)}`,
          '=;=;',
        ]);
      if (rnd.chance(0.1)) headers['x-csrf-token'] = rnd.pick(['', 'wrong', 'x'.repeat(500)]);
      if (rnd.chance(0.05))
        headers.authorization = rnd.pick(['Bearer ', 'Bearer x', 'Basic Og==', 'garbage']);
      if (rnd.chance(0.05)) headers.origin = rnd.pick(['http://evil.example', 'null']);
      if (rnd.chance(0.05)) headers.range = rnd.pick(['bytes=0-0', 'bytes=9-1', 'bytes=x']);
      let body: string | Buffer | undefined;
      if (method !== 'GET' && method !== 'HEAD' && rnd.chance(0.9)) {
        if (rnd.chance(0.9)) headers['content-type'] = rnd.pick(contentTypes);
        const encoding = rnd.chance(0.3) ? rnd.pick(encodings) : '';
        if (encoding) headers['content-encoding'] = encoding;
        body = encode(encoding, rnd.pick(bodyShapes)());
      }
      requests.push({ method, path, headers, ...(body !== undefined ? { body } : {}) });
    }

    const byStatus = new Map<number, number>();
    const wrong: string[] = [];
    const started = Date.now();
    await inParallel(requests, 8, async (r) => {
      let a: RawAnswer;
      try {
        a = await send(r);
      } catch (err) {
        wrong.push(`${r.method} ${r.path.slice(0, 80)}: no answer (${(err as Error).message})`);
        return;
      }
      byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
      if (a.status >= 500)
        wrong.push(`${r.method} ${r.path.slice(0, 80)}: ${a.status} ${a.text.slice(0, 120)}`);
      // socket.io's own path answers in socket.io's own way (`{"code":3,"message":"Bad request"}`).
      const ours = !r.path.startsWith('/socket.io/');
      if (ours && a.status >= 400 && /json/.test(String(a.headers['content-type'])) && r.method !== 'HEAD') {
        const error = errorOf(a);
        if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
          wrong.push(`${r.method} ${r.path.slice(0, 80)}: ${a.status} without code and message`);
        }
      }
    });
    const elapsed = Date.now() - started;
    console.log(
      `fuzz seed ${seed}: ${requests.length} requests in ${elapsed} ms; statuses ${JSON.stringify(
        Object.fromEntries([...byStatus].sort(([x], [y]) => x - y)),
      )}`,
    );
    expect(wrong).toEqual([]);
    expect(errorsLogged().map((l) => `${l.msg} ${JSON.stringify(l.err ?? '')}`.slice(0, 300))).toEqual([]);
    // Still alive, and still serving a logged-in person.
    expect((await send({ method: 'GET', path: '/healthz' })).status).toBe(200);
    expect((await send({ method: 'GET', path: '/api/lanes', headers: as(admin) })).status).toBe(200);
  }, 120_000);
});

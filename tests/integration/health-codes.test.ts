import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { DisplayClient, getJson, postJson, startTestKiosk, tempDir, waitUntil } from '../helpers/kiosk.ts';
import { issuer, signPass } from '../helpers/passes.ts';

interface Row {
  personId: string | null;
  decision: string;
  healthCode: string;
  reasons: { code: string }[];
}

describe('health codes end to end: signed passes, the online lookup, the district status feed', () => {
  const dir = tempDir('gk-health-');
  const district = issuer('district-2026a');
  const untrusted = issuer('district-2026a');
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  let lookup: Server;
  const lookupAnswers = new Map<string, { code: string; at: string } | 'slow' | 'error'>();
  const dropDir = join(dir.path, 'district-drop');

  const nowS = () => Math.floor(Date.now() / 1000);
  const pass = (sub: string, code: string, over: object = {}, key = district.privateKey) =>
    signPass(
      key,
      { alg: 'EdDSA', kid: 'district-2026a' },
      {
        sub,
        name: 'x',
        code,
        iat: nowS() - 600,
        exp: nowS() + 3600,
        jti: `jti-${sub}-${code}-${Math.random()}`,
        ...over,
      },
    );

  async function arrive(identity: string, laneId = '1'): Promise<LaneUpdate> {
    const mark = display.mark;
    expect(
      (await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, { identity, temperatureC: 36.5 }))
        .status,
    ).toBe(202);
    return display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === laneId && u.state === 'decided',
      10_000,
      mark,
    );
  }
  const latestRow = async () => (await getJson<Row[]>(`${kiosk.url}/api/screenings?limit=1`))[0];

  beforeAll(async () => {
    lookup = createServer((req, res) => {
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
      const answer = lookupAnswers.get(id);
      if (answer === 'slow') return; // never answers
      if (answer === 'error' || !answer) {
        res.writeHead(answer ? 500 : 404).end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((r) => lookup.listen(0, '127.0.0.1', () => r()));
    const lookupUrl = `http://127.0.0.1:${(lookup.address() as AddressInfo).port}/lookup`;
    mkdirSync(dropDir, { recursive: true });
    const config = join(dir.path, 'kiosk.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: 'health-001', name: 'Health' },
        lanes: [
          {
            id: '1',
            name: 'lane',
            devices: [
              { id: 't1', role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
              { id: 's1', role: 'scanner', model: 'line-scanner', port: 'simulated' },
            ],
          },
        ],
        roster: resolve('fixtures/roster/test-roster.csv'),
        healthCodes: {
          trustedKeys: [district.trusted],
          revoked: ['jti-revoked'],
          statusDir: dropDir,
          lookup: { url: lookupUrl, timeoutMs: 300 },
        },
        simulation: { freshenRosterStatuses: true },
      }),
    );
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: config });
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    lookup?.close();
    dir.remove();
  });

  it('takes a valid signed pass: a yellow pass ends as code_yellow', async () => {
    const update = await arrive(pass('S0001', 'yellow'));
    expect(update).toMatchObject({
      decision: 'code_yellow',
      healthCode: 'yellow',
      person: { displayName: '张*丰' },
    });
  });

  it('asks to verify a pass that fails, with the reason', async () => {
    const cases: [string, string][] = [
      [pass('S0004', 'green', { exp: nowS() - 60 }), 'pass_expired'],
      [pass('S0004', 'green', { jti: 'jti-revoked' }), 'pass_revoked'],
      [pass('S0004', 'green', {}, untrusted.privateKey), 'pass_bad_signature'],
    ];
    for (const [text, reason] of cases) {
      expect((await arrive(text)).decision).toBe('verify');
      expect((await latestRow())?.reasons.map((r) => r.code)).toContain(reason);
    }
  });

  it('treats a valid pass for someone not on the roster as unknown_person', async () => {
    expect((await arrive(pass('NOT-ON-ROSTER', 'green'))).decision).toBe('unknown_person');
  });

  it("matches a pass's sub to a roster id only, never to a card number", async () => {
    // 0040856634 is S0001's card: scanned as such it finds S0001, as a pass's sub it names nobody.
    expect((await arrive('0040856634')).person).toMatchObject({ displayName: '张*丰' });
    const update = await arrive(pass('0040856634', 'green'));
    expect(update.decision).toBe('unknown_person');
    expect(update.person ?? null).toBeNull();
  });

  it('decides a stale roster status as verify, and a newer online answer wins', async () => {
    expect((await arrive('S0004')).decision).toBe('verify');
    lookupAnswers.set('S0004', { code: 'green', at: new Date(Date.now() - 60_000).toISOString() });
    // T0001 by card: the lookup knows nothing of them (404), so the fresh roster status counts.
    expect((await arrive('0012964329')).decision).toBe('pass');
    // S0004 was looked up (and failed) before; failures are not cached, so this asks again.
    expect((await arrive('S0004')).decision).toBe('pass');
  });

  it('falls back to the roster within the timeout when the lookup hangs or fails', async () => {
    lookupAnswers.set('S0001', 'slow');
    const started = Date.now();
    expect((await arrive('S0001')).decision).toBe('pass');
    expect(Date.now() - started).toBeLessThan(5_000);
    lookupAnswers.set('S0001', 'error');
    expect((await arrive('S0001')).decision).toBe('pass');
  });

  it('applies a status file dropped by the district: S0001 turns red', async () => {
    writeFileSync(
      join(dropDir, 'status.csv'),
      `id,healthCode,healthCodeAt\nS0001,red,${new Date(Date.now() - 1000).toISOString()}\n`,
    );
    let decision = '';
    await waitUntil(
      async () => {
        decision = (await arrive('S0001')).decision ?? '';
        return decision === 'code_red';
      },
      20_000,
      'the dropped status applied',
    );
    expect(decision).toBe('code_red');
  }, 30_000);
});

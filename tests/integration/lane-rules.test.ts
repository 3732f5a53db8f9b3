import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import { ReturnCertificateStore } from '../../kiosk/store/return-certificates.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import { DisplayClient, getJson, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

const lane = (id: string, name: string, grades: number[], rules?: object) => ({
  id,
  name,
  grades,
  ...(rules ? { rules } : {}),
  devices: [
    { id: `t${id}`, role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
    { id: `s${id}`, role: 'scanner', model: 'line-scanner', port: 'simulated' },
  ],
});

describe('lane rules: repeat scans, lanes by grade, per-lane thresholds (during 晨检)', () => {
  const dir = tempDir('gk-rules-');
  let kiosk: RunningKiosk;
  let display: DisplayClient;

  async function arrive(laneId: string, identity: string, temperatureC: number): Promise<LaneUpdate> {
    const mark = display.mark;
    expect(
      (await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, { identity, temperatureC })).status,
    ).toBe(202);
    return display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === laneId && u.state === 'decided',
      10_000,
      mark,
    );
  }
  const rows = () =>
    getJson<{ id: string; personId: string; decision: string; session: string }[]>(
      `${kiosk.url}/api/screenings`,
    );

  beforeAll(async () => {
    const config = join(dir.path, 'kiosk.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: 'rules-001', name: 'Rules' },
        sessions: [{ id: 'morning', name: '晨检', start: '06:30', cutoff: '08:30' }],
        lanes: [lane('1', '一号通道', [1, 2, 3]), lane('2', '二号通道', [4, 5, 6], { feverC: 37.0 })],
        roster: resolve('fixtures/roster/test-roster.csv'),
        simulation: { freshenRosterStatuses: true },
      }),
    );
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: config, clock: clockAt('07:10') });
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('shows a repeat scan its earlier decision without a second record', async () => {
    const first = await arrive('1', 'S0001', 36.6);
    expect(first).toMatchObject({ decision: 'pass' });
    expect(first.repeat).toBeUndefined();
    const again = await arrive('1', 'S0001', 36.8);
    expect(again).toMatchObject({
      decision: 'pass',
      screeningId: first.screeningId,
      repeat: true,
      hint: { zh: '本时段已检测' },
      temperatureC: 36.6,
    });
    expect((await rows()).filter((r) => r.personId === 'S0001')).toHaveLength(1);
    expect((await rows())[0]?.session).toBe('morning');
  });

  it('records a repeat that finds something more serious, and re-screens after a re-take', async () => {
    const fever = await arrive('1', 'S0001', 38.0);
    expect(fever.decision).toBe('fever');
    expect(fever.repeat).toBeUndefined();
    const retake = await arrive('1', 'T0001', 34.1);
    expect(retake.decision).toBe('retake');
    const measured = await arrive('1', 'T0001', 36.4);
    expect(measured).toMatchObject({ decision: 'pass' });
    expect(measured.screeningId).not.toBe(retake.screeningId);
    expect((await rows()).filter((r) => r.personId === 'T0001').map((r) => r.decision)).toEqual([
      'pass',
      'retake',
    ]);
  });

  it('screens a pupil at the wrong lane and names their lane; applies the lane’s own threshold', async () => {
    const wrong = await arrive('2', 'S0005', 37.1);
    // S0005 is in grade 6 (lane 2) with an unknown status: verify, at lane 2's threshold 37.0 a fever.
    expect(wrong.decision).toBe('fever');
    const elsewhere = await arrive('1', 'S0003', 36.5);
    expect(elsewhere).toMatchObject({
      decision: 'code_red',
      hint: { zh: '请走二号通道', en: 'Your lane is 二号通道' },
    });
  });
});

/** A test kiosk whose lanes' clock reads `time` today, a display, and someone sent through lane 1 at 36.5. */
function kioskAt(prefix: string, time: string) {
  const dir = tempDir(prefix);
  const at = {} as { kiosk: RunningKiosk; display: DisplayClient };
  beforeAll(async () => {
    at.kiosk = await startTestKiosk(dir.path, { clock: clockAt(time) });
    at.display = new DisplayClient(at.kiosk.url);
    await at.display.connected();
  });
  afterAll(async () => {
    at.display?.close();
    await at.kiosk?.stop();
    dir.remove();
  });
  const arrive = async (identity: string): Promise<LaneUpdate> => {
    const mark = at.display.mark;
    await postJson(`${at.kiosk.url}/api/sim/lanes/1/arrivals`, { identity, temperatureC: 36.5 });
    return at.display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided', 10_000, mark);
  };
  return { at, arrive };
}

describe('the return certificate (复课证明)', () => {
  // Outside every session, so the second arrival is screened anew rather than shown as a repeat.
  const { at, arrive } = kioskAt('gk-cert-', '16:00');

  it('holds a person sent home at verify until their certificate is recorded', async () => {
    new ReturnCertificateStore(at.kiosk.db).require('S0001');
    at.kiosk.refreshPeople();
    expect((await arrive('S0001')).decision).toBe('verify');
    const rows = await getJson<{ reasons: { code: string }[] }[]>(`${at.kiosk.url}/api/screenings?limit=1`);
    expect(rows[0]?.reasons.map((r) => r.code)).toContain('return_certificate_due');

    const bad = await postJson(`${at.kiosk.url}/api/people/S0001/return-certificate`, {
      issuedAt: 'yesterday',
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { details: [{ field: 'issuedAt' }] } } });
    expect(
      (
        await postJson(`${at.kiosk.url}/api/people/NOBODY/return-certificate`, {
          issuedAt: new Date().toISOString(),
        })
      ).status,
    ).toBe(404);
    const ok = await postJson(`${at.kiosk.url}/api/people/S0001/return-certificate`, {
      issuedAt: new Date(Date.now() - 3_600_000).toISOString(),
      note: '社区医院 复课证明',
    });
    expect(ok.status).toBe(201);
    expect((await arrive('S0001')).decision).toBe('pass');
  });
});

describe('a repeat scan sees what changed since (during 晨检)', () => {
  const { at, arrive } = kioskAt('gk-repeat-', '07:40');

  it('decides afresh once the nurse has recorded the return certificate, instead of showing verify again', async () => {
    new ReturnCertificateStore(at.kiosk.db).require('S0001');
    at.kiosk.refreshPeople();
    const first = await arrive('S0001');
    expect(first.decision).toBe('verify');
    // Scanned again before anything changed: the same decision, no second record.
    const again = await arrive('S0001');
    expect(again).toMatchObject({ decision: 'verify', repeat: true, screeningId: first.screeningId });

    const ok = await postJson(`${at.kiosk.url}/api/people/S0001/return-certificate`, {
      issuedAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(ok.status).toBe(201);
    const after = await arrive('S0001');
    expect(after.decision).toBe('pass');
    expect(after.repeat).toBeUndefined();
    expect(after.screeningId).not.toBe(first.screeningId);
  });
});

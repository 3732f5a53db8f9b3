import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { authedFetch, DisplayClient, getJson, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

interface ScreeningRow {
  id: string;
  laneId: string;
  personId: string | null;
  temperatureC: number | null;
  decision: string;
  healthCode: string;
  reasons: { code: string }[];
}

describe('the kiosk end to end, on simulated devices', () => {
  const dir = tempDir();
  let kiosk: RunningKiosk;
  let display: DisplayClient;

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path);
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  const decided = (laneId: string, screeningIdNot: string[] = []) =>
    display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === laneId && u.state === 'decided' && !screeningIdNot.includes(u.screeningId ?? ''),
    );

  it('answers health checks and lists the lanes with their devices online', async () => {
    expect(await getJson(`${kiosk.url}/healthz`)).toEqual({ status: 'ok', version: expect.any(String) });
    const lanes = await getJson<{ id: string; devices: { state: string; simulated: boolean }[] }[]>(
      `${kiosk.url}/api/lanes`,
    );
    expect(lanes.map((l) => l.id)).toEqual(['1', '2']);
    expect(lanes.flatMap((l) => l.devices.map((d) => [d.state, d.simulated]))).toEqual([
      ['online', true],
      ['online', true],
      ['online', true],
      ['online', true],
    ]);
  });

  it('sends a snapshot of every lane on connect', async () => {
    const snapshot = await display.waitFor<{ id: string; update: LaneUpdate }[]>('lanes', () => true);
    expect(snapshot.map((l) => [l.id, l.update.state])).toEqual([
      ['1', 'idle'],
      ['2', 'idle'],
    ]);
  });

  it('shows a waiting lane, then a committed pass with a masked name', async () => {
    const seen: string[] = [];
    expect(
      (await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity: 'S0001', temperatureC: 36.6 }))
        .status,
    ).toBe(202);
    const waiting = await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '1' && u.state === 'waiting',
    );
    expect(waiting).toMatchObject({ person: { displayName: '张*丰' }, message: { zh: '请测温' } });
    const update = await decided('1');
    seen.push(update.screeningId ?? '');
    expect(update).toMatchObject({
      decision: 'pass',
      person: { displayName: '张*丰', className: '1年级1班' },
      temperatureC: 36.6,
      healthCode: 'green',
      message: { zh: '请通行', en: 'Please proceed' },
    });
    // The display only ever shows what is already in the store.
    const rows = await getJson<ScreeningRow[]>(`${kiosk.url}/api/screenings?lane=1`);
    expect(rows[0]).toMatchObject({
      id: update.screeningId,
      personId: 'S0001',
      temperatureC: 36.6,
      decision: 'pass',
    });
  });

  it('decides fever, codes, stale status and strangers from the frames of the simulated devices', async () => {
    const arrivals: [string, number, string, string][] = [
      ['S0001', 38.2, 'fever', '体温异常 请到复检区'],
      ['S0002', 36.5, 'code_yellow', '黄码 请到复检区'],
      ['S0003', 36.5, 'code_red', '红码 禁止入校'],
      ['S0004', 36.5, 'verify', '请人工核验'],
      ['NOBODY-42', 36.5, 'unknown_person', '未登记 请找门卫'],
      // Last: a re-take keeps the visit open for the same person, so the next scan would have to wait.
      ['0012964329', 34.2, 'retake', '请重新测温'],
    ];
    const shown: string[] = [];
    for (const [identity, temperatureC, decision, zh] of arrivals) {
      await postJson(`${kiosk.url}/api/sim/lanes/2/arrivals`, { identity, temperatureC });
      const update = await decided('2', shown);
      shown.push(update.screeningId ?? '');
      expect([update.decision, update.message.zh]).toEqual([decision, zh]);
      // The kiosk's own words for a fever carry the reading, as the display shows them.
      if (decision === 'fever') expect(update.message.en).toBe('Fever 38.2 °C: go to the re-check area');
    }
    const rows = await getJson<ScreeningRow[]>(`${kiosk.url}/api/screenings?lane=2`);
    expect(rows.map((r) => r.decision).reverse()).toEqual(arrivals.map((a) => a[2]));
    expect(rows.find((r) => r.decision === 'retake')?.personId).toBe('T0001');
    const fever = await getJson<ScreeningRow[]>(`${kiosk.url}/api/screenings?decision=fever`);
    expect(fever).toHaveLength(1);
    // S0001 is in grade 1, whose lane is lane 1: screened anyway, and told.
    expect(fever[0]?.reasons.map((r) => r.code)).toEqual(['temperature_high', 'wrong_lane']);
  });

  it('gives a reading nobody scanned for as no_identity once the window has passed', async () => {
    const shortKioskDir = tempDir();
    const short = await startTestKiosk(shortKioskDir.path);
    try {
      const client = new DisplayClient(short.url);
      await client.connected();
      await postJson(`${short.url}/api/sim/lanes/1/arrivals`, { temperatureC: 36.4 });
      const update = await client.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided', 15_000);
      expect(update).toMatchObject({ decision: 'no_identity', temperatureC: 36.4 });
      expect(update.person).toBeUndefined();
      client.close();
    } finally {
      await short.stop();
      shortKioskDir.remove();
    }
  }, 20_000);

  it('rejects bad requests with the field named', async () => {
    const bad = await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { temperatureC: 'hot' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { code: 'invalid_request', details: [{ field: 'temperatureC' }] },
    });
    expect((await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, {})).status).toBe(400);
    expect((await postJson(`${kiosk.url}/api/sim/lanes/9/arrivals`, { identity: 'S0001' })).status).toBe(404);
    const q = await authedFetch(`${kiosk.url}/api/screenings?decision=maybe`);
    expect(q.status).toBe(400);
    expect(await q.json()).toMatchObject({ error: { details: [{ field: 'decision' }] } });
  });

  it('finds every screening again after a restart', async () => {
    const before = await getJson<ScreeningRow[]>(`${kiosk.url}/api/screenings`);
    expect(before).toHaveLength(7);
    display.close();
    await kiosk.stop();
    kiosk = await startTestKiosk(dir.path);
    display = new DisplayClient(kiosk.url);
    const after = await getJson<ScreeningRow[]>(`${kiosk.url}/api/screenings`);
    expect(after).toEqual(before);
  });
});

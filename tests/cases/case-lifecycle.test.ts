// A case from the gate to the return certificate, through the real kiosk: simulated devices put
// real frames on the wire, the nurse works the case over HTTP and watches `/nurse` live.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '../../kiosk/cases/case-view.ts';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import { DisplayClient, loginAs, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';
import { asAccount, NurseClient } from './session-client.ts';

const ROSTER = `id,name,grade,class,kind,card,guardianPhone,boarder,healthCode,healthCodeAt
S0001,张三丰,1,1班,student,,13800000001,no,green,2026-11-23 06:00
S0006,钱七,1,1班,student,,13800000006,no,green,2026-11-23 06:00
S0007,孙八,1,2班,student,,13800000007,no,green,2026-11-23 06:00
S0008,周九,2,1班,student,,13800000008,no,green,2026-11-23 06:00
`;

function writeConfig(dir: string, sessions: { id: string; name: string; start: string; cutoff: string }[]) {
  const roster = join(dir, 'roster.csv');
  writeFileSync(roster, ROSTER);
  const config = join(dir, 'kiosk.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      school: { id: 'cases-001', name: 'Cases', timezone: 'Asia/Shanghai' },
      rules: { feverC: 37.3 },
      sessions,
      lanes: [
        {
          id: '1',
          name: '一号通道',
          grades: [1, 2],
          devices: [
            { id: 't1', role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
            { id: 's1', role: 'scanner', model: 'line-scanner', port: 'simulated' },
          ],
        },
      ],
      roster,
      simulation: { freshenRosterStatuses: true },
    }),
  );
  return config;
}

interface OutboxRow {
  record_id: string;
  kind: string;
  priority: number;
  data: string;
}

describe('a fever case from the gate to the return certificate', () => {
  const dir = tempDir('gk-case-');
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  let nurseSocket: NurseClient;
  let nurse: ReturnType<typeof asAccount>;

  async function arrive(identity: string, temperatureC: number): Promise<LaneUpdate> {
    const mark = display.mark;
    expect((await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity, temperatureC })).status).toBe(
      202,
    );
    return display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided', 10_000, mark);
  }

  beforeAll(async () => {
    // Outside every session, so each arrival of the same pupil is decided anew.
    const config = writeConfig(dir.path, [{ id: 'morning', name: '晨检', start: '06:30', cutoff: '08:30' }]);
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: config, clock: clockAt('16:00') });
    const nurseSession = await loginAs(kiosk, 'nurse-li', 'nurse');
    nurse = asAccount(kiosk.url, nurseSession);
    // The helper's own requests (simulated arrivals, the certificate) go as the admin again.
    await loginAs(kiosk, 'test-admin', 'admin');
    display = new DisplayClient(kiosk.url);
    nurseSocket = new NurseClient(kiosk.url, nurseSession);
    await Promise.all([display.connected(), nurseSocket.connected()]);
  });
  afterAll(async () => {
    display?.close();
    nurseSocket?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('opens a case at the gate, works it through re-check and sent home, and holds the pupil until the certificate', async () => {
    const fever = await arrive('S0001', 38.2);
    expect(fever.decision).toBe('fever');

    const opened = await nurseSocket.waitFor<CaseView>(
      'case:new',
      (c) => c.screeningId === fever.screeningId,
    );
    expect(opened).toMatchObject({
      personId: 'S0001',
      laneId: '1',
      decision: 'fever',
      gateTemperatureC: 38.2,
      healthCode: 'green',
      status: 'open',
      rechecks: [],
      disposition: null,
      person: { name: '张三丰', grade: 1, className: '1班' },
      classLabel: '1年级1班',
      classmates: [],
    });
    expect(opened.weekScreenings.map((s) => s.id)).toContain(fever.screeningId);

    const listed = await nurse.get<CaseView[]>('/api/cases?status=open');
    expect(listed.status).toBe(200);
    expect(listed.body.map((c) => c.id)).toEqual([opened.id]);

    // The gate reading is a screening, not a diagnosis.
    const early = await nurse.post(`/api/cases/${opened.id}/disposition`, { disposition: 'admitted' });
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'recheck_required' } } });

    const recheck = await nurse.post<CaseView>(`/api/cases/${opened.id}/rechecks`, {
      temperatureC: 38.0,
      method: 'axillary',
      symptoms: ['fever', 'cough'],
      note: '休息 10 分钟后复测',
    });
    expect(recheck.status).toBe(201);
    expect(recheck.body).toMatchObject({
      confirmedFever: true,
      rechecks: [
        { temperatureC: 38, method: 'axillary', symptoms: ['fever', 'cough'], recordedBy: 'nurse-li' },
      ],
      // Same class, same grade only: not 1年级2班, not 2年级1班.
      classmates: [{ id: 'S0006', name: '钱七' }],
    });
    const updated = await nurseSocket.waitFor<CaseView>(
      'case:update',
      (c) => c.id === opened.id && c.rechecks.length === 1,
    );
    expect(updated.confirmedFever).toBe(true);

    const outbox = kiosk.db
      .prepare("SELECT record_id, kind, priority, data FROM outbox WHERE kind = 'case' ORDER BY seq")
      .all() as OutboxRow[];
    const direct = outbox.filter((r) => r.priority === 1);
    expect(direct.map((r) => r.record_id)).toEqual([`${opened.id}/direct-report`]);
    expect(JSON.parse(direct[0]?.data ?? '{}')).toMatchObject({
      personId: 'S0001',
      directReport: true,
      status: 'open',
    });
    expect(outbox.map((r) => r.record_id)).toContain(opened.id);

    const noGuardian = await nurse.post(`/api/cases/${opened.id}/disposition`, { disposition: 'sent_home' });
    expect(noGuardian).toMatchObject({
      status: 400,
      body: { error: { details: [{ field: 'guardianContact' }] } },
    });
    const calledAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const sentHome = await nurse.post<CaseView>(`/api/cases/${opened.id}/disposition`, {
      disposition: 'sent_home',
      note: '家长接回',
      guardianContact: { name: '张母', phone: '13800000001', calledAt },
    });
    expect(sentHome.status).toBe(200);
    expect(sentHome.body).toMatchObject({
      status: 'closed',
      disposition: 'sent_home',
      closedBy: 'nurse-li',
      guardianContact: { name: '张母', phone: '13800000001', calledAt },
    });
    await nurseSocket.waitFor<CaseView>('case:update', (c) => c.id === opened.id && c.status === 'closed');
    const again = await nurse.post(`/api/cases/${opened.id}/disposition`, { disposition: 'admitted' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'case_closed' } } });
    expect(
      (
        await nurse.post(`/api/cases/${opened.id}/rechecks`, {
          temperatureC: 36.8,
          method: 'ear',
          symptoms: [],
        })
      ).status,
    ).toBe(409);

    const held = await arrive('S0001', 36.5);
    expect(held.decision).toBe('verify');
    const verifyCase = await nurseSocket.waitFor<CaseView>(
      'case:new',
      (c) => c.screeningId === held.screeningId,
    );
    expect(verifyCase.decision).toBe('verify');

    const certificate = await postJson(`${kiosk.url}/api/people/S0001/return-certificate`, {
      issuedAt: new Date(Date.now() - 3_600_000).toISOString(),
      note: '社区医院 复课证明',
    });
    expect(certificate.status).toBe(201);
    expect((await arrive('S0001', 36.5)).decision).toBe('pass');

    const open = await nurse.get<CaseView[]>('/api/cases?status=open');
    expect(open.body.map((c) => c.id)).toEqual([verifyCase.id]);
    const closed = await nurse.get<CaseView[]>('/api/cases?status=closed');
    expect(closed.body.map((c) => c.id)).toEqual([opened.id]);
    // A verify case closes without a re-check.
    const admitted = await nurse.post<CaseView>(`/api/cases/${verifyCase.id}/disposition`, {
      disposition: 'admitted',
    });
    expect(admitted).toMatchObject({ status: 200, body: { status: 'closed', disposition: 'admitted' } });
  });

  it('names the bad field of a re-check', async () => {
    const code = await arrive('S0007', 38.5);
    const opened = await nurseSocket.waitFor<CaseView>('case:new', (c) => c.screeningId === code.screeningId);
    const bad = await nurse.post(`/api/cases/${opened.id}/rechecks`, {
      temperatureC: 37.0,
      method: 'rectal',
      symptoms: ['headache'],
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body as { error: { details: { field: string }[] } }).error.details.map(
      (d) => d.field,
    );
    expect(fields).toEqual(expect.arrayContaining(['method', 'symptoms[0]']));
    expect(
      (
        await nurse.post('/api/cases/no-such-case/rechecks', {
          temperatureC: 37,
          method: 'ear',
          symptoms: [],
        })
      ).status,
    ).toBe(404);
  });
});

describe('a repeat scan in the same check session', () => {
  const dir = tempDir('gk-case-repeat-');
  let kiosk: RunningKiosk;
  let display: DisplayClient;

  beforeAll(async () => {
    const config = writeConfig(dir.path, [{ id: 'morning', name: '晨检', start: '06:30', cutoff: '08:30' }]);
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: config, clock: clockAt('07:10') });
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('opens one case for a fever shown again, and none for a pass', async () => {
    for (const [identity, temperatureC] of [
      ['S0001', 38.1],
      ['S0001', 38.0],
      ['S0006', 36.5],
    ] as const) {
      const mark = display.mark;
      await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity, temperatureC });
      await display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided', 10_000, mark);
    }
    const decided = display.events
      .filter((e) => e.name === 'lane:update' && (e.data as LaneUpdate).state === 'decided')
      .map((e) => e.data as LaneUpdate);
    expect(decided.map((u) => [u.decision, u.repeat === true])).toEqual([
      ['fever', false],
      ['fever', true],
      ['pass', false],
    ]);
    const cases = kiosk.db.prepare('SELECT person_id, decision FROM cases').all();
    expect(cases).toEqual([{ person_id: 'S0001', decision: 'fever' }]);
  });
});

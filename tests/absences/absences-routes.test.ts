// Absences through the running kiosk: arrivals at the simulated lanes in the last seconds of 晨检, the
// roll call taken at the cut-off by the kiosk's own (pinned) clock, a late arrival closing an absence
// live on /nurse, and reasons and follow-ups through PUT /api/absences/:id.

import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Absence } from '../../kiosk/absences/absence.ts';
import type { Clock } from '../../kiosk/time/clock.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import {
  authedFetch,
  getJson,
  loginAs,
  postJson,
  sessionFor,
  startTestKiosk,
  tempDir,
  waitUntil,
} from '../helpers/kiosk.ts';

const SECONDS_BEFORE_CUTOFF = 8;

describe('absences at the cut-off, through the kiosk', () => {
  const dir = tempDir('gk-absences-');
  let kiosk: RunningKiosk;
  // A few seconds before the 08:30 cut-off: time enough for two arrivals, then the cut-off comes.
  const atCutoff = clockAt('08:30');
  const clock: Clock = {
    now: () => atCutoff.now() - SECONDS_BEFORE_CUTOFF * 1000,
    setTimer: atCutoff.setTimer,
  };
  let beforeCutoff: Absence[] = [];
  const today = () => zonedMoment(new Date(clock.now()), 'Asia/Shanghai').date;
  let nurse: Socket;
  const nurseEvents: Absence[] = [];

  const absences = (query = `date=${today()}&session=morning`) =>
    getJson<Absence[]>(`${kiosk.url}/api/absences?${query}`);
  const put = async (id: string, body: unknown) => {
    const res = await authedFetch(`${kiosk.url}/api/absences/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  async function arrive(laneId: string, identity: string, temperatureC: number): Promise<void> {
    expect(
      (await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, { identity, temperatureC })).status,
    ).toBe(202);
    await waitUntil(
      async () =>
        (await getJson<{ personId: string }[]>(`${kiosk.url}/api/screenings?date=${today()}`)).some(
          (s) => s.personId === identity,
        ),
      10_000,
      `${identity} screened`,
    );
  }

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path, { clock });
    const session = sessionFor(kiosk.url);
    nurse = io(`${kiosk.url}/nurse`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: `gk_session=${session?.token}` },
    });
    nurse.on('absence:update', (a: Absence) => nurseEvents.push(a));
    await new Promise<void>((resolve, reject) => {
      nurse.once('connect', () => resolve());
      nurse.once('connect_error', reject);
    });
    beforeCutoff = await absences();
    await arrive('1', 'S0001', 36.6);
    await arrive('2', 'S0004', 36.4);
  });
  afterAll(async () => {
    nurse?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('lists nobody before the cut-off, and every pupil not screened once it passes', async () => {
    expect(beforeCutoff).toEqual([]);
    await waitUntil(
      async () => (await absences()).length > 0,
      (SECONDS_BEFORE_CUTOFF + 5) * 1000,
      'the roll call',
    );
    const listed = await absences();
    // S0002, S0003, S0005 were not screened; T0001 is staff and not tracked.
    expect(listed.map((a) => a.personId).sort()).toEqual(['S0002', 'S0003', 'S0005']);
    expect(zonedMoment(new Date(listed[0]?.listedAt ?? ''), 'Asia/Shanghai').time).toBe('08:30');
    for (const a of listed)
      expect(a).toMatchObject({ reason: 'unknown', chased: true, status: 'open', localDate: today() });
    const queued = kiosk.db
      .prepare("SELECT count(*) FROM outbox WHERE kind = 'absence'")
      .pluck()
      .get() as number;
    expect(queued).toBe(3);
  });

  it('closes an absence when the pupil arrives late, and tells the nurse console', async () => {
    const before = nurseEvents.length;
    await arrive('1', 'S0002', 36.7);
    await waitUntil(
      async () => (await absences()).some((a) => a.personId === 'S0002' && a.status === 'arrived'),
      10_000,
      'the absence closed',
    );
    const s2 = (await absences()).find((a) => a.personId === 'S0002');
    expect(s2).toMatchObject({ status: 'arrived', chased: false, revision: 2, updatedBy: 'late arrival' });
    expect(zonedMoment(new Date(s2?.arrivedAt ?? ''), 'Asia/Shanghai').time).toBe('08:30');
    await waitUntil(() =>
      nurseEvents.slice(before).some((a) => a.personId === 'S0002' && a.status === 'arrived'),
    );
  });

  it('records a reason, symptoms, a doctor’s visit and follow-ups', async () => {
    const s3 = (await absences()).find((a) => a.personId === 'S0003');
    const followUps = [
      { at: '2026-11-23T09:10:00+08:00', by: '王老师', note: '电话家长：发热 38.2 °C，已就医' },
    ];
    const res = await put(s3?.id ?? '', {
      reason: 'sick',
      symptoms: ['fever', 'cough'],
      doctorSeen: true,
      diagnosis: '上呼吸道感染',
      followUps,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      reason: 'sick',
      chased: false,
      symptoms: ['fever', 'cough'],
      doctorSeen: true,
      diagnosis: '上呼吸道感染',
      followUps,
      revision: 2,
      updatedBy: 'test-admin',
    });
    const stillChased = (await absences()).filter((a) => a.chased).map((a) => a.personId);
    expect(stillChased).toEqual(['S0005']);
    const audit = kiosk.db
      .prepare("SELECT actor, person_id FROM audit_log WHERE action = 'update_absence'")
      .all() as { actor: string; person_id: string }[];
    expect(audit).toEqual([{ actor: 'test-admin', person_id: 'S0003' }]);
    const latest = kiosk.db
      .prepare('SELECT data FROM outbox WHERE record_id = ?')
      .pluck()
      .get(`${s3?.id}:2`) as string;
    expect(JSON.parse(latest)).toMatchObject({
      reason: 'sick',
      symptoms: ['fever', 'cough'],
      doctorSeen: true,
    });
  });

  it('answers a bad change with 400 naming the field', async () => {
    const s5 = (await absences()).find((a) => a.personId === 'S0005');
    const cases: [unknown, string][] = [
      [{ reason: 'flu' }, 'reason'],
      [{}, 'reason'],
      [{ reason: 'personal', symptoms: ['cough'] }, 'symptoms'],
      [{ reason: 'sick', symptoms: ['sneezing'] }, 'symptoms[0]'],
      [{ reason: 'sick', doctorSeen: 'yes' }, 'doctorSeen'],
      [
        { reason: 'sick', followUps: [{ at: 'this morning', by: '王老师', note: '打电话' }] },
        'followUps[0].at',
      ],
      [
        { reason: 'sick', followUps: [{ at: '2026-11-23T09:10:00+08:00', by: '', note: '打电话' }] },
        'followUps[0].by',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await put(s5?.id ?? '', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = res.body.error as { message: string; details: { field: string }[] };
      expect(error.details.map((d) => d.field)).toContain(field);
      expect(error.message).toContain(field);
    }
    expect((await put('no-such-absence', { reason: 'sick' })).status).toBe(404);
    expect((await absences()).find((a) => a.personId === 'S0005')?.revision).toBe(1);
  });

  it('checks the query, and keeps absences from a guard', async () => {
    const bad = await authedFetch(`${kiosk.url}/api/absences?session=lunch`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('session');
    expect((await authedFetch(`${kiosk.url}/api/absences?date=2026-02-30`)).status).toBe(400);
    await loginAs(kiosk, 'guard-1', 'guard');
    expect((await authedFetch(`${kiosk.url}/api/absences`)).status).toBe(403);
    await loginAs(kiosk, 'nurse-1', 'nurse');
    expect((await authedFetch(`${kiosk.url}/api/absences?date=${today()}`)).status).toBe(200);
  });
});

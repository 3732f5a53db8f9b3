// The guard's answers at the gate through the real kiosk: stored with who and when, shown on the
// lane tile at once, closing a `verify` case when the guard checked by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import { DisplayClient, loginAs, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';
import { asAccount } from './session-client.ts';

interface StoredAction {
  id: string;
  laneId: string;
  screeningId: string;
  decision: string;
  action: string;
  checked: string | null;
  visitor: { name: string } | null;
  actor: string;
  at: string;
  localDate: string;
  shown?: boolean;
}

describe('guard actions at the gate', () => {
  const dir = tempDir('gk-guard-');
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  let guard: ReturnType<typeof asAccount>;

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

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path, { clock: clockAt('16:00') });
    guard = asAccount(kiosk.url, await loginAs(kiosk, 'gate-wang', 'guard'));
    await loginAs(kiosk, 'test-admin', 'admin');
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('shows a verify checked by hand on the tile and stores it with the guard’s name', async () => {
    // S0005 has no health-code status: verify, at their own lane (grade 6 → lane 2).
    const verify = await arrive('2', 'S0005', 36.5);
    expect(verify.decision).toBe('verify');
    const screeningId = verify.screeningId;

    const misfit = await guard.post('/api/lanes/2/guard-actions', {
      screeningId,
      action: 'register_visitor',
      visitor: { name: '访客', phone: '13900000000', visiting: '王老师', reason: '开会' },
    });
    expect(misfit).toMatchObject({ status: 409, body: { error: { code: 'action_does_not_fit' } } });
    const missing = await guard.post('/api/lanes/2/guard-actions', { screeningId, action: 'admit_checked' });
    expect(missing).toMatchObject({ status: 400, body: { error: { details: [{ field: 'checked' }] } } });
    const unknownAction = await guard.post('/api/lanes/2/guard-actions', {
      screeningId,
      action: 'wave_through',
    });
    expect(unknownAction).toMatchObject({ status: 400, body: { error: { details: [{ field: 'action' }] } } });
    const otherLane = await guard.post('/api/lanes/1/guard-actions', {
      screeningId,
      action: 'admit_checked',
      checked: 'phone_code',
    });
    expect(otherLane.status).toBe(404);

    const mark = display.mark;
    const admitted = await guard.post<StoredAction>('/api/lanes/2/guard-actions', {
      screeningId,
      action: 'admit_checked',
      checked: 'phone_code',
    });
    expect(admitted.status).toBe(201);
    expect(admitted.body).toMatchObject({
      laneId: '2',
      screeningId,
      decision: 'verify',
      action: 'admit_checked',
      checked: 'phone_code',
      actor: 'gate-wang',
      shown: true,
    });

    const tile = await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '2' && u.action !== undefined,
      10_000,
      mark,
    );
    expect(tile).toMatchObject({
      state: 'decided',
      decision: 'verify',
      screeningId,
      action: 'admit_checked',
      resolvedBy: 'gate-wang',
      message: { zh: '已人工核验 放行', en: 'Checked by hand: admitted' },
      person: { displayName: '欧**娜' },
    });

    const stored = kiosk.db.prepare('SELECT actor, action, screening_id FROM guard_actions').all();
    expect(stored).toEqual([{ actor: 'gate-wang', action: 'admit_checked', screening_id: screeningId }]);
    const day = await guard.get<StoredAction[]>(`/api/guard-actions?date=${admitted.body.localDate}`);
    expect(day.body.map((a) => [a.screeningId, a.actor])).toEqual([[screeningId, 'gate-wang']]);
    const queued = kiosk.db
      .prepare('SELECT kind, data FROM outbox WHERE record_id = ?')
      .get(admitted.body.id) as { kind: string; data: string };
    expect(queued.kind).toBe('screening');
    expect(JSON.parse(queued.data)).toMatchObject({
      resolves: screeningId,
      decision: 'verify',
      guardAction: { action: 'admit_checked', checked: 'phone_code', by: 'gate-wang' },
    });
    // The verify case the screening opened is closed as admitted by the guard.
    expect(
      kiosk.db
        .prepare('SELECT status, disposition, closed_by FROM cases WHERE screening_id = ?')
        .get(screeningId),
    ).toEqual({ status: 'closed', disposition: 'admitted', closed_by: 'gate-wang' });

    const twice = await guard.post('/api/lanes/2/guard-actions', { screeningId, action: 'send_to_nurse' });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: 'already_answered' } } });
  });

  it('registers a visitor the roster does not know, and refuses an action that fits no decision', async () => {
    const stranger = await arrive('1', 'VISITOR-77', 36.6);
    expect(stranger.decision).toBe('unknown_person');
    const mark = display.mark;
    const registered = await guard.post<StoredAction>('/api/lanes/1/guard-actions', {
      screeningId: stranger.screeningId,
      action: 'register_visitor',
      visitor: { name: '刘先生', phone: '13900000001', visiting: '三年级 李老师', reason: '家长会' },
    });
    expect(registered).toMatchObject({
      status: 201,
      body: { action: 'register_visitor', visitor: { name: '刘先生' }, actor: 'gate-wang' },
    });
    const tile = await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '1' && u.action === 'register_visitor',
      10_000,
      mark,
    );
    expect(tile.message.zh).toBe('访客已登记 放行');

    const fever = await arrive('1', 'S0001', 38.4);
    expect(fever.decision).toBe('fever');
    const refused = await guard.post('/api/lanes/1/guard-actions', {
      screeningId: fever.screeningId,
      action: 'admit_checked',
      checked: 'paper_certificate',
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'action_does_not_fit' } } });
  });

  it('lets guards act but not read cases, and nurses read cases but not act at the gate', async () => {
    expect((await guard.get('/api/cases?status=open')).status).toBe(403);
    const nurse = asAccount(kiosk.url, await loginAs(kiosk, 'nurse-zhao', 'nurse'));
    await loginAs(kiosk, 'test-admin', 'admin');
    expect((await nurse.get('/api/cases?status=open')).status).toBe(200);
    const blocked = await nurse.post('/api/lanes/1/guard-actions', {
      screeningId: 'x',
      action: 'measure_again',
    });
    expect(blocked).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });
});

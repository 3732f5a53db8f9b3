// Who looked at whose case: every read, over HTTP or pushed on `/nurse`, is in the audit log; and
// the console's socket is for nurses and admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '../../kiosk/cases/case-view.ts';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import { DisplayClient, loginAs, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';
import { asAccount, NurseClient } from './session-client.ts';

describe('reading cases', () => {
  const dir = tempDir('gk-case-audit-');
  let kiosk: RunningKiosk;

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path, { clock: clockAt('16:00') });
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it('writes who read which person’s case to the audit log', async () => {
    const nurseSession = await loginAs(kiosk, 'nurse-sun', 'nurse');
    await loginAs(kiosk, 'test-admin', 'admin');
    const nurse = asAccount(kiosk.url, nurseSession);
    const socket = new NurseClient(kiosk.url, nurseSession);
    const display = new DisplayClient(kiosk.url);
    await Promise.all([socket.connected(), display.connected()]);
    try {
      const mark = display.mark;
      await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity: 'S0002', temperatureC: 36.6 });
      const yellow = await display.waitFor<LaneUpdate>(
        'lane:update',
        (u) => u.state === 'decided',
        10_000,
        mark,
      );
      expect(yellow.decision).toBe('code_yellow');
      const pushed = await socket.waitFor<CaseView>('case:new', (c) => c.screeningId === yellow.screeningId);

      const audit = new AuditLog(kiosk.db);
      const reads = () => audit.list({ personId: 'S0002' }).filter((e) => e.action === 'read_case');
      expect(reads().map((e) => [e.actor, e.detail.via])).toEqual([['nurse-sun', 'case:new']]);

      const one = await nurse.get<CaseView>(`/api/cases/${pushed.id}`);
      expect(one).toMatchObject({ status: 200, body: { id: pushed.id, person: { name: '李四' } } });
      await nurse.get('/api/cases?status=open');
      expect(
        reads()
          .map((e) => [e.actor, e.detail.via, e.detail.caseId])
          .reverse(),
      ).toEqual([
        ['nurse-sun', 'case:new', pushed.id],
        ['nurse-sun', 'case', pushed.id],
        ['nurse-sun', 'list', pushed.id],
      ]);
    } finally {
      socket.close();
      display.close();
    }
  });

  it('refuses the `/nurse` socket to a guard and to nobody', async () => {
    const guardSession = await loginAs(kiosk, 'guard-qian', 'guard');
    await loginAs(kiosk, 'test-admin', 'admin');
    for (const [session, status] of [
      [guardSession, 403],
      [null, 401],
    ] as const) {
      const client = new NurseClient(kiosk.url, session);
      try {
        await expect(client.connected()).rejects.toMatchObject({ data: { status } });
      } finally {
        client.close();
      }
    }
  });
});

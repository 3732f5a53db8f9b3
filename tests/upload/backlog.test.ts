import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import { Outbox } from '../../kiosk/upload/outbox.ts';
import { Uploader } from '../../kiosk/upload/uploader.ts';
import type { RunningKiosk } from '../../server/app.ts';
import type { RunningCollector } from '../../server/collector/collector.ts';
import { DisplayClient, postJson, startTestKiosk, tempDir, waitUntil } from '../helpers/kiosk.ts';
import { startTestCollector, type TestPostgres } from '../helpers/postgres.ts';
import { FaultProxy } from './fault-proxy.ts';
import { collectorRecords, insertOutboxRows } from './records.ts';

const BACKLOG = 100_000;

describe('a week offline', () => {
  const dir = tempDir('gk-backlog-');
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let proxy: FaultProxy;
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  let uploader: Uploader;

  beforeAll(async () => {
    ({ pgServer, collector } = await startTestCollector());
    proxy = new FaultProxy(collector.url);
    await proxy.up();
    await proxy.down();
    kiosk = await startTestKiosk(dir.path);
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await uploader?.stop();
    await kiosk?.stop();
    await proxy?.down();
    await collector?.stop();
    await pgServer?.stop();
    dir.remove();
  });

  it('drains 100k waiting records once the district is back, while the lanes keep deciding', async () => {
    const backlog = insertOutboxRows(kiosk.db, BACKLOG);
    const outbox = new Outbox(kiosk.db, kiosk.config.school.timezone);
    uploader = new Uploader({
      outbox,
      endpoint: proxy.url,
      schoolId: kiosk.config.school.id,
      kioskId: 'gate-1',
      batchSize: 500,
      backoff: { initialMs: 50, maxMs: 200 },
      idlePollMs: 50,
    });
    uploader.start();
    await waitUntil(
      () => uploader.status().offlineSince !== null,
      5000,
      'the uploader noticing the district is down',
    );
    expect(uploader.status()).toMatchObject({ online: false, pending: BACKLOG });

    await proxy.up();
    const shown: string[] = [];
    let decidedWhileDraining = 0;
    let n = 0;
    const backlogLeft = () => uploader.status().uploadedToday < BACKLOG;
    while (backlogLeft()) {
      const laneId = String((n % 2) + 1);
      const from = display.mark;
      const sent = await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, {
        identity: `VISITOR-${++n}`,
        temperatureC: 36.5,
      });
      expect(sent.status).toBe(202);
      const update = await display.waitFor<LaneUpdate>(
        'lane:update',
        (u) => u.laneId === laneId && u.state === 'decided',
        10_000,
        from,
      );
      expect(update).toMatchObject({ decision: 'unknown_person', screeningId: expect.any(String) });
      shown.push(update.screeningId as string);
      if (backlogLeft()) decidedWhileDraining++;
    }
    expect(decidedWhileDraining).toBeGreaterThanOrEqual(3);
    await waitUntil(() => uploader.status().pending === 0, 30_000, 'the last screenings uploaded');

    const held = await collectorRecords(collector.pool, kiosk.config.school.id);
    expect(held).toHaveLength(BACKLOG + shown.length);
    expect(held.every((r) => r.copies === 1)).toBe(true);
    expect(held.map((r) => r.id)).toEqual([...backlog, ...shown]);
    expect(uploader.status()).toMatchObject({
      online: true,
      pending: 0,
      failed: 0,
      uploadedToday: BACKLOG + shown.length,
    });
  }, 120_000);
});

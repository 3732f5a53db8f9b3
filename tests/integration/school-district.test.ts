import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../server/collector/collector.ts';
import { waitUntil } from '../helpers/kiosk.ts';
import { startTestCollector, type TestPostgres } from '../helpers/postgres.ts';
import { freePort, makeSchool, SCHOOL_ID, type SchoolFiles, SchoolKiosk } from '../helpers/school.ts';
import { collectorRecords } from '../upload/records.ts';

const KILLS = 3;

describe('the district receives every gate record once across kill -9 of the desk mid-forwarding', () => {
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let school: SchoolFiles;
  let deskPort: number;
  let desk: SchoolKiosk | null = null;
  let gates: SchoolKiosk[] = [];

  beforeAll(async () => {
    ({ pgServer, collector } = await startTestCollector());
    deskPort = await freePort();
    school = await makeSchool({
      deskPort,
      gates: [
        { id: 'north', name: '北门' },
        { id: 'south', name: '南门' },
      ],
      // Small batches: the desk is forwarding most of the time it is up.
      deskUpload: { endpoint: collector.url, batchSize: 4 },
    });
    gates = await Promise.all(school.gates.map((g) => SchoolKiosk.begin(g.config, g.data)));
  }, 90_000);

  afterAll(async () => {
    await Promise.all([...gates.map((g) => g.stop()), desk?.kill('SIGKILL')]);
    await collector?.stop();
    await pgServer?.stop();
    school?.remove();
  });

  it(`each record once, naming its gate (${KILLS} kills of the desk)`, async () => {
    let visitor = 0;
    let streaming = true;
    const stream = async (gate: SchoolKiosk, laneId: string) => {
      while (streaming) {
        await gate.arrive(laneId, `VISITOR-${++visitor}`, 36.4).catch(() => {});
        await new Promise((r) => setTimeout(r, 250 + Math.random() * 100));
      }
    };
    const lanes = Promise.all(gates.flatMap((g) => [stream(g, '1'), stream(g, '2')]));
    let killedWhileForwarding = 0;
    for (let i = 0; i < KILLS; i++) {
      desk = await SchoolKiosk.begin(school.desk.config, school.desk.data, deskPort);
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1500));
      const before = (await collectorRecords(collector.pool, SCHOOL_ID)).length;
      await new Promise((r) => setTimeout(r, 200));
      if ((await collectorRecords(collector.pool, SCHOOL_ID)).length > before) killedWhileForwarding++;
      await desk.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
    }
    streaming = false;
    await lanes;
    desk = await SchoolKiosk.begin(school.desk.config, school.desk.data, deskPort);
    const screened = new Map<string, string>();
    for (const [i, gate] of gates.entries()) {
      await waitUntil(
        async () => (await gate.get<{ pending: number }>('/api/outbox')).pending === 0,
        30_000,
        'the gate drained',
      );
      const id = school.gates[i]?.id as string;
      for (const s of await gate.get<{ id: string }[]>('/api/screenings?limit=10000')) screened.set(s.id, id);
    }
    await waitUntil(
      async () => (await desk?.get<{ pending: number }>('/api/outbox'))?.pending === 0,
      60_000,
      'the desk drained',
    );
    const records = await collectorRecords(collector.pool, SCHOOL_ID);
    expect(records.every((r) => r.copies === 1)).toBe(true);
    expect(new Set(records.map((r) => r.id))).toEqual(new Set(screened.keys()));
    const { rows } = await collector.pool.query<{ id: string; gate: string; lane: string }>(
      `SELECT id, data->>'gateId' AS gate, data->>'laneId' AS lane FROM records WHERE school_id = $1`,
      [SCHOOL_ID],
    );
    for (const r of rows) {
      expect(r.gate).toBe(screened.get(r.id));
      expect(r.lane.startsWith(`${r.gate}/`)).toBe(true);
    }
    expect(screened.size).toBeGreaterThan(20);
    expect(killedWhileForwarding).toBeGreaterThan(0);
  }, 240_000);
});

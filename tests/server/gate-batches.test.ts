import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { startTestKiosk, tempDir } from '../helpers/kiosk.ts';

interface Answer {
  accepted: string[];
  duplicate: string[];
  rejected: { id: string; reason: string }[];
}

describe('a desk taking a gate’s batch', () => {
  const dir = tempDir('gk-gate-batches-');
  let kiosk: RunningKiosk;
  let token: string;
  const post = async (records: unknown[]): Promise<{ status: number; body: Answer }> => {
    const res = await fetch(`${kiosk.url}/v1/gate/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ schoolId: 'test-001', kioskId: 'north-pc', batchId: newRecordId(), records }),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };

  beforeAll(async () => {
    kiosk = await startTestKiosk(join(dir.path, 'data'));
    token = new GateRegistry(kiosk.db).add('north', '北门').token;
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it('answers each record on its own: a bad one rejected with the field, the good ones taken once and forwarded naming the gate', async () => {
    const at = new Date().toISOString();
    const good = {
      id: newRecordId(),
      kind: 'screening',
      at,
      data: {
        laneId: '2',
        session: 'morning',
        localDate: at.slice(0, 10),
        personId: 'S0004',
        temperatureC: 36.5,
        healthCode: 'green',
        decision: 'pass',
        reasons: [],
      },
    };
    const noKind = { id: newRecordId(), kind: 'visit', at, data: {} };
    const noTemperature = { ...good, id: newRecordId(), data: { ...good.data, temperatureC: 'warm' } };
    const strangeClose = {
      id: `${newRecordId()}/closed`,
      kind: 'case',
      at,
      data: {
        caseId: 'no-such-case',
        event: 'closed',
        personId: 'S0004',
        status: 'closed',
        disposition: 'teleported',
        closedAt: at,
      },
    };
    const first = await post([good, noKind, noTemperature, strangeClose]);
    expect(first.status).toBe(200);
    expect(first.body.accepted.sort()).toEqual([good.id, strangeClose.id].sort());
    expect(first.body.rejected.map((r) => r.id).sort()).toEqual([noKind.id, noTemperature.id].sort());
    expect(first.body.rejected.find((r) => r.id === noTemperature.id)?.reason).toContain('data.temperatureC');
    const again = await post([good]);
    expect(again.body).toEqual({ accepted: [], duplicate: [good.id], rejected: [] });
    const forwarded = kiosk.db
      .prepare('SELECT data FROM outbox WHERE record_id = ?')
      .pluck()
      .all(good.id) as string[];
    expect(forwarded).toHaveLength(1);
    expect(JSON.parse(forwarded[0] as string)).toMatchObject({
      gateId: 'north',
      gateKioskId: 'north-pc',
      laneId: 'north/2',
    });
    const onDesk = kiosk.db.prepare('SELECT lane_id FROM screenings WHERE id = ?').pluck().get(good.id);
    expect(onDesk).toBe('north/2');
  });
});

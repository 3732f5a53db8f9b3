import { beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { type DisplayClient, getJson, postJson } from '../helpers/kiosk.ts';
import { ptyLane } from '../helpers/pty-lane.ts';

// A K3 reading as the device sends it (docs/protocols.md 1d), and a scan with a CRLF terminator.
const K3_LINES = [
  'T Object = 34.320 C\r\n',
  'T body = 36.809 C, ambience compensate\r\n',
  'T body = 36.694 C, weak high\r\n',
];

describe('real serial ports: the native bindings over a socat pty pair', () => {
  const lane = ptyLane('gk-pty-');
  const { thermometer, scanner } = lane;
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  beforeAll(() => {
    ({ kiosk, display } = lane);
  });
  const deviceStates = () => lane.deviceStates();

  it('decodes a scan and a K3 reading written byte by byte into the pty, and decides', async () => {
    scanner.write(']Q1S0001\r\n');
    await display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'waiting');
    for (const line of K3_LINES) {
      for (const byte of Buffer.from(line)) thermometer.write(Uint8Array.of(byte));
    }
    const update = await display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided');
    expect(update).toMatchObject({ decision: 'pass', temperatureC: 36.7, person: { displayName: '张*丰' } });
    const rows = await getJson<{ id: string; temperatureC: number }[]>(`${kiosk.url}/api/screenings`);
    expect(rows).toEqual([expect.objectContaining({ id: update.screeningId, temperatureC: 36.69 })]);
    const lanes = await getJson<
      { devices: { id: string; simulated: boolean; lastFrameAt: string | null }[] }[]
    >(`${kiosk.url}/api/lanes`);
    expect(lanes[0]?.devices.map((d) => [d.id, d.simulated, d.lastFrameAt !== null])).toEqual([
      ['t1', false, true],
      ['s1', false, true],
    ]);
  });

  it('refuses to simulate arrivals on a lane of real devices', async () => {
    const res = await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity: 'S0001' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'real_device' } });
  });

  it('shows the thermometer offline when its cable is pulled, and back online when it returns', async () => {
    const t1 = (state: string) => (s: { deviceId: string; state: string }) =>
      s.deviceId === 't1' && s.state === state;
    const mark = display.mark;
    await thermometer.close();
    await display.waitFor('device:status', t1('offline'), 5_000, mark);
    expect(await deviceStates()).toEqual(['offline', 'online']);

    await new Promise((r) => setTimeout(r, 1_500));
    await thermometer.open();
    const returned = Date.now();
    await display.waitFor('device:status', t1('online'), 8_000, mark);
    expect(Date.now() - returned).toBeLessThan(5_000);

    // And it reads again after the reconnect: a pupil scans, and measures once the tile shows them.
    const scanned = display.mark;
    scanner.write('S0001\r');
    await display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'waiting', 10_000, scanned);
    for (const line of K3_LINES) thermometer.write(line.replace('36.694', '38.100'));
    const update = await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.state === 'decided' && u.decision === 'fever',
    );
    expect(update.temperatureC).toBe(38.1);
  }, 20_000);
});

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGyMcu90614Frame } from '../../drivers/thermometer/gy-mcu90614.ts';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { DisplayClient, getJson, postJson, startTestKiosk, tempDir, waitUntil } from '../helpers/kiosk.ts';
import { PtyPair } from '../helpers/pty-pair.ts';

const AMBIENT_C = 23.5;

interface Row {
  id: string;
  decision: string;
  temperatureC: number;
  temperatureSource: string;
  objectC: number;
  ambientC: number;
}

describe('a binary forehead module (GY-MCU90614) on a real serial port over socat', () => {
  const dir = tempDir('gk-gy-');
  const module = new PtyPair(join(dir.path, 'ttyKioskT'), join(dir.path, 'ttyDeviceT'));
  const scanner = new PtyPair(join(dir.path, 'ttyKioskS'), join(dir.path, 'ttyDeviceS'));
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  let forehead: number | null = null;
  let streaming = true;
  let timer: NodeJS.Timeout;

  const state = async () =>
    (
      await getJson<{ devices: { id: string; state: string }[] }[]>(`${kiosk.url}/api/lanes`)
    )[0]?.devices.find((d) => d.id === 't1')?.state;

  /** A person scans, then holds their forehead in front of the module for 1.5 s. */
  async function personAt(objectC: number): Promise<LaneUpdate> {
    const mark = display.mark;
    scanner.write('S0001\r');
    forehead = objectC;
    const update = await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.state === 'decided',
      10_000,
      mark,
    );
    forehead = null;
    await new Promise((r) => setTimeout(r, 400));
    return update;
  }

  beforeAll(async () => {
    await module.open();
    await scanner.open();
    const config = join(dir.path, 'kiosk.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: 'gy-001', name: 'GY' },
        lanes: [
          {
            id: '1',
            name: 'forehead lane',
            devices: [
              { id: 't1', role: 'thermometer', model: 'gy-mcu90614', port: module.hostPath, baudRate: 9600 },
              { id: 's1', role: 'scanner', model: 'line-scanner', port: scanner.hostPath },
            ],
          },
        ],
        roster: resolve('fixtures/roster/test-roster.csv'),
        simulation: { freshenRosterStatuses: true },
      }),
    );
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: config });
    display = new DisplayClient(kiosk.url);
    await display.connected();
    // The module streams ~14 frames a second, someone in front of it or not.
    timer = setInterval(() => {
      if (streaming) module.write(encodeGyMcu90614Frame(forehead ?? AMBIENT_C + 0.1, AMBIENT_C));
    }, 70);
  });
  afterAll(async () => {
    clearInterval(timer);
    display?.close();
    await kiosk?.stop();
    await module.close();
    await scanner.close();
    dir.remove();
  });

  it('switches the module to continuous output when the port opens', async () => {
    await waitUntil(() => module.received.includes(Buffer.from([0xa5, 0x45, 0xea])), 5_000, 'A5 45 EA sent');
  });

  it('measures a person once from the stream, estimating body temperature and keeping the raw values', async () => {
    const update = await personAt(34.7);
    expect(update).toMatchObject({ decision: 'pass', temperatureC: 36.7, person: { displayName: '张*丰' } });
    const [row] = await getJson<Row[]>(`${kiosk.url}/api/screenings`);
    expect(row).toMatchObject({
      id: update.screeningId,
      temperatureSource: 'object_estimate',
      objectC: 34.7,
      ambientC: 23.5,
    });
  });

  it('applies a calibration entered by maintenance staff to the next person', async () => {
    const points = [
      { objectC: 34.0, clinicalC: 36.5 },
      { objectC: 34.6, clinicalC: 37.0 },
      { objectC: 35.2, clinicalC: 37.5 },
    ];
    const saved = await postJson(`${kiosk.url}/api/lanes/1/calibration`, { points });
    expect(saved.status).toBe(201);
    const update = await personAt(35.2);
    expect(update).toMatchObject({ decision: 'fever', temperatureC: 37.5 });
    const lanes = await getJson<{ calibration: { stale: boolean; ageDays: number } }[]>(
      `${kiosk.url}/api/lanes`,
    );
    expect(lanes[0]?.calibration).toMatchObject({ stale: false, ageDays: 0 });
    const bad = await postJson(`${kiosk.url}/api/lanes/1/calibration`, { points: points.slice(0, 2) });
    expect(bad).toMatchObject({ status: 400, body: { error: { details: [{ field: 'points' }] } } });
  });

  it('reports a module that goes silent, and one that is unplugged and plugged in again', async () => {
    streaming = false;
    await waitUntil(async () => (await state()) === 'error', 5_000, 'silent module in error');
    streaming = true;
    await waitUntil(async () => (await state()) === 'online', 3_000, 'module online again');

    streaming = false;
    await module.close();
    await waitUntil(async () => (await state()) === 'offline', 8_000, 'unplugged module offline');
    await module.open();
    streaming = true;
    const replugged = Date.now();
    await waitUntil(async () => (await state()) === 'online', 5_000, 'replugged module online');
    expect(Date.now() - replugged).toBeLessThan(2_000);
    await waitUntil(
      () => module.received.includes(Buffer.from([0xa5, 0x45, 0xea])),
      3_000,
      'A5 45 EA sent again',
    );
    expect((await personAt(34.5)).decision).toBe('pass');
  }, 30_000);
});

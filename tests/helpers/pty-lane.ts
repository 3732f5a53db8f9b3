import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { RunningKiosk } from '../../server/app.ts';
import { DisplayClient, getJson, startTestKiosk, tempDir, waitUntil } from './kiosk.ts';
import { PtyPair } from './pty-pair.ts';

export interface PtyLane {
  thermometer: PtyPair;
  scanner: PtyPair;
  kiosk: RunningKiosk;
  display: DisplayClient;
  /** The states of lane 1's devices, thermometer first. */
  deviceStates(): Promise<string[]>;
}

/**
 * One lane on real serial ports (socat pty pairs): a K3 thermometer (`t1`) and a line scanner (`s1`),
 * the test roster, a display client; started before the suite's tests once both devices are online,
 * stopped after them. `config` adds to or replaces the kiosk config's top-level keys.
 */
export function ptyLane(prefix: string, config: Record<string, unknown> = {}): PtyLane {
  const dir = tempDir(prefix);
  const thermometer = new PtyPair(join(dir.path, 'ttyKioskT'), join(dir.path, 'ttyDeviceT'));
  const scanner = new PtyPair(join(dir.path, 'ttyKioskS'), join(dir.path, 'ttyDeviceS'));
  const lane = { thermometer, scanner } as PtyLane;
  lane.deviceStates = async () =>
    (await getJson<{ devices: { state: string }[] }[]>(`${lane.kiosk.url}/api/lanes`))[0]?.devices.map(
      (d) => d.state,
    ) ?? [];
  beforeAll(async () => {
    await thermometer.open();
    await scanner.open();
    const file = join(dir.path, 'kiosk.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        school: { id: 'pty-001', name: 'PTY' },
        lanes: [
          {
            id: '1',
            name: '一号通道',
            devices: [
              {
                id: 't1',
                role: 'thermometer',
                model: 'k3-ascii',
                port: thermometer.hostPath,
                baudRate: 115200,
              },
              { id: 's1', role: 'scanner', model: 'line-scanner', port: scanner.hostPath, baudRate: 9600 },
            ],
          },
        ],
        roster: resolve('fixtures/roster/test-roster.csv'),
        simulation: { freshenRosterStatuses: true },
        ...config,
      }),
    );
    lane.kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: file });
    lane.display = new DisplayClient(lane.kiosk.url);
    await lane.display.connected();
    await waitUntil(
      async () => (await lane.deviceStates()).every((s) => s === 'online'),
      5_000,
      'devices online',
    );
  });
  afterAll(async () => {
    lane.display?.close();
    await lane.kiosk?.stop();
    await thermometer.close();
    await scanner.close();
    dir.remove();
  });
  return lane;
}

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKiosk } from '../../server/app.ts';
import { DisplayClient, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

interface Info {
  upload?: { configured: boolean; online: boolean; offlineSince: string | null; pending: number };
}

describe('the upload indicator on the gate display', () => {
  const dir = tempDir('gk-upload-info-');
  let kiosk: RunningKiosk;
  let display: DisplayClient;

  beforeAll(async () => {
    const config = join(dir.path, 'kiosk.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: 'up-001', name: 'Up' },
        lanes: [
          {
            id: '1',
            name: 'one',
            devices: [
              { id: 't1', role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
              { id: 's1', role: 'scanner', model: 'line-scanner', port: 'simulated' },
            ],
          },
        ],
        roster: resolve('fixtures/roster/test-roster.csv'),
        // Nothing listens here: the district is unreachable.
        upload: { endpoint: 'http://127.0.0.1:9', batchSize: 100 },
        simulation: { freshenRosterStatuses: true },
      }),
    );
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: config });
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('says the kiosk is offline, since when, and how many records wait', async () => {
    await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity: 'S0001', temperatureC: 36.5 });
    const info = await display.waitFor<Info>(
      'server:info',
      (i) => i.upload?.online === false && (i.upload?.pending ?? 0) >= 1,
      15_000,
    );
    expect(info.upload).toMatchObject({ configured: true, online: false, offlineSince: expect.any(String) });
  });
});

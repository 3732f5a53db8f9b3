import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../drivers/hex.ts';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { DisplayClient, postJson, startTestKiosk, tempDir, waitUntil } from '../helpers/kiosk.ts';

describe('a lane with a barrier relay', () => {
  const dir = tempDir('gk-barrier-');
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  const sent: { hex: string; at: number }[] = [];

  beforeAll(async () => {
    const config = join(dir.path, 'kiosk.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: 'barrier-001', name: 'Barrier' },
        lanes: [
          {
            id: '1',
            name: 'gate',
            devices: [
              { id: 't1', role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
              { id: 's1', role: 'scanner', model: 'line-scanner', port: 'simulated' },
              { id: 'r1', role: 'relay', model: 'lcus-relay', port: 'simulated', channel: 1, pulseMs: 300 },
            ],
          },
        ],
        roster: resolve('fixtures/roster/test-roster.csv'),
        simulation: { freshenRosterStatuses: true },
      }),
    );
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath: config });
    kiosk.devices
      .find((d) => d.config.id === 'r1')
      ?.link.on('tx', (b) => sent.push({ hex: toHex(b), at: Date.now() }));
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  async function arrive(identity: string, temperatureC: number): Promise<LaneUpdate> {
    const mark = display.mark;
    await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity, temperatureC });
    return display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided', 10_000, mark);
  }

  it('pulses the barrier open on a pass: on, then off after the pulse', async () => {
    expect((await arrive('S0001', 36.5)).decision).toBe('pass');
    await waitUntil(() => sent.length === 2, 3_000, 'on and off');
    expect(sent.map((s) => s.hex)).toEqual(['a00101a2', 'a00100a1']);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it('keeps it shut for every flag', async () => {
    sent.length = 0;
    expect((await arrive('S0003', 36.5)).decision).toBe('code_red');
    expect((await arrive('S0001', 38.4)).decision).toBe('fever');
    expect((await arrive('NOBODY', 36.5)).decision).toBe('unknown_person');
    await new Promise((r) => setTimeout(r, 400));
    expect(sent).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { authedFetch, type DisplayClient, getJson, kioskWithDisplay, waitUntil } from '../helpers/kiosk.ts';
import { ptyLane } from '../helpers/pty-lane.ts';

/** A K3 Pro measurement as the device prints it: noise, the compensated value, then the final one. */
const k3 = (bodyC: number) =>
  `T Object = 34.320 C\r\nT body = ${(bodyC + 0.1).toFixed(3)} C, ambience compensate\r\nT body = ${bodyC.toFixed(3)} C, weak high\r\n`;

/** Blocks this process's event loop, as a slow moment of the kiosk would. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy */
  }
}

interface Row {
  id: string;
  personId: string | null;
  temperatureC: number | null;
  decision: string;
  reasons: { code: string }[];
}

describe('who a reading belongs to, at a real gate: real ports over socat, real timing', () => {
  const lane = ptyLane('gk-pairing-', { sessions: [] });
  const { thermometer, scanner } = lane;
  let kiosk: RunningKiosk;
  let display: DisplayClient;
  beforeAll(() => {
    ({ kiosk, display } = lane);
  });

  const rows = () => getJson<Row[]>(`${kiosk.url}/api/screenings?limit=100`);
  const decided = (from: number, match: (u: LaneUpdate) => boolean = () => true) =>
    display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided' && match(u), 10_000, from);
  const waiting = (from: number) =>
    display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'waiting', 10_000, from);

  it('keeps a re-take on the pupil who took it, and the next pupil gets their own reading', async () => {
    let mark = display.mark;
    scanner.write('S0001\r\n');
    await waiting(mark);
    mark = display.mark;
    thermometer.write(k3(34.1));
    expect(await decided(mark)).toMatchObject({ decision: 'retake', person: { displayName: '张*丰' } });
    // The pupil measures again without scanning again: still theirs, though the next pupil is close behind.
    mark = display.mark;
    await new Promise((r) => setTimeout(r, 600));
    thermometer.write(k3(38.6));
    expect(await decided(mark)).toMatchObject({
      decision: 'fever',
      temperatureC: 38.6,
      person: { displayName: '张*丰' },
    });
    await new Promise((r) => setTimeout(r, 400));
    mark = display.mark;
    scanner.write('T0001\r\n');
    await waiting(mark);
    await new Promise((r) => setTimeout(r, 500));
    thermometer.write(k3(36.5));
    expect(await decided(mark)).toMatchObject({
      decision: 'pass',
      temperatureC: 36.5,
      person: { displayName: '周*师' },
    });
    const got = await rows();
    expect(got.map((r) => [r.personId, r.temperatureC, r.decision]).reverse()).toEqual([
      ['S0001', 34.1, 'retake'],
      ['S0001', 38.6, 'fever'],
      ['T0001', 36.5, 'pass'],
    ]);
  });

  it('puts a hand waved at the thermometer on nobody, at once, and not on the next pupil', async () => {
    await new Promise((r) => setTimeout(r, 1_600));
    let mark = display.mark;
    const wrote = performance.now();
    thermometer.write(k3(33.0));
    const stray = await decided(mark);
    console.log(`stray reading → tile "${stray.message.zh}" in ${(performance.now() - wrote).toFixed(1)} ms`);
    expect(stray).toMatchObject({ decision: 'no_identity', message: { zh: '请先扫码再测温' } });
    expect(stray.person).toBeUndefined();
    mark = display.mark;
    scanner.write('S0002\r\n');
    await waiting(mark);
    await new Promise((r) => setTimeout(r, 500));
    thermometer.write(k3(36.6));
    expect(await decided(mark)).toMatchObject({
      decision: 'code_yellow',
      temperatureC: 36.6,
      person: { displayName: '李*' },
    });
    const got = await rows();
    expect(got.find((r) => r.temperatureC === 33)).toMatchObject({ personId: null, decision: 'no_identity' });
    expect(got.find((r) => r.personId === 'S0002')).toMatchObject({ temperatureC: 36.6 });
  });

  it('puts the reading of someone who measured without scanning on nobody at once, never on the next pupil', async () => {
    // Scan first (the default): a pupil without a card measures and walks on; the next pupil scans
    // 300 ms later and measures 700 ms after that. Each reading stays with its own person.
    await new Promise((r) => setTimeout(r, 1_600));
    const mark = display.mark;
    thermometer.write(k3(36.8));
    await new Promise((r) => setTimeout(r, 300));
    scanner.write('S0003\r\n');
    await new Promise((r) => setTimeout(r, 700));
    thermometer.write(k3(36.4));
    await decided(mark, (u) => u.temperatureC === 36.4);
    // The tile said so before the next pupil scanned (not "measured: now scan", held for them).
    const tile = display.events
      .slice(mark)
      .filter((e) => e.name === 'lane:update')
      .map((e) => e.data as LaneUpdate)
      .map((u) => [u.state, u.decision, u.temperatureC, u.person && 'person'].filter(Boolean).join(' '));
    expect(tile).toEqual([
      'decided no_identity 36.8',
      'waiting person',
      expect.stringMatching(/^decided \w+ 36.4 person$/),
    ]);
    const got = await rows();
    expect(got.find((r) => r.temperatureC === 36.8)).toMatchObject({
      personId: null,
      decision: 'no_identity',
    });
    expect(got.filter((r) => r.personId === 'S0003').map((r) => r.temperatureC)).toEqual([36.4]);
  });

  it('keeps the order of a reading and the next scan that come while the kiosk is busy', async () => {
    await new Promise((r) => setTimeout(r, 1_600));
    let mark = display.mark;
    scanner.write('S0001\r\n');
    await waiting(mark);
    const before = (await rows()).length;
    mark = display.mark;
    // S0001 measures, and T0001 scans 5 ms later, while the kiosk's main thread is busy for 300 ms:
    // the ports are read on their own thread, so the order of the bytes is still known.
    thermometer.writeNow(k3(36.7));
    const t0 = Date.now();
    stall(5);
    scanner.writeNow('T0001\r\n');
    stall(300 - (Date.now() - t0));
    expect(await decided(mark)).toMatchObject({
      decision: 'pass',
      temperatureC: 36.7,
      person: { displayName: '张*丰' },
    });
    // T0001's visit opened when the scan was read (before S0001's decision was committed and shown).
    await waiting(mark);
    mark = display.mark;
    // T0001 measures a moment after scanning, as a person does.
    await new Promise((r) => setTimeout(r, 400));
    thermometer.write(k3(36.4));
    expect(await decided(mark)).toMatchObject({ decision: 'pass', temperatureC: 36.4 });
    await waitUntil(async () => (await rows()).length >= before + 2, 5_000, 'two records');
    const got = (await rows()).slice(0, 2).map((r) => [r.personId, r.decision, r.temperatureC]);
    expect(got.sort()).toEqual([
      ['S0001', 'pass', 36.7],
      ['T0001', 'pass', 36.4],
    ]);
    const metrics = await (await authedFetch(`${kiosk.url}/metrics`)).text();
    expect(metrics).not.toMatch(/gate_kiosk_lane_order_unknown_total\{lane="1",cause="same_turn"\} [1-9]/);
  });
});

describe('a reading and a scan read in one turn, on ports read by the main thread', () => {
  const running = kioskWithDisplay('gk-same-turn-');

  it('sends both pupils to verify, records the reading on nobody and counts it', async () => {
    const { kiosk, display } = running;
    const device = (role: string) => {
      const found = kiosk.devices.find((d) => d.laneId === '1' && d.config.role === role)?.simulator;
      if (!found) throw new Error(`lane 1 has no simulated ${role}`);
      return found;
    };
    const enc = (text: string) => new TextEncoder().encode(text);
    let mark = display.mark;
    device('scanner').inject(enc('S0001\r\n'));
    await display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'waiting', 5_000, mark);
    mark = display.mark;
    // Simulated ports are read on the main thread: bytes of both devices that are there when it
    // gets to them are read in one turn, and their order is unknown.
    device('thermometer').inject(enc(k3(36.7)));
    device('scanner').inject(enc('T0001\r\n'));
    const first = await display.waitFor<LaneUpdate>('lane:update', (u) => u.state === 'decided', 5_000, mark);
    expect(first).toMatchObject({ decision: 'verify', message: { zh: '请重新扫码测温' } });
    await waitUntil(
      async () => (await getJson<Row[]>(`${kiosk.url}/api/screenings?limit=10`)).length >= 3,
      5_000,
      'three records',
    );
    const got = await getJson<Row[]>(`${kiosk.url}/api/screenings?limit=10`);
    expect(
      got
        .filter((r) => r.personId !== null)
        .map((r) => [r.personId, r.decision, r.temperatureC])
        .sort(),
    ).toEqual([
      ['S0001', 'verify', null],
      ['T0001', 'verify', null],
    ]);
    expect(got.find((r) => r.temperatureC === 36.7)).toMatchObject({ personId: null });
    for (const r of got) expect(r.reasons.map((x) => x.code)).toContain('ambiguous_order');
    const metrics = await (await authedFetch(`${kiosk.url}/metrics`)).text();
    expect(metrics).toMatch(/gate_kiosk_lane_order_unknown_total\{lane="1",cause="same_turn"\} 1/);
  });
});

import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKiosk } from '../../server/app.ts';
import { postJson, sessionFor, startTestKiosk, tempDir, waitUntil } from '../helpers/kiosk.ts';

interface Frame {
  deviceId: string;
  dir: 'rx' | 'tx';
  hex: string;
  events: { kind: string; text?: string; bodyC?: number }[];
}

describe('diagnostics for maintenance staff', () => {
  const dir = tempDir('gk-diag-');
  let kiosk: RunningKiosk;
  let diag: Socket;
  const frames: Frame[] = [];
  let devices: { deviceId: string; fixtures: string[]; canSelfTest: boolean }[] = [];

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path);
    diag = io(`${kiosk.url}/diag`, {
      transports: ['websocket'],
      extraHeaders: { cookie: `gk_session=${sessionFor(kiosk.url)?.token}` },
    });
    diag.on('frame', (f: Frame) => frames.push(f));
    diag.on('devices', (d: typeof devices) => {
      devices = d;
    });
    await waitUntil(() => devices.length > 0, 5_000, 'devices list');
  });
  afterAll(async () => {
    diag?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('lists every device with the fixtures it can play', () => {
    expect(devices.map((d) => d.deviceId)).toEqual(['t1', 's1', 't2', 's2']);
    expect(devices[0]?.fixtures).toEqual(
      expect.arrayContaining(['k3-ascii-normal.jsonl', 'k3-ascii-faults.jsonl']),
    );
    expect(devices[1]?.fixtures).toEqual(expect.arrayContaining(['line-scanner-normal.jsonl']));
  });

  it('streams raw bytes with their decoded events, masking what a scan says', async () => {
    await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity: 'S0001', temperatureC: 36.6 });
    await waitUntil(
      () => frames.some((f) => f.deviceId === 't1' && f.events.some((e) => e.bodyC === 36.6)),
      5_000,
      't1 reading',
    );
    const scan = frames.find((f) => f.deviceId === 's1' && f.events.length > 0);
    // No character of the scan: one star for each of its five.
    expect(scan?.events[0]).toMatchObject({ kind: 'identity', text: '*****' });
    const scanHex = frames
      .filter((f) => f.deviceId === 's1')
      .map((f) => f.hex)
      .join('');
    expect(scanHex).not.toContain(Buffer.from('S0001').toString('hex'));
    expect(scanHex).toMatch(/^(\*\*)+0d$/);
    const reading = frames
      .filter((f) => f.deviceId === 't1')
      .map((f) => f.hex)
      .join('');
    expect(Buffer.from(reading, 'hex').toString()).toContain('T body = 36.600 C');
  });

  it('shows no character of a scan with punctuation either, in the event or the bytes', async () => {
    const from = frames.length;
    await postJson(`${kiosk.url}/api/sim/lanes/2/arrivals`, { identity: 'S20-26/03.X' });
    await waitUntil(
      () => frames.slice(from).some((f) => f.deviceId === 's2' && f.events.length > 0),
      5_000,
      's2 scan',
    );
    const s2 = frames.slice(from).filter((f) => f.deviceId === 's2');
    expect(s2.flatMap((f) => f.events)).toEqual([expect.objectContaining({ text: '***********' })]);
    expect(s2.map((f) => f.hex).join('')).toMatch(/^(\*\*){11}0d$/);
  });

  it('plays a recorded fixture into a simulated device', async () => {
    const answer = await diag
      .timeout(5_000)
      .emitWithAck('replay', { deviceId: 't2', fixture: 'k3-ascii-normal.jsonl' });
    expect(answer).toMatchObject({ ok: true });
    await waitUntil(
      () => frames.filter((f) => f.deviceId === 't2' && f.events.length > 0).length >= 2,
      10_000,
      'replayed readings',
    );
    const wrong = await diag
      .timeout(5_000)
      .emitWithAck('replay', { deviceId: 't2', fixture: 'line-scanner-normal.jsonl' });
    expect(wrong).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/line-scanner, not k3-ascii/),
      zh: expect.stringMatching(/属于 line-scanner，不是 k3-ascii/),
    });
    const outside = await diag
      .timeout(5_000)
      .emitWithAck('replay', { deviceId: 't2', fixture: '../../package.json' });
    expect(outside).toMatchObject({ ok: false });
  });

  it('says when a model cannot be self-tested', async () => {
    const answer = await diag.timeout(5_000).emitWithAck('selftest', { deviceId: 't1' });
    expect(answer).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/answers no request/),
      zh: expect.stringMatching(/不应答任何请求/),
      en: expect.stringMatching(/answers no request/),
    });
  });

  it('exports device states, counters and decisions on /metrics', async () => {
    const text = await (await fetch(`${kiosk.url}/metrics`)).text();
    expect(text).toMatch(/gate_kiosk_device_up\{lane="1",device="t1",model="k3-ascii"\} 1/);
    expect(text).toMatch(/gate_kiosk_device_frames_total\{lane="1",device="t1",model="k3-ascii"\} [1-9]/);
    expect(text).toMatch(/gate_kiosk_screenings_total\{lane="1",decision="pass"\} 1/);
    expect(text).toMatch(/gate_kiosk_outbox_pending [1-9]/);
  });
});

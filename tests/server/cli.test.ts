import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gateKiosk as cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/kiosk.ts';

const run = promisify(execFile);

async function gateKiosk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/gate-kiosk.js', ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the gate-kiosk command', () => {
  const dir = tempDir('gk-cli-');
  afterAll(() => dir.remove());

  it('explains itself with --help', async () => {
    const out = await gateKiosk('--help');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/start \[options\]/);
    const start = await gateKiosk('start', '--help');
    expect(start.stdout).toMatch(/--config <file>/);
    expect(start.stdout).toMatch(/--data <dir>/);
  });

  it('stops a start with an invalid config, listing every problem with its path (exit 1)', async () => {
    const file = join(dir.path, 'bad.yaml');
    writeFileSync(
      file,
      `school: { id: s1, name: S }
rules: { feverC: 41 }
lanes:
  - id: "1"
    name: one
    devices:
      - { id: t1, role: thermometer, model: k3-ascii, port: simulated }
  - id: "2"
    name: two
    devices:
      - { id: t2, role: thermometer, model: xyz, port: simulated }
`,
    );
    const out = await gateKiosk('start', '--config', file, '--data', join(dir.path, 'data'));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(file);
    expect(out.stderr).toContain(
      'lanes[1].devices[0].model: unknown model "xyz"; known: gy-mcu90614, cjmcu-90614, idc50, k3-ascii, gd60914, line-scanner, zebra-ssi, gm65, rdm6300, em18, lcus-relay',
    );
    expect(out.stderr).toMatch(/rules\.feverC: /);
  });

  it('says what an account or display command refuses in Chinese, then English', async () => {
    const common = ['--config', 'fixtures/config/test.yaml', '--data', join(dir.path, 'accounts')];
    const add = (input: string) =>
      cli(['user', 'add', '--name', 'wang', '--role', 'nurse', ...common], { input });
    const added = await add('wang-password-long\nwang-password-long\n');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('已添加 nurse 账号 "wang"\nadded nurse "wang"\n');
    expect(await add('wang-password-long\nwang-password-long\n')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('gate-kiosk: 账号 "wang" 已存在 / a user "wang" exists already\n'),
    });
    expect((await add('short\nshort\n')).stderr).toContain(
      'gate-kiosk: 密码太弱：至少 10 个字符 / the password is too weak: at least 10 characters\n',
    );
    const display = await cli(['display', 'add', '--lanes', '1,9', ...common]);
    expect(display.code).toBe(1);
    expect(display.stderr).toContain(
      'gate-kiosk: 未知通道 9；已有通道：1、2 / unknown lane(s) 9; lanes: 1, 2\n',
    );
    expect((await cli(['display', 'revoke', '42', ...common])).stderr).toBe(
      'gate-kiosk: 没有使用中的显示屏 42 / no active display 42\n',
    );
  });

  it('exits 2 on bad usage', async () => {
    expect((await gateKiosk('start', '--port', 'eighty')).code).toBe(2);
    expect((await gateKiosk('frobnicate')).code).toBe(2);
  });

  it('replays a fixture and fails naming the line of a mismatch', async () => {
    const ok = await gateKiosk('replay', 'fixtures/transcripts/k3-ascii-normal.jsonl');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/5 events; frames \d+, bad checksums 0/);
    const bad = join(dir.path, 'bad.jsonl');
    writeFileSync(
      bad,
      [
        '{"model":"line-scanner","baudRate":9600}',
        '{"t":0,"dir":"rx","hex":"53303030310d"}',
        '{"expect":{"kind":"identity","text":"S0002"}}',
      ].join('\n'),
    );
    const out = await gateKiosk('replay', bad);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/bad\.jsonl:3: /);
    writeFileSync(bad, '{"model":"line-scanner","baudRate":9600}\n{"t":0,"dir":"rx","hex":"5x"}\n');
    const broken = await gateKiosk('replay', bad);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/bad\.jsonl: .*line 2/);
  });
});

describe('gate-kiosk diag and ports', () => {
  const dir = tempDir('gk-diag-cli-');
  afterAll(() => dir.remove());

  /** A config file with one lane of these devices. */
  const oneLane = (name: string, devices: Record<string, unknown>[]): string => {
    const file = join(dir.path, name);
    writeFileSync(
      file,
      JSON.stringify({ school: { id: 's', name: 'S' }, lanes: [{ id: '1', name: 'one', devices }] }),
    );
    return file;
  };

  it('watches the configured devices and ends with their counters (--json)', async () => {
    const out = await gateKiosk(
      'diag',
      '--config',
      'fixtures/config/test.yaml',
      '--device',
      't1',
      '--seconds',
      '1',
      '--json',
    );
    expect(out.code).toBe(0);
    const records = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; device: string; state?: string });
    expect(records[0]).toMatchObject({ type: 'state', device: 't1', state: 'online' });
    expect(records.at(-1)).toMatchObject({
      type: 'summary',
      device: 't1',
      wasOnline: true,
      counters: { frames: 0 },
    });
  });

  it('shows no character of a scan, in events or bytes', async () => {
    const file = oneLane('scans.yaml', [
      {
        id: 's1',
        role: 'scanner',
        model: 'line-scanner',
        port: 'simulated',
        transcript: resolve('fixtures/transcripts/line-scanner-normal.jsonl'),
      },
    ]);
    const out = await gateKiosk('diag', '--config', file, '--device', 's1', '--seconds', '2', '--json');
    expect(out.code).toBe(0);
    // The recording's first scan is the pupil id 2024030117.
    expect(out.stdout).not.toContain('2024030117');
    expect(out.stdout).not.toContain(Buffer.from('2024030117').toString('hex'));
    const records = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; hex?: string; event?: { text?: string } });
    const events = records.filter((r) => r.type === 'event');
    expect(events[0]?.event).toMatchObject({ kind: 'identity', text: '**********' });
    for (const e of events) expect(e.event?.text).toMatch(/^\*+(…\(\d+\))?$/);
    for (const r of records.filter((x) => x.type === 'rx'))
      expect(r.hex).toMatch(/^(\*\*|[01][0-9a-f]|7f)+$/);
  });

  it('runs a model’s self-test and prints the result Chinese first', async () => {
    const file = oneLane('selftest.yaml', [
      { id: 't1', role: 'thermometer', model: 'gy-mcu90614', port: 'simulated' },
    ]);
    const out = await gateKiosk('diag', '--config', file, '--seconds', '2');
    expect(out.code).toBe(0);
    // Each state change says what it means, Chinese first, then the link's own words.
    expect(out.stdout).toMatch(/1\/t1 已连接 simulated:\S+ · online: open simulated:/);
    expect(out.stdout).toMatch(/1\/t1 gy-mcu90614 simulated:\S+：在线；帧 \d+，/);
    expect(out.stdout).toMatch(/→ 表面 object \d+\.\d\d °C, 环境 ambient \d+\.\d\d °C/);
    expect(out.stdout).toMatch(
      /1\/t1 自检通过：请模块测一次温（A5 15 BA），等待有效帧：\d+ 毫秒内应答 · self-test passed: Asks the module for one reading \(A5 15 BA\) and waits for a valid frame: answered in \d+ ms/,
    );
  });

  it('fails naming a device that never came online', async () => {
    const file = oneLane('real.yaml', [
      { id: 't9', role: 'thermometer', model: 'k3-ascii', port: join(dir.path, 'ttyNOPE') },
    ]);
    const out = await gateKiosk('diag', '--config', file, '--seconds', '1');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /t9：从未上线（测温枪未连接：找不到 .*ttyNOPE）.* \/ t9: never online \(.*ttyNOPE is not connected\)/,
    );
    expect((await gateKiosk('diag', '--config', file, '--device', 'zz', '--seconds', '1')).stderr).toMatch(
      /中没有设备 "zz"；已有设备：t9 \/ no device "zz".*devices: t9/,
    );
  });

  it('lists serial ports as JSON', async () => {
    const out = await gateKiosk('ports', '--json');
    expect(out.code).toBe(0);
    expect(Array.isArray(JSON.parse(out.stdout))).toBe(true);
  });
});

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, gateKiosk, hasCommand } from '../helpers/cli.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';

const hasScript = await hasCommand('script');

type Line = Record<string, unknown> & { level: number; msg: string };

/** Runs `gate-kiosk start` on the demo config for a few seconds and returns what it printed. */
async function runDemo(dataDir: string, ms: number, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawn(
    process.execPath,
    [BIN, 'start', '--config', 'fixtures/config/demo.yaml', '--data', dataDir, '--port', '0'],
    { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await waitUntil(() => out.includes('gate-kiosk ready'), 20_000, 'the demo ready');
  await new Promise((r) => setTimeout(r, ms));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return out;
}

describe('the log: JSON for machines, readable on a terminal, filtered by gate-kiosk logs', () => {
  const dir = tempDir('gk-logs-');
  const file = join(dir.path, 'kiosk.log');
  let lines: Line[];
  beforeAll(async () => {
    const out = await runDemo(join(dir.path, 'data'), 3000);
    const json = out.split('\n').filter((l) => l.startsWith('{'));
    // One refusal as the lanes log it, for the level filter.
    json.push(
      JSON.stringify({
        level: 50,
        time: Date.now(),
        app: 'gate-kiosk',
        lane: '2',
        zh: '检测未能记录',
        msg: 'screening not recorded',
      }),
    );
    writeFileSync(file, `${json.join('\n')}\nnot a log line\n`);
    lines = json.map((l) => JSON.parse(l) as Line);
  });
  afterAll(() => dir.remove());

  it('says once, as information, that the demo has no district collector', () => {
    const district = lines.filter((l) => /district|collector/.test(l.msg));
    expect(district).toHaveLength(1);
    expect(district[0]?.level).toBe(30);
    expect(district[0]?.msg).toContain('demo: no district collector is running');
    expect(district[0]?.zh).toContain('演示：没有运行区级收集端');
    expect(lines.filter((l) => l.level >= 40 && l.msg !== 'screening not recorded')).toEqual([]);
  });

  it('says every line in Chinese beside its English', () => {
    expect(lines.length).toBeGreaterThan(5);
    const han = /\p{Script=Han}/u;
    expect(lines.filter((l) => typeof l.zh !== 'string' || !han.test(l.zh)).map((l) => l.msg)).toEqual([]);
    expect(lines.find((l) => l.msg === 'gate-kiosk ready')?.zh).toBe('闸机已就绪');
  });

  it('filters by lane, device and level, as JSON lines or readable ones, from a file or piped in', async () => {
    const byLane = await gateKiosk(['logs', file, '--lane', '2', '--json']);
    expect(byLane.code).toBe(0);
    const lane2 = byLane.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lane2.length).toBe(lines.filter((l) => l.lane === '2').length);
    expect(lane2.length).toBeGreaterThanOrEqual(3);
    expect(lane2.every((l) => l.lane === '2')).toBe(true);

    const t1 = await gateKiosk(['logs', file, '--device', 't1', '--json']);
    const device = t1.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(device.length).toBeGreaterThanOrEqual(1);
    expect(device.every((l) => l.device === 't1')).toBe(true);

    const errors = await gateKiosk(['logs', file, '--level', 'warn', '--json']);
    expect(
      errors.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Line).msg),
    ).toEqual(['screening not recorded']);

    const readable = await gateKiosk(['logs', file, '--lane', '1']);
    expect(readable.code).toBe(0);
    expect(readable.stdout).not.toContain('{"level"');
    expect(readable.stdout).toMatch(/INFO.*设备状态：.* \/ device state/);
    expect(readable.stdout).not.toContain('not a log line');

    const piped = await gateKiosk(['logs', '--device', 's2', '--json'], {
      input: readFileSync(file, 'utf8'),
    });
    expect(
      piped.stdout
        .trim()
        .split('\n')
        .every((l) => (JSON.parse(l) as Line).device === 's2'),
    ).toBe(true);

    const everything = await gateKiosk(['logs', file]);
    expect(everything.stdout).toContain('not a log line');

    const since = await gateKiosk(['logs', file, '--since', 'yesterday-ish']);
    expect(since.code).toBe(1);
    expect(since.stderr).toContain('is not a time');
    const future = await gateKiosk(['logs', file, '--since', '2099-01-01 00:00', '--json']);
    expect(future.stdout).toBe('');
  });

  it.skipIf(!hasScript)('prints readable lines when its output is a terminal', async () => {
    const data = join(dir.path, 'tty-data');
    const transcript = join(dir.path, 'tty.txt');
    const command = `${process.execPath} ${BIN} start --config fixtures/config/demo.yaml --data ${data} --port 0`;
    const child = spawn('script', ['-qefc', command, transcript], {
      env: { ...process.env, LOG_LEVEL: 'info', GATE_KIOSK_LOG_FORMAT: '' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    try {
      await waitUntil(() => out.includes('gate-kiosk ready'), 20_000, 'the demo ready on a terminal');
    } finally {
      child.kill('SIGTERM');
    }
    expect(out).toMatch(/INFO.*闸机已就绪 \/ gate-kiosk ready/);
    expect(out).not.toContain('{"level"');
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../kiosk/store/database.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { BIN, gateKiosk } from '../helpers/cli.ts';
import { dailyCopy } from '../helpers/daily-copy.ts';
import { driveLanes, loadConfig } from '../helpers/gate-load.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';

type Row = Record<string, unknown>;

function rows(file: string, sql: string): Row[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as Row[];
  } finally {
    db.close();
  }
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

const SCREENINGS =
  'SELECT id, at, lane_id, person_id, temperature_c, decision, reasons FROM screenings ORDER BY id';
const QUEUED = "SELECT record_id FROM outbox WHERE kind = 'screening' ORDER BY record_id";

describe('backups while 16 lanes decide, and restores', () => {
  const dir = tempDir('gk-backup-');
  const config = join(dir.path, 'load.yaml');
  const data = join(dir.path, 'data');
  let kiosk: RunningKiosk;
  beforeAll(async () => {
    writeFileSync(config, JSON.stringify(loadConfig(16, { backup: { keep: 3 } })));
    kiosk = await startKiosk({
      configPath: config,
      dataDir: data,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it("backs up with SQLite's online backup while the lanes decide at 16 × 5/s; a restore gives the same rows, integrity ok", async () => {
    const load = driveLanes(kiosk, 5);
    let during = 0;
    let backup: Awaited<ReturnType<typeof gateKiosk>>;
    const out = join(dir.path, 'under-load.sqlite');
    try {
      await waitUntil(() => kiosk.commits.records >= 100, 20_000, '100 decisions');
      const before = kiosk.commits.records;
      backup = await gateKiosk(['backup', '--config', config, '--data', data, '--out', out]);
      during = kiosk.commits.records - before;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await load.stop();
    }
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`backup written: ${out}`);
    console.log(
      `backup under load: the command took ${backup.ms} ms while the lanes committed ${during} decisions (${Math.round((during * 1000) / backup.ms)}/s)`,
    );
    // The lanes kept deciding while the copy was taken.
    expect(during).toBeGreaterThan(0);
    expect(integrity(out)).toBe('ok');
    const copied = rows(out, SCREENINGS);
    expect(copied.length).toBeGreaterThan(0);
    // One consistent moment: each screening with its outbox entry (written in the same transaction).
    expect(rows(out, QUEUED).map((r) => r.record_id)).toEqual(copied.map((r) => r.id));
    // Every copied row is the live row; the live file has the later ones too.
    const live = new Map(rows(join(data, DATABASE_FILE), SCREENINGS).map((r) => [r.id, r]));
    expect(live.size).toBeGreaterThan(copied.length);
    for (const r of copied) expect(live.get(r.id)).toEqual(r);

    const restoredDir = join(dir.path, 'restored');
    const restored = await gateKiosk(['restore', out, '--config', config, '--data', restoredDir]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`${copied.length} screenings`);
    const file = join(restoredDir, DATABASE_FILE);
    expect(integrity(file)).toBe('ok');
    expect(rows(file, SCREENINGS)).toEqual(copied);
  });

  it('keeps the newest backup.keep daily copies, named for the school day', async () => {
    const backups = join(data, 'backups');
    mkdirSync(backups, { recursive: true });
    for (const day of ['2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06'])
      copyFileSync(join(dir.path, 'under-load.sqlite'), join(backups, `gate-kiosk-${day}.sqlite`));
    writeFileSync(join(backups, 'notes.txt'), 'kept: not a daily copy');
    const out = await gateKiosk(['backup', '--config', config, '--data', data]);
    expect(out.code).toBe(0);
    const today = zonedMoment(new Date(), 'Asia/Shanghai').date;
    expect(readdirSync(backups).sort()).toEqual(
      [
        'gate-kiosk-2026-01-05.sqlite',
        'gate-kiosk-2026-01-06.sqlite',
        `gate-kiosk-${today}.sqlite`,
        'notes.txt',
      ].sort(),
    );
    expect(out.stdout).toContain('removed the old copy');
    expect(integrity(join(backups, `gate-kiosk-${today}.sqlite`))).toBe('ok');
  });

  it('takes the day’s copy by itself when backup.daily is set', async () => {
    const dailyConfig = join(dir.path, 'daily.yaml');
    writeFileSync(dailyConfig, JSON.stringify(loadConfig(2, { backup: { daily: '00:00', keep: 2 } })));
    const dailyData = join(dir.path, 'daily-data');
    const daily = await startKiosk({
      configPath: dailyConfig,
      dataDir: dailyData,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    try {
      const file = await dailyCopy(dailyData);
      expect(integrity(file)).toBe('ok');
      expect(rows(file, 'SELECT count(*) AS n FROM people')).toEqual([{ n: 360 }]);
    } finally {
      await daily.stop();
    }
  });
});

describe('gate-kiosk restore refuses what it must', () => {
  const dir = tempDir('gk-restore-');
  const data = join(dir.path, 'data');
  const config = 'fixtures/config/test.yaml';
  let running: ChildProcess | null = null;
  afterAll(() => {
    if (running?.exitCode === null) running.kill('SIGKILL');
    dir.remove();
  });

  it('while a kiosk serves from the folder; a damaged backup; and keeps the current file aside', async () => {
    running = spawn(process.execPath, [BIN, 'start', '--config', config, '--data', data, '--port', '0'], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    running.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    await waitUntil(() => stdout.includes('serving'), 20_000, 'the kiosk serving');
    const good = join(dir.path, 'good.sqlite');
    expect((await gateKiosk(['backup', '--config', config, '--data', data, '--out', good])).code).toBe(0);

    const refused = await gateKiosk(['restore', good, '--config', config, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`kiosk 正在使用这个数据文件夹（进程 ${running.pid}）`);
    expect(refused.stderr).toContain(
      `a kiosk is serving from this data folder (process ${running.pid}): stop it first`,
    );

    const exited = new Promise((r) => running?.once('exit', r));
    running.kill('SIGTERM');
    await exited;
    const live = join(data, DATABASE_FILE);
    const current = readFileSync(live);

    // Bytes scribbled over a page in the middle of the file.
    const damaged = join(dir.path, 'damaged.sqlite');
    copyFileSync(good, damaged);
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(512, 0x5a), 0, 512, 4096 * 3 + 16);
    closeSync(fd);
    const bad = await gateKiosk(['restore', damaged, '--config', config, '--data', data]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/未通过完整性检查，没有恢复/);
    expect(bad.stderr).toMatch(/failed SQLite's integrity check; nothing restored/);
    expect(readFileSync(live).equals(current)).toBe(true);

    const ok = await gateKiosk(['restore', good, '--config', config, '--data', data, '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const result = JSON.parse(ok.stdout) as { keptAside: string; to: string };
    expect(result.to).toBe(live);
    expect(readFileSync(result.keptAside).equals(current)).toBe(true);
    expect(integrity(live)).toBe('ok');
  });
});

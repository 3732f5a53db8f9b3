// `gate-kiosk roster import`: counts on success, every bad row on stderr with exit 1, a file past the
// limits refused in both languages (from the sources and from the bundle), exit 2 on bad usage, and a
// dry run that writes nothing.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { openDatabase } from '../../kiosk/store/database.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { rosterWorkbook, zipBomb } from '../helpers/roster-files.ts';

const run = promisify(execFile);

async function gateKiosk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return command('bin/gate-kiosk.js', args);
}

/**
 * `bin/gate-kiosk.js` with GATE_KIOSK_SOURCES=1 runs the sources; `dist/gate-kiosk.js` is the bundle
 * that `npm start` and the command otherwise run (built by `npm run build`).
 */
async function command(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const env = { ...process.env, ...(script.startsWith('bin/') ? { GATE_KIOSK_SOURCES: '1' } : {}) };
    const { stdout, stderr } = await run('node', [script, ...args], { timeout: 20_000, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('gate-kiosk roster import', () => {
  const dir = tempDir('gk-roster-cli-');
  afterAll(() => dir.remove());
  const data = join(dir.path, 'data');
  const common = ['--config', 'fixtures/config/test.yaml', '--data', data];
  const current = () => {
    const db = openDatabase(data);
    try {
      return new PeopleStore(db).current();
    } finally {
      db.close();
    }
  };

  it('previews with --dry-run, then imports, then re-imports with updated and left counts', async () => {
    const dry = await gateKiosk(
      'roster',
      'import',
      'fixtures/roster/roster-good.xlsx',
      '--dry-run',
      ...common,
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'fixtures/roster/roster-good.xlsx：预览，未写入：将新增 8 人，更新 0 人，标记离校 0 人；0 人不变\n' +
        'fixtures/roster/roster-good.xlsx: dry run, nothing written: would add 8, update 0, mark 0 left; 0 unchanged',
    );
    expect(dry.stdout).toMatch(/ {2}added {4}row 7 {2}S0007 {2}𠮷田一 {2}student {2}grade 5 1班\n/);
    expect(dry.stderr).toContain(
      '警告：第 1 行，备注：第 K 列不是名单列，已忽略 / warning: row 1, 备注: column K is not a roster column; ignored',
    );
    expect(current()).toEqual([]);

    const real = await gateKiosk('roster', 'import', 'fixtures/roster/roster-good.xlsx', ...common);
    expect(real.code).toBe(0);
    expect(real.stdout).toBe(
      'fixtures/roster/roster-good.xlsx：已导入 8 人：新增 8，更新 0，离校 0，不变 0\n' +
        'fixtures/roster/roster-good.xlsx: imported 8 people: added 8, updated 0, left 0, unchanged 0\n',
    );
    expect(current().map((p) => p.id)).toEqual([
      'S0001',
      'S0002',
      'S0003',
      'S0005',
      'S0006',
      'S0007',
      'S0008',
      'T0001',
    ]);

    const again = await gateKiosk('roster', 'import', 'fixtures/roster/test-roster.csv', '--json', ...common);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      file: 'fixtures/roster/test-roster.csv',
      imported: 6,
      dryRun: false,
      counts: { added: 1, updated: 1, removed: 3, unchanged: 4 },
      added: [{ id: 'S0004' }],
      updated: [{ id: 'S0001', fields: ['card'] }],
      errors: [],
    });
    expect(current().find((p) => p.id === 'S0001')?.cards).toEqual(['0040856634']);
  });

  it('fails with exit 1 naming the file, the count and every bad row; writes nothing', async () => {
    const before = current();
    const out = await gateKiosk('roster', 'import', 'fixtures/roster/roster-bad.csv', ...common);
    expect(out.code).toBe(1);
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'gate-kiosk: 名单 fixtures/roster/roster-bad.csv：有 14 处错误，未导入任何人 / roster fixtures/roster/roster-bad.csv: 14 errors, nothing imported',
    );
    expect(lines).toHaveLength(15);
    expect(lines[1]).toBe(
      '  第 3 行，id：学号 "S1001" 重复（第 2 行也有） / row 3, id: duplicate id "S1001" (also row 2)',
    );
    expect(lines).toContain(
      '  第 10 行，guardianPhone："12345" 不是电话号码（7 到 15 位数字，可带 +86） / row 10, guardianPhone: "12345" is not a phone number (7 to 15 digits, optionally +86)',
    );
    expect(lines).toContain(
      '  第 16 行，card：卡号 "S1001" 同时是第 2 行的学号 / row 16, card: card "S1001" is also the id of row 2',
    );
    expect(out.stdout).toBe('');
    expect(current()).toEqual(before);

    const missing = await gateKiosk('roster', 'import', join(dir.path, 'nope.csv'), ...common);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `gate-kiosk: ${join(dir.path, 'nope.csv')}：无法读取文件（ENOENT） / ${join(dir.path, 'nope.csv')}: cannot read the file (ENOENT)\n`,
    );
  });

  it('refuses a roster past the limits naming the bound in Chinese and English, from the bundle too', async () => {
    const before = current();
    const file = join(dir.path, 'all-ever.xlsx');
    writeFileSync(file, rosterWorkbook(300_000));
    const expected =
      `gate-kiosk: ${file}: 名单行数过多（工作簿有 300001 行），一份名单最多 20000 人（配置 rosterLimits.maxRows）；未导入` +
      ' · too many rows (300001 rows in the workbook); a roster has at most 20000 people (config rosterLimits.maxRows); nothing imported\n';
    for (const script of ['bin/gate-kiosk.js', 'dist/gate-kiosk.js']) {
      const out = await command(script, ['roster', 'import', file, ...common]);
      expect(out.code, script).toBe(1);
      expect(out.stderr, script).toBe(expected);
    }
    const bomb = join(dir.path, 'bomb.xlsx');
    writeFileSync(bomb, await zipBomb(350, false));
    const refused = await command('dist/gate-kiosk.js', ['roster', 'import', bomb, '--dry-run', ...common]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /工作簿解压后过大（350 MB），上限 50 MB（配置 rosterLimits\.maxUnzippedMB）/,
    );
    const huge = join(dir.path, 'huge.csv');
    writeFileSync(huge, Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
    expect(await gateKiosk('roster', 'import', huge, ...common)).toMatchObject({
      code: 1,
      stderr: `gate-kiosk: ${huge}: 文件超过 10 MB，名单文件最多 10 MB；未导入 · the file is larger than 10 MB, the most a roster file may be; nothing imported\n`,
    });
    expect(current()).toEqual(before);
    const db = openDatabase(data);
    try {
      expect(
        new AuditLog(db)
          .list({ limit: 4 })
          .reverse()
          .map((e) => [e.actor, e.action, e.detail.reason, e.detail.dryRun]),
      ).toEqual([
        ['cli', 'roster_import_refused', 'too_many_rows', false],
        ['cli', 'roster_import_refused', 'too_many_rows', false],
        ['cli', 'roster_import_refused', 'unzipped_too_large', true],
        ['cli', 'roster_import_refused', 'too_large', false],
      ]);
    } finally {
      db.close();
    }
  });

  it('exits 2 on bad usage', async () => {
    expect((await gateKiosk('roster', 'import', 'fixtures/roster/roster.txt', ...common)).code).toBe(2);
    expect((await gateKiosk('roster', 'import', ...common)).code).toBe(2);
    expect((await gateKiosk('roster', 'export', ...common)).code).toBe(2);
    const help = await gateKiosk('roster', 'import', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--dry-run/);
    expect(help.stdout).toMatch(/--config <file>/);
    expect(help.stdout).toMatch(/--data <dir>/);
  });
});

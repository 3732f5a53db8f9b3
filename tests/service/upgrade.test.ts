import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../kiosk/store/database.ts';
import { migrations } from '../../kiosk/store/migrations.ts';
import { gateKiosk } from '../helpers/cli.ts';
import { tempDir } from '../helpers/kiosk.ts';

const newest = Math.max(...migrations.map((m) => m.version));

/** A database file as an older build left it: the migrations up to `version`, applied by hand. */
function fileAtVersion(dataDir: string, version: number): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, DATABASE_FILE);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const m of migrations.filter((x) => x.version <= version)) db.exec(m.sql);
  db.pragma(`user_version = ${version}`);
  db.prepare(
    `INSERT INTO screenings (id, at, local_date, lane_id, session, person_id, identity_text, temperature_c,
       temperature_source, health_code, decision, reasons)
     VALUES ('s-old-1', '2026-11-02T07:01:00Z', '2026-11-02', '1', 'morning', NULL, 'S0001', 36.5, 'gate', 'green', 'pass', '[]')`,
  ).run();
  db.close();
  return file;
}

const versionOf = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('upgrading the database file', () => {
  const dir = tempDir('gk-upgrade-');
  afterAll(() => dir.remove());

  it('copies the old file aside, then migrates it forward', () => {
    const data = join(dir.path, 'old');
    fileAtVersion(data, 5);
    const db = openDatabase(data);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(newest);
      expect(db.prepare("SELECT decision FROM screenings WHERE id = 's-old-1'").get()).toEqual({
        decision: 'pass',
      });
    } finally {
      db.close();
    }
    const copies = readdirSync(join(data, 'backups'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(new RegExp(`^gate-kiosk-before-v${newest}-from-v5-\\d{8}T\\d{6}\\.sqlite$`));
    const copy = join(data, 'backups', copies[0] ?? '');
    expect(versionOf(copy)).toBe(5);
    const old = new Database(copy, { readonly: true });
    expect(old.prepare('SELECT count(*) AS n FROM screenings').get()).toEqual({ n: 1 });
    old.close();
    // Opening an up-to-date file makes no copy.
    openDatabase(data).close();
    expect(readdirSync(join(data, 'backups'))).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'a command run by root leaves the copy to the owner of the file',
    () => {
      const data = join(dir.path, 'owned');
      const file = fileAtVersion(data, 4);
      const nobody = {
        uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })),
        gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })),
      };
      chownSync(file, nobody.uid, nobody.gid);
      openDatabase(data).close();
      const backups = join(data, 'backups');
      expect(statSync(backups)).toMatchObject({ uid: nobody.uid, gid: nobody.gid });
      const copy = readdirSync(backups)[0] ?? '';
      expect(statSync(join(backups, copy))).toMatchObject({
        uid: nobody.uid,
        gid: nobody.gid,
        mode: 0o100600,
      });
    },
  );

  it('applies every pending migration in one transaction: a failure leaves the file at its old version', () => {
    const data = join(dir.path, 'clash');
    const file = fileAtVersion(data, 6);
    // Something already named like a table migration 8 makes: migration 7 runs, then 8 fails.
    const db = new Database(file);
    db.exec('CREATE TABLE absences (x)');
    db.close();
    expect(() => openDatabase(data)).toThrow(/absences already exists/);
    expect(versionOf(file)).toBe(6);
    const after = new Database(file, { readonly: true });
    const tables = (
      after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    after.close();
    expect(tables).not.toContain('cases');
  });

  it('an older build refuses a file a newer build wrote, says so in both languages, and leaves it untouched', async () => {
    const data = join(dir.path, 'newer');
    const file = fileAtVersion(data, newest);
    const db = new Database(file);
    db.pragma(`user_version = ${newest + 1}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = readFileSync(file);
    const out = await gateKiosk([
      'start',
      '--config',
      'fixtures/config/test.yaml',
      '--data',
      data,
      '--port',
      '0',
    ]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`的结构版本是 ${newest + 1}，比本程序认识的最高版本 ${newest} 新`);
    expect(out.stderr).toContain(
      `is at schema version ${newest + 1}, newer than this build knows (up to ${newest}): a newer gate-kiosk wrote it`,
    );
    expect(out.stderr).toContain('gate-kiosk restore');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(versionOf(file)).toBe(newest + 1);
    // Nor does restore put such a file in place.
    const restore = await gateKiosk([
      'restore',
      file,
      '--config',
      'fixtures/config/test.yaml',
      '--data',
      join(dir.path, 'r'),
    ]);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(`newer than this build knows (up to ${newest})`);
  });
});

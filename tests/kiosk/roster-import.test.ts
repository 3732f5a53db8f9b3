// Importing a roster into the SQLite store: all rows or none, dry runs that write nothing, re-imports
// that update, mark people left and move cards, and a person found by any of their cards.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonDirectory } from '../../kiosk/identities/directory.ts';
import { importRoster, type RosterImportOutcome } from '../../kiosk/identities/roster-import.ts';
import { readRoster } from '../../kiosk/identities/roster-read.ts';
import { RosterImportError, syncRosterFile } from '../../kiosk/identities/roster-sync.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { DATABASE_FILE, type Db, openDatabase } from '../../kiosk/store/database.ts';
import { migrations } from '../../kiosk/store/migrations.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { tempDir } from '../helpers/kiosk.ts';

const tz = 'Asia/Shanghai';
const header = 'id,name,grade,class,kind,card,guardianPhone,boarder,healthCode,healthCodeAt\n';
const csv = (...rows: string[]) => new TextEncoder().encode(header + rows.join('\n'));

function report(outcome: RosterImportOutcome) {
  if (!outcome.ok) throw new Error(`import failed: ${JSON.stringify(outcome.errors)}`);
  return outcome.report;
}

/** Everything in the people tables, to compare before and after. */
function snapshot(db: Db) {
  return {
    people: db.prepare('SELECT * FROM people ORDER BY id').all(),
    identities: db.prepare('SELECT * FROM person_identities ORDER BY value').all(),
    imports: db.prepare('SELECT count(*) AS n FROM roster_imports').get(),
  };
}

describe('importing a roster into the store', () => {
  const dir = tempDir('gk-roster-');
  let db: Db;
  let store: PeopleStore;
  // The store is what these tests are about: the file is read on this thread.
  const run = (bytes: Uint8Array, dryRun = false) =>
    importRoster(
      { people: store, audit: new AuditLog(db), read: readRoster },
      { bytes, source: 'r.csv', timeZone: tz, dryRun, actor: 'wang' },
    );

  beforeEach(async () => {
    db = openDatabase(join(dir.path, String(Math.random())));
    store = new PeopleStore(db);
    report(
      await run(
        csv(
          'S1,张三,1,1班,student,C1;C2,13800000001,no,green,2026-11-23 06:00',
          'S2,李四,2,1班,student,C3,,no,green,2026-11-23 06:00',
          'S3,王五,3,1班,student,,,yes,yellow,2026-11-23 06:00',
        ),
      ),
    );
  });
  afterEach(() => db.close());
  afterAll(() => dir.remove());

  it('finds a person with two cards by either card, and by id', () => {
    const directory = new PersonDirectory(store.current());
    expect(directory.find('C1')?.id).toBe('S1');
    expect(directory.find(' C2 ')?.id).toBe('S1');
    expect(directory.find('S1')?.id).toBe('S1');
    expect(directory.find('C3')?.id).toBe('S2');
    expect(store.get('S1')).toMatchObject({ card: 'C1', cards: ['C1', 'C2'] });
    expect(db.prepare("SELECT card FROM people WHERE id = 'S1'").pluck().get()).toBe('C1');
  });

  it('writes nothing when any row is bad, whatever the file type', async () => {
    const before = snapshot(db);
    const bad = await run(
      csv(
        'S1,张三,1,1班,student,C1,,no,green,',
        'S4,新人,1,1班,student,C1,,no,green,',
        'S5,,1,1班,student,,,no,green,',
      ),
    );
    expect(bad).toMatchObject({
      ok: false,
      errors: [
        { row: 3, field: 'card', message: 'card "C1" is used twice (also row 2)' },
        { row: 4, field: 'name', message: 'empty name' },
      ],
    });
    expect(await run(readFileSync('fixtures/roster/roster-bad.csv'))).toMatchObject({ ok: false });
    expect(snapshot(db)).toEqual(before);
  });

  it('previews a re-import without writing: added, updated with their fields, removed', async () => {
    const before = snapshot(db);
    const preview = report(
      await run(
        csv(
          'S1,张三,1,1班,student,C1;C2,13800000001,no,green,2026-11-23 06:00',
          'S2,李四,3,2班,student,C3,,no,red,2026-11-23 06:00',
          'S4,赵六,1,1班,student,,,no,green,2026-11-23 06:00',
        ),
        true,
      ),
    );
    expect(preview).toMatchObject({
      imported: 0,
      dryRun: true,
      counts: { added: 1, updated: 1, removed: 1, unchanged: 1 },
      added: [{ row: 4, id: 'S4', name: '赵六', kind: 'student', grade: 1, class: '1班' }],
      updated: [{ row: 3, id: 'S2', fields: ['grade', 'class', 'healthCode'] }],
      removed: [{ row: null, id: 'S3', name: '王五' }],
      errors: [],
    });
    expect(snapshot(db)).toEqual(before);
  });

  it('re-imports: updates, marks people left with their history kept, moves cards between people', async () => {
    db.prepare(
      `INSERT INTO screenings (id, at, local_date, lane_id, session, person_id, health_code, decision, reasons)
       VALUES ('x1', '2026-11-23T00:00:00Z', '2026-11-23', '1', 'morning', 'S3', 'green', 'pass', '[]')`,
    ).run();
    const result = report(
      await run(
        csv(
          // C2 moves from S1 to S2; S1 keeps C1; S2's old C3 goes to the new S4.
          'S1,张三,1,1班,student,C1,13800000001,no,green,2026-11-23 06:00',
          'S2,李四,2,1班,student,C2|C5,,no,green,2026-11-23 06:00',
          'S4,赵六,1,1班,student,C3,,no,green,2026-11-23 06:00',
        ),
      ),
    );
    expect(result).toMatchObject({
      imported: 3,
      dryRun: false,
      counts: { added: 1, updated: 2, removed: 1, unchanged: 0 },
    });
    expect(result.updated.map((u) => [u.id, u.fields])).toEqual([
      ['S1', ['card']],
      ['S2', ['card']],
    ]);
    const directory = new PersonDirectory(store.current());
    expect(directory.find('C2')?.id).toBe('S2');
    expect(directory.find('C5')?.id).toBe('S2');
    expect(directory.find('C3')?.id).toBe('S4');
    expect(directory.find('C1')?.id).toBe('S1');
    expect(directory.find('S3')).toBeNull();
    expect(store.current().map((p) => p.id)).toEqual(['S1', 'S2', 'S4']);
    expect(store.get('S3')?.name).toBe('王五');
    expect(db.prepare("SELECT left_at FROM people WHERE id = 'S3'").pluck().get()).toEqual(
      expect.any(String),
    );
    expect(db.prepare("SELECT person_id FROM screenings WHERE id = 'x1'").pluck().get()).toBe('S3');

    // The same file again changes nothing; someone coming back is added again.
    const again = report(
      await run(
        csv(
          'S1,张三,1,1班,student,C1,13800000001,no,green,2026-11-23 06:00',
          'S2,李四,2,1班,student,C2|C5,,no,green,2026-11-23 06:00',
          'S4,赵六,1,1班,student,C3,,no,green,2026-11-23 06:00',
          'S3,王五,3,1班,student,,,yes,yellow,2026-11-23 06:00',
        ),
      ),
    );
    expect(again.counts).toEqual({ added: 1, updated: 0, removed: 0, unchanged: 3 });
    expect(db.prepare("SELECT left_at FROM people WHERE id = 'S3'").pluck().get()).toBeNull();
  });

  it('keeps a status newer than the one in the file, so an old roster cannot undo a red', async () => {
    db.prepare(
      "UPDATE people SET health_code = 'red', health_code_at = '2026-11-23T01:00:00.000Z' WHERE id = 'S1'",
    ).run();
    const rows = (s1Status: string) =>
      csv(
        `S1,张三,1,1班,student,C1;C2,13800000001,no,${s1Status}`,
        'S2,李四,2,1班,student,C3,,no,green,2026-11-23 06:00',
        'S3,王五,3,1班,student,,,yes,yellow,2026-11-23 06:00',
      );
    // Green at 06:00 (22:00 UTC the day before) is older than red at 09:00: nothing to change.
    expect(report(await run(rows('green,2026-11-23 06:00'))).counts).toMatchObject({
      updated: 0,
      unchanged: 3,
    });
    expect(report(await run(rows('green,'))).counts).toMatchObject({ updated: 0, unchanged: 3 });
    expect(store.get('S1')).toMatchObject({ healthCode: 'red', healthCodeAt: '2026-11-23T01:00:00.000Z' });
    // A newer status in the file wins.
    const newer = report(await run(rows('yellow,2026-11-23 10:00')));
    expect(newer.updated).toEqual([
      expect.objectContaining({ id: 'S1', fields: ['healthCode', 'healthCodeAt'] }),
    ]);
    expect(store.get('S1')).toMatchObject({ healthCode: 'yellow', healthCodeAt: '2026-11-23T02:00:00.000Z' });
  });

  it('puts every attempt in the audit log: who, dry run or not, the counts, or why it was refused', async () => {
    const entries = () => new AuditLog(db).list().reverse();
    // The beforeEach import.
    expect(entries()).toMatchObject([
      {
        actor: 'wang',
        action: 'roster_import',
        detail: { file: 'r.csv', dryRun: false, people: 3, counts: { added: 3, updated: 0, removed: 0 } },
      },
    ]);
    const next = csv(
      'S1,张三,1,1班,student,C1;C2,13800000001,no,green,2026-11-23 06:00',
      'S4,赵六,1,1班,student,,,no,green,2026-11-23 06:00',
    );
    report(await run(next, true));
    report(await run(next));
    const bad = await run(csv('S1,张三,1,1班,student,,13800000009x,no,green,'));
    expect(bad.ok).toBe(false);
    expect(entries().slice(1)).toMatchObject([
      {
        actor: 'wang',
        action: 'roster_dry_run',
        detail: { dryRun: true, people: 2, counts: { added: 1, updated: 0, removed: 2, unchanged: 1 } },
      },
      {
        actor: 'wang',
        action: 'roster_import',
        detail: { dryRun: false, people: 2, counts: { added: 1, updated: 0, removed: 2, unchanged: 1 } },
      },
      {
        actor: 'wang',
        action: 'roster_import_refused',
        detail: {
          reason: 'bad_rows',
          message: '1 error',
          errorCount: 1,
          errorsAt: [{ row: 2, field: 'guardianPhone' }],
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      },
    ]);
    // Where the file was wrong, not what it said: a phone number stays out of the log.
    expect(JSON.stringify(entries())).not.toContain('13800000009x');
  });

  it('imports an xlsx workbook', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Sheet1');
    sheet.addRow(['学号', '姓名', '类型', '年级', '卡号']);
    sheet.addRow(['S1', '张三', '学生', '一年级', 'C1／C9']);
    const result = report(await run(new Uint8Array(await wb.xlsx.writeBuffer())));
    expect(result.counts).toEqual({ added: 0, updated: 1, removed: 2, unchanged: 0 });
    expect(new PersonDirectory(store.current()).find('C9')?.id).toBe('S1');
  });
});

describe('the roster named in the config', () => {
  const dir = tempDir('gk-roster-sync-');
  afterEach(() => dir.remove());

  it('is imported at start when its content changed, csv or xlsx', async () => {
    const db = openDatabase(join(dir.path, 'data'));
    const store = new PeopleStore(db);
    const file = join(dir.path, 'roster.csv');
    copyFileSync('fixtures/roster/roster-gbk.csv', file);
    expect(await syncRosterFile(store, file, tz, { audit: new AuditLog(db) })).toEqual({
      added: 4,
      updated: 0,
      left: 0,
    });
    expect(await syncRosterFile(store, file, tz, { audit: new AuditLog(db) })).toBe('unchanged');
    const xlsx = join(dir.path, 'roster.xlsx');
    copyFileSync('fixtures/roster/roster-good.xlsx', xlsx);
    expect(await syncRosterFile(store, xlsx, tz, { audit: new AuditLog(db) })).toEqual({
      added: 8,
      updated: 0,
      left: 4,
    });
    expect(await syncRosterFile(store, xlsx, tz, { audit: new AuditLog(db) })).toBe('unchanged');
    expect(new PersonDirectory(store.current()).find('0040856635')?.id).toBe('S0001');
    db.close();
  });

  it('stops with every bad row when the file is bad', async () => {
    const db = openDatabase(join(dir.path, 'data'));
    const file = join(dir.path, 'roster.csv');
    writeFileSync(file, readFileSync('fixtures/roster/roster-bad.csv'));
    const failure = await syncRosterFile(new PeopleStore(db), file, tz, { audit: new AuditLog(db) }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(RosterImportError);
    expect((failure as RosterImportError).message).toBe(`${file}: 14 errors, nothing imported`);
    expect((failure as RosterImportError).errors).toHaveLength(14);
    db.close();
  });
});

describe('a config roster past the limits', () => {
  const dir = tempDir('gk-roster-sync-limits-');
  afterEach(() => dir.remove());

  it('stops the start naming the bound in both languages, and goes into the audit log as the system', async () => {
    const db = openDatabase(join(dir.path, 'data'));
    const file = join(dir.path, 'roster.csv');
    writeFileSync(file, `${header}S1,张三,1,1班,student,,,no,green,\nS2,李四,1,1班,student,,,no,green,\n`);
    const audit = new AuditLog(db);
    const failure = await syncRosterFile(new PeopleStore(db), file, tz, {
      audit,
      limits: { maxRows: 1, maxUnzippedBytes: 1e6, maxCellChars: 100 },
    }).catch((e: unknown) => e);
    expect((failure as Error).message).toBe(
      `${file}: 名单行数过多（2 人），一份名单最多 1 人（配置 rosterLimits.maxRows）；未导入` +
        ' · too many rows (2 people); a roster has at most 1 people (config rosterLimits.maxRows); nothing imported',
    );
    expect(new PeopleStore(db).current()).toEqual([]);
    expect(audit.list()).toMatchObject([
      { actor: 'system', action: 'roster_import_refused', detail: { file, reason: 'too_many_rows' } },
    ]);
    db.close();
  });
});

describe('schema version 3', () => {
  const dir = tempDir('gk-roster-migrate-');
  afterEach(() => dir.remove());

  it('moves the cards of a version 2 database into person_identities', () => {
    const old = new Database(join(dir.path, DATABASE_FILE));
    for (const m of migrations.filter((m) => m.version <= 2)) old.exec(m.sql);
    old.pragma('user_version = 2');
    old.prepare("INSERT INTO people (id, name, kind, card) VALUES ('S1', '张三', 'student', 'C1')").run();
    old.prepare("INSERT INTO people (id, name, kind) VALUES ('S2', '李四', 'student')").run();
    old.close();

    const db = openDatabase(dir.path);
    const store = new PeopleStore(db);
    expect(store.get('S1')).toMatchObject({ card: 'C1', cards: ['C1'] });
    expect(store.get('S2')).toMatchObject({ card: null, cards: [] });
    expect(new PersonDirectory(store.current()).find('C1')?.id).toBe('S1');
    db.close();
  });
});

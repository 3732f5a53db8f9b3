import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../kiosk/identities/person.ts';
import { openDatabase, schemaVersion } from '../../kiosk/store/database.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import { migrations } from '../../kiosk/store/migrations.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { type ScreeningRecord, ScreeningStore } from '../../kiosk/store/screenings.ts';

const person = (id: string, card: string | null = null): Person => ({
  id,
  name: `name ${id}`,
  kind: 'student',
  grade: 1,
  className: '1班',
  card,
  guardianPhone: null,
  boarder: false,
  healthCode: 'green',
  healthCodeAt: '2026-11-22T22:00:00.000Z',
  returnCertificateDue: false,
});

const screening = (over: Partial<ScreeningRecord> = {}): ScreeningRecord => ({
  id: newRecordId(),
  at: '2026-11-23T00:10:00.000Z',
  localDate: '2026-11-23',
  laneId: '1',
  session: 'morning',
  personId: 'S1',
  identityText: null,
  temperatureC: 36.6,
  temperatureSource: 'device_body',
  objectC: null,
  ambientC: null,
  calibrationId: null,
  healthCode: 'green',
  decision: 'pass',
  reasons: [],
  ...over,
});

describe('the SQLite store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gk-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the schema from empty, in WAL mode with full sync', () => {
    const db = openDatabase(dir);
    expect(schemaVersion(db)).toBe(migrations.at(-1)?.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('keeps screenings across a reopen, with their outbox rows', () => {
    let db = openDatabase(dir);
    new PeopleStore(db).replaceRoster([person('S1')], 'r.csv', 'h1');
    const store = new ScreeningStore(db);
    const a = screening({ reasons: [{ code: 'x', zh: '甲', en: 'a' }] });
    const b = screening({
      id: newRecordId(),
      laneId: '2',
      decision: 'fever',
      temperatureC: 38.1,
      session: 'noon',
    });
    store.commit(a);
    store.commit(b);
    db.close();

    db = openDatabase(dir);
    const again = new ScreeningStore(db);
    expect(again.get(a.id)).toEqual(a);
    expect(again.list({ lane: '2' })).toEqual([b]);
    expect(again.list({ decision: 'pass' }).map((r) => r.id)).toEqual([a.id]);
    expect(again.list({ session: 'noon' }).map((r) => r.id)).toEqual([b.id]);
    expect(again.list({ date: '2026-11-24' })).toEqual([]);
    expect(again.pendingUploads()).toBe(2);
    db.close();
  });

  it('commits a screening and its outbox row together or not at all', () => {
    const db = openDatabase(dir);
    const store = new ScreeningStore(db);
    const a = screening({ personId: null });
    store.commit(a);
    expect(() => store.commit(a)).toThrow(/UNIQUE/);
    expect(store.list()).toHaveLength(1);
    expect(store.pendingUploads()).toBe(1);
    db.close();
  });

  it('replaces the roster, keeping people who left with their history', () => {
    const db = openDatabase(dir);
    const people = new PeopleStore(db);
    expect(people.replaceRoster([person('S1', 'C1'), person('S2', 'C2')], 'r.csv', 'h1')).toEqual({
      added: 2,
      updated: 0,
      left: 0,
    });
    // S2's card moves to S3 and S1 leaves.
    expect(people.replaceRoster([person('S2'), person('S3', 'C2')], 'r.csv', 'h2')).toEqual({
      added: 1,
      updated: 1,
      left: 1,
    });
    expect(people.current().map((p) => p.id)).toEqual(['S2', 'S3']);
    expect(people.get('S1')?.name).toBe('name S1');
    expect(people.lastImportHash('r.csv')).toBe('h2');
    db.close();
  });

  it('lets two people swap cards on a re-import, and a card move from someone who left', () => {
    const db = openDatabase(dir);
    const people = new PeopleStore(db);
    people.replaceRoster([person('S1', 'C1'), person('S2', 'C2'), person('S3', 'C3')], 'r.csv', 'h1');
    // S1 and S2 swap; S3 leaves and S4 arrives with S3's card.
    people.replaceRoster([person('S1', 'C2'), person('S2', 'C1'), person('S4', 'C3')], 'r.csv', 'h2');
    expect(people.current().map((p) => [p.id, p.cards])).toEqual([
      ['S1', ['C2']],
      ['S2', ['C1']],
      ['S4', ['C3']],
    ]);
    expect(people.get('S3')?.cards).toEqual([]);
    db.close();
  });

  it('refuses a database from a newer program', () => {
    const db = openDatabase(dir);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(dir)).toThrow(/schema version 999, newer/);
  });

  it('gives time-ordered record ids', () => {
    const ids = Array.from({ length: 1000 }, () => newRecordId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

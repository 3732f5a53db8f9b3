// A case is committed with its screening, or neither is: one SQLite transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../kiosk/store/cases.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import type { ScreeningRecord } from '../../kiosk/store/screenings.ts';
import { ScreeningStore } from '../../kiosk/store/screenings.ts';
import { tempDir } from '../helpers/kiosk.ts';

function screening(decision: ScreeningRecord['decision'], personId: string | null): ScreeningRecord {
  const at = new Date('2026-11-23T00:10:00Z');
  return {
    id: newRecordId(at.getTime()),
    at: at.toISOString(),
    localDate: '2026-11-23',
    laneId: '1',
    session: 'morning',
    personId,
    identityText: null,
    temperatureC: decision === 'fever' ? 38.1 : 36.5,
    temperatureSource: 'body',
    objectC: null,
    ambientC: null,
    calibrationId: null,
    healthCode: 'green',
    decision,
    reasons: [],
  };
}

describe('cases in the screening transaction', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let screenings: ScreeningStore;

  beforeEach(() => {
    dir = tempDir('gk-case-store-');
    db = openDatabase(dir.path);
    db.prepare("INSERT INTO people (id, name, kind) VALUES ('P1', '测试', 'student')").run();
    screenings = new ScreeningStore(db);
    const cases = new CaseStore(db);
    screenings.alsoInCommit((r) => cases.openFor(r));
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

  it('opens a case, with its outbox row, for each decision that hands the entrant to the nurse', () => {
    for (const d of [
      'pass',
      'fever',
      'code_yellow',
      'code_red',
      'verify',
      'retake',
      'unknown_person',
    ] as const) {
      screenings.commit(screening(d, d === 'unknown_person' ? null : 'P1'));
    }
    expect(db.prepare('SELECT decision FROM cases ORDER BY decision').pluck().all()).toEqual([
      'code_red',
      'code_yellow',
      'fever',
      'verify',
    ]);
    expect(count("SELECT count(*) AS n FROM outbox WHERE kind = 'case'")).toBe(4);
  });

  it('keeps neither the screening nor its case when the commit fails part-way', () => {
    screenings.alsoInCommit(() => {
      throw new Error('disk full');
    });
    expect(() => screenings.commit(screening('fever', 'P1'))).toThrow('disk full');
    expect(count('SELECT count(*) AS n FROM screenings')).toBe(0);
    expect(count('SELECT count(*) AS n FROM cases')).toBe(0);
    expect(count('SELECT count(*) AS n FROM outbox')).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../kiosk/store/database.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { screeningsWithCases } from '../../kiosk/store/screening-commits.ts';
import type { ScreeningRecord } from '../../kiosk/store/screenings.ts';
import { WriterThread } from '../../kiosk/store/writer-thread.ts';
import { tempDir } from '../helpers/kiosk.ts';

const person = {
  id: 'S0001',
  name: '张三丰',
  kind: 'student' as const,
  grade: 1,
  className: '1班',
  card: null,
  guardianPhone: null,
  boarder: false,
  healthCode: 'green' as const,
  healthCodeAt: null,
  returnCertificateDue: false,
};

let n = 0;
function record(over: Partial<ScreeningRecord> = {}): ScreeningRecord {
  n++;
  return {
    id: `01a22c00-0000-7000-8000-${String(n).padStart(12, '0')}`,
    at: new Date().toISOString(),
    localDate: '2026-11-30',
    laneId: '1',
    session: 'morning',
    personId: 'S0001',
    identityText: null,
    temperatureC: 36.5,
    temperatureSource: 'device_body',
    objectC: null,
    ambientC: null,
    calibrationId: null,
    healthCode: 'green',
    decision: 'pass',
    reasons: [],
    ...over,
  };
}

describe('the writer thread', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.remove();
  });

  it('commits the lanes’ batches on its own connection: screenings, outbox rows and the cases they open', async () => {
    const dir = tempDir('gk-writer-');
    dirs.push(dir);
    const db = openDatabase(dir.path);
    new PeopleStore(db).applyRoster([person], 'roster.csv', 'x');
    const { screenings } = screeningsWithCases(db);
    const writer = new WriterThread(dir.path);
    await writer.ready;
    screenings.useWriter(writer);
    const fever = record({ decision: 'fever', temperatureC: 38.4 });
    await Promise.all([
      screenings.commitSoon(record()),
      screenings.commitSoon(fever),
      screenings.commitSoon(record()),
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM screenings').get()).toEqual({ n: 3 });
    expect(db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'screening'").get()).toEqual({ n: 3 });
    expect(db.prepare('SELECT screening_id AS s FROM cases').all()).toEqual([{ s: fever.id }]);
    // Handed in together: one transaction, one fsync.
    expect(writer.transactions).toBe(1);

    // A record that cannot be stored fails alone, with SQLite's code, and the others of its batch stand.
    const twice = record();
    await screenings.commitSoon(twice);
    const again = screenings.commitSoon({ ...twice });
    const other = screenings.commitSoon(record());
    await expect(again).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await other;
    expect(db.prepare('SELECT count(*) AS n FROM screenings').get()).toEqual({ n: 5 });

    // Gone: what comes next is committed on this thread, nothing is lost.
    await writer.close();
    await screenings.commitSoon(record());
    expect(db.prepare('SELECT count(*) AS n FROM screenings').get()).toEqual({ n: 6 });
    db.close();
  });
});

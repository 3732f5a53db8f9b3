import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { purgeRawData } from '../../kiosk/privacy/retention.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import { type ScreeningRecord, ScreeningStore } from '../../kiosk/store/screenings.ts';
import { tempDir } from '../helpers/kiosk.ts';

const now = new Date('2026-11-23T08:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

const screening = (at: string, over: Partial<ScreeningRecord> = {}): ScreeningRecord => ({
  id: newRecordId(new Date(at).getTime()),
  at,
  localDate: at.slice(0, 10),
  laneId: '1',
  session: 'morning',
  personId: null,
  identityText: 'V123456',
  temperatureC: 38.1,
  temperatureSource: 'object_estimate',
  objectC: 36.1,
  ambientC: 22,
  calibrationId: null,
  healthCode: 'unknown',
  decision: 'fever',
  reasons: [{ code: 'temperature_high', zh: '体温 38.1°C ≥ 37.3°C', en: 'Temperature 38.1 °C ≥ 37.3 °C' }],
  ...over,
});

describe('the retention purge', () => {
  const dir = tempDir('gk-retention-');
  let db: Db;
  let store: ScreeningStore;
  beforeEach(() => {
    db = openDatabase(dir.path);
    store = new ScreeningStore(db);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('removes raw values of uploaded screenings past retention, and keeps the counts', () => {
    const oldSent = screening(daysAgo(40));
    const oldUnsent = screening(daysAgo(40));
    const recent = screening(daysAgo(3));
    for (const r of [oldSent, oldUnsent, recent]) store.commit(r);
    db.prepare("UPDATE outbox SET status = 'sent' WHERE record_id IN (?, ?)").run(oldSent.id, recent.id);

    const result = purgeRawData(db, 30, now);
    expect(result).toMatchObject({ screenings: 1, outboxRows: 1 });

    expect(store.get(oldSent.id)).toMatchObject({
      temperatureC: null,
      objectC: null,
      ambientC: null,
      identityText: null,
      decision: 'fever',
      reasons: [{ code: 'temperature_high', zh: '', en: '' }],
    });
    // Not yet at the district: kept whole, whatever its age. Recent: kept whole.
    expect(store.get(oldUnsent.id)).toEqual(oldUnsent);
    expect(store.get(recent.id)).toEqual(recent);
    expect(store.list({ decision: 'fever' })).toHaveLength(3);
    expect(purgeRawData(db, 30, now)).toMatchObject({ screenings: 0, outboxRows: 0 });
  });
});

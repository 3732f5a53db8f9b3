import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { retryDelayMs } from '../../kiosk/upload/backoff.ts';
import { batchIdFor, collectBatch } from '../../kiosk/upload/batch.ts';
import { Outbox } from '../../kiosk/upload/outbox.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { insertOutboxRows, screeningData } from './records.ts';

const sender = { schoolId: 'school-a', kioskId: 'gate-1' };
const limits = { maxRecords: 10, maxBytes: 1_000_000 };

describe('batches from the outbox', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let outbox: Outbox;
  beforeEach(() => {
    dir = tempDir('gk-batch-');
    db = openDatabase(dir.path);
    outbox = new Outbox(db, 'Asia/Shanghai');
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  const next = async (over = limits, now = new Date()) =>
    (await collectBatch(outbox, sender, over, now)).batch;

  it('takes the oldest records first, up to the batch size, as the contract body', async () => {
    const ids = insertOutboxRows(db, 25);
    const batch = await next();
    expect(batch?.rows.map((r) => r.recordId)).toEqual(ids.slice(0, 10));
    const body = JSON.parse(batch?.body ?? '');
    expect(body).toMatchObject({ schoolId: 'school-a', kioskId: 'gate-1', batchId: batch?.batchId });
    expect(body.records[0]).toEqual({
      id: ids[0],
      kind: 'screening',
      at: expect.any(String),
      data: JSON.parse(screeningData()),
    });
  });

  it('puts priority records (direct reports) ahead of everything, oldest first among them', async () => {
    const ordinary = insertOutboxRows(db, 5);
    const urgent = insertOutboxRows(db, 2, { kind: 'case', priority: 1 });
    const more = insertOutboxRows(db, 2);
    const batch = await next();
    expect(batch?.rows.map((r) => r.recordId)).toEqual([...urgent, ...ordinary, ...more]);
  });

  it('walks the whole queue across priorities in small reads', async () => {
    const ids = [...insertOutboxRows(db, 150, { priority: 2 }), ...insertOutboxRows(db, 150)];
    const batch = await next({ maxRecords: 300, maxBytes: 10_000_000 });
    expect(batch?.rows.map((r) => r.recordId)).toEqual(ids);
  });

  it('caps a batch by bytes, but never leaves a single large record behind', async () => {
    insertOutboxRows(db, 5, { data: screeningData({ note: 'z'.repeat(400) }) });
    expect((await next({ maxRecords: 100, maxBytes: 2300 }))?.rows).toHaveLength(2);
    expect((await next({ maxRecords: 100, maxBytes: 10 }))?.rows).toHaveLength(1);
  });

  it('holds back newer records of a kind while an older one waits for its retry', async () => {
    const screenings = insertOutboxRows(db, 4);
    const absences = insertOutboxRows(db, 2, { kind: 'absence' });
    const later = new Date(Date.now() + 60_000).toISOString();
    db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE record_id = ?').run(later, screenings[1]);
    const collected = await collectBatch(outbox, sender, limits, new Date());
    expect(collected.batch?.rows.map((r) => r.recordId)).toEqual([screenings[0], ...absences]);
    const afterwards = await collectBatch(outbox, sender, limits, new Date(Date.now() + 120_000));
    expect(afterwards.batch?.rows.map((r) => r.recordId)).toEqual([...screenings, ...absences]);
  });

  it('says when to look again when everything waits for a retry', async () => {
    const [only] = insertOutboxRows(db, 1);
    const due = new Date(Date.now() + 5000).toISOString();
    db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE record_id = ?').run(due, only);
    expect(await collectBatch(outbox, sender, limits, new Date())).toEqual({ batch: null, retryAt: due });
  });

  it('gives the same records the same batch id, and other records another', () => {
    expect(batchIdFor(sender, ['a', 'b'])).toBe(batchIdFor(sender, ['a', 'b']));
    expect(batchIdFor(sender, ['a', 'b'])).not.toBe(batchIdFor(sender, ['a', 'c']));
    expect(batchIdFor(sender, ['a'])).not.toBe(batchIdFor({ ...sender, kioskId: 'gate-2' }, ['a']));
    expect(batchIdFor(sender, ['a'])).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('outbox counts', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  beforeEach(() => {
    dir = tempDir('gk-count-');
    db = openDatabase(dir.path);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('follow new records, sends, rejections and requeues without counting the table again', async () => {
    insertOutboxRows(db, 3);
    const outbox = new Outbox(db, 'Asia/Shanghai');
    insertOutboxRows(db, 4);
    expect(outbox.counts()).toEqual({ pending: 7, failed: 0, uploadedToday: 0 });
    const rows = outbox.pendingAfter(null, 10);
    outbox.markSent(rows.slice(0, 3).map((r) => r.seq));
    outbox.markSent(rows.slice(0, 3).map((r) => r.seq));
    outbox.markRejected([{ seq: rows[3]?.seq as number, reason: 'no' }]);
    expect(outbox.counts()).toEqual({ pending: 3, failed: 1, uploadedToday: 3 });
    expect(outbox.requeue(rows[3]?.recordId as string)).toBe(true);
    expect(outbox.requeue(rows[3]?.recordId as string)).toBe(false);
    expect(outbox.counts()).toEqual({ pending: 4, failed: 0, uploadedToday: 3 });
    expect(new Outbox(db, 'Asia/Shanghai').counts()).toEqual(outbox.counts());
  });

  it("counts today's uploads from the school's midnight", () => {
    insertOutboxRows(db, 2);
    const t = Date.parse('2026-11-23T15:30:00Z'); // 23:30 in Shanghai
    let now = t;
    const outbox = new Outbox(db, 'Asia/Shanghai', () => now);
    outbox.markSent(outbox.pendingAfter(null, 1).map((r) => r.seq));
    expect(outbox.counts().uploadedToday).toBe(1);
    now = t + 60 * 60_000; // 00:30 the next day
    expect(outbox.counts().uploadedToday).toBe(0);
    outbox.markSent(outbox.pendingAfter(null, 1).map((r) => r.seq));
    expect(outbox.counts().uploadedToday).toBe(1);
  });
});

describe('retry delays', () => {
  const backoff = { initialMs: 1000, maxMs: 300_000 };
  it('double from one second with jitter, and never exceed five minutes', () => {
    expect(retryDelayMs(1, backoff, () => 0)).toBe(500);
    expect(retryDelayMs(1, backoff, () => 1)).toBe(1000);
    expect(retryDelayMs(4, backoff, () => 1)).toBe(8000);
    expect(retryDelayMs(4, backoff, () => 0)).toBe(4000);
    expect(retryDelayMs(50, backoff, () => 1)).toBe(300_000);
    expect(retryDelayMs(50, backoff, () => 0)).toBe(150_000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(6, backoff)));
    expect(spread.size).toBeGreaterThan(10);
  });
});

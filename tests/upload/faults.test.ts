import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { ScreeningStore } from '../../kiosk/store/screenings.ts';
import { StorageHealth } from '../../kiosk/store/storage-health.ts';
import { Outbox } from '../../kiosk/upload/outbox.ts';
import { Uploader, type UploaderOptions } from '../../kiosk/upload/uploader.ts';
import type { RunningCollector } from '../../server/collector/collector.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';
import { startTestCollector, type TestPostgres } from '../helpers/postgres.ts';
import { type Fault, FaultProxy } from './fault-proxy.ts';
import {
  collectorRecords,
  insertOutboxRows,
  outboxStatuses,
  screeningData,
  screeningRecord,
} from './records.ts';

/** A kiosk's store and uploader, sending through a fault proxy to a real collector on PostgreSQL. */
class Gate {
  readonly dir = tempDir('gk-upload-');
  readonly db: Db = openDatabase(this.dir.path);
  readonly screenings = new ScreeningStore(this.db);
  readonly outbox = new Outbox(this.db, 'Asia/Shanghai');
  uploader: Uploader | null = null;

  constructor(
    readonly schoolId: string,
    readonly endpoint: string,
  ) {}

  commit(count: number): string[] {
    return Array.from({ length: count }, () => {
      const r = screeningRecord();
      this.screenings.commit(r);
      return r.id;
    });
  }

  start(over: Partial<UploaderOptions> = {}): Uploader {
    this.uploader = new Uploader({
      outbox: this.outbox,
      endpoint: this.endpoint,
      schoolId: this.schoolId,
      kioskId: 'gate-1',
      batchSize: 10,
      requestTimeoutMs: 400,
      backoff: { initialMs: 20, maxMs: 120 },
      idlePollMs: 20,
      ...over,
    });
    this.uploader.start();
    return this.uploader;
  }

  async drained(timeoutMs = 20_000): Promise<void> {
    await waitUntil(
      () => this.outbox.counts().pending === 0,
      timeoutMs,
      `the outbox of ${this.schoolId} drained`,
    );
  }

  async close(): Promise<void> {
    await this.uploader?.stop();
    this.db.close();
    this.dir.remove();
  }
}

describe('the uploader through a faulty link', () => {
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let proxy: FaultProxy;
  let gate: Gate | null = null;
  let schools = 0;
  const newGate = () => {
    gate = new Gate(`school-${++schools}`, proxy.url);
    return gate;
  };

  beforeAll(async () => {
    ({ pgServer, collector } = await startTestCollector());
    proxy = new FaultProxy(collector.url);
    proxy.slowMs = 700;
    await proxy.up();
  });
  afterEach(async () => {
    await gate?.close();
    gate = null;
    proxy.faults.length = 0;
    await proxy.up().catch(() => {});
  });
  afterAll(async () => {
    await proxy?.down();
    await collector?.stop();
    await pgServer?.stop();
  });

  const faultCases: [string, Fault[]][] = [
    ['connections dropped', ['reset', 'reset']],
    ['500 before storing', ['error500', 'error500', 'error500']],
    ['500 after storing', ['error500AfterStoring', 'error500AfterStoring']],
    ['answers slower than the timeout', ['slow', 'slow']],
    ['connections closed mid-answer', ['cutMidAnswer', 'cutMidAnswer']],
    ['a captive portal answering HTML', ['captivePortal']],
    ['answers naming only part of the batch', ['partial', 'partial', 'partial']],
  ];

  it.each(faultCases)('loses nothing and stores nothing twice with %s', async (_name, faults) => {
    const g = newGate();
    const ids = g.commit(45);
    proxy.faults.push(...faults);
    const seenBefore = proxy.seen.length;
    g.start();
    await g.drained();
    expect(outboxStatuses(g.db)).toEqual({ sent: 45 });
    const held = await collectorRecords(collector.pool, g.schoolId);
    expect(held.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(held.every((r) => r.copies === 1)).toBe(true);
    // Within a kind the district receives records in the order the gate made them.
    expect(held.map((r) => r.id)).toEqual(ids);
    const hit = proxy.seen.slice(seenBefore).filter((s) => s.fault !== null);
    expect(hit.map((s) => s.fault)).toEqual(faults);
  });

  it('waits as long as a busy collector asks (Retry-After), stays online, and loses nothing', async () => {
    const g = newGate();
    const ids = g.commit(12);
    proxy.faults.push('busy');
    const before = proxy.batches.length;
    const busy: { retryAfterMs: number; retryInMs: number }[] = [];
    const uploader = g.start({ random: () => 1 });
    let statusWhileBusy: ReturnType<Uploader['status']> | null = null;
    uploader.on('busy', (b) => {
      busy.push(b);
      statusWhileBusy = uploader.status();
    });
    await g.drained();
    const [refused, next] = proxy.batches.slice(before);
    expect(refused?.fault).toBe('busy');
    expect(next?.batchId).toBe(refused?.batchId);
    // Its own backoff would have tried again after 20 ms; the collector asked for a second.
    expect((next?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(busy).toEqual([{ retryAfterMs: 1000, retryInMs: 1200, records: 10, message: expect.any(String) }]);
    expect(statusWhileBusy).toMatchObject({
      online: true,
      offlineSince: null,
      lastError: expect.stringMatching(/busy/),
    });
    const held = await collectorRecords(collector.pool, g.schoolId);
    expect(held.map((r) => r.id)).toEqual(ids);
    expect(held.every((r) => r.copies === 1)).toBe(true);
  });

  it('resends a batch whose answer was lost with the same Idempotency-Key', async () => {
    const g = newGate();
    g.commit(5);
    proxy.faults.push('cutMidAnswer');
    const seenBefore = proxy.seen.length;
    g.start();
    await g.drained();
    const [first, second] = proxy.batches.slice(-2);
    expect(proxy.seen.length - seenBefore).toBeGreaterThanOrEqual(2);
    expect(second?.batchId).toBe(first?.batchId);
    expect(second?.recordIds).toEqual(first?.recordIds);
  });

  it('waits out a collector that is down, says since when, and drains when it returns', async () => {
    const g = newGate();
    const ids = g.commit(30);
    await proxy.down();
    const offline: string[] = [];
    const uploader = g.start();
    uploader.on('offline', ({ since }) => offline.push(since));
    await waitUntil(() => uploader.status().lastError !== null, 5000, 'a failed attempt');
    await new Promise((r) => setTimeout(r, 300));
    const status = uploader.status();
    expect(status).toMatchObject({ online: false, pending: 30, failed: 0, uploadedToday: 0 });
    expect(status.offlineSince).toBe(offline[0]);
    expect(status.lastError).toMatch(/cannot reach/);
    expect(offline).toHaveLength(1);
    await proxy.up();
    await g.drained();
    expect(uploader.status()).toMatchObject({
      online: true,
      offlineSince: null,
      pending: 0,
      uploadedToday: 30,
      lastError: null,
    });
    expect((await collectorRecords(collector.pool, g.schoolId)).map((r) => r.id)).toEqual(ids);
  });

  it('with nothing to send, still tells the district it is alive and knows the link is up', async () => {
    const g = newGate();
    const uploader = g.start({ heartbeatMs: 50 });
    await waitUntil(() => uploader.status().online, 5000, 'the first heartbeat answered');
    const kiosks = await collector.pool.query('SELECT id FROM kiosks WHERE school_id = $1', [g.schoolId]);
    expect(kiosks.rows).toEqual([{ id: 'gate-1' }]);
    expect(await collectorRecords(collector.pool, g.schoolId)).toEqual([]);
    await proxy.down();
    await waitUntil(() => !uploader.status().online, 5000, 'a failed heartbeat');
    expect(uploader.status().offlineSince).not.toBeNull();
  });

  it('keeps a rejected record aside with its reason and never sends it again', async () => {
    const g = newGate();
    g.commit(3);
    const [bad] = insertOutboxRows(g.db, 1, { data: JSON.stringify({ laneId: '1', decision: 'maybe' }) });
    g.commit(3);
    const uploader = g.start();
    await g.drained();
    const row = g.db.prepare('SELECT status, last_error FROM outbox WHERE record_id = ?').get(bad) as {
      status: string;
      last_error: string;
    };
    expect(row.status).toBe('rejected');
    // As the district said it, Chinese first.
    expect(row.last_error).toMatch(/^记录内容不符合要求：.*data\.decision.* \/ .*data\.decision/);
    expect(uploader.status()).toMatchObject({ pending: 0, failed: 1 });
    expect(uploader.rejected()).toEqual([expect.objectContaining({ recordId: bad, reason: row.last_error })]);
    g.commit(4);
    await g.drained();
    expect(proxy.batches.filter((b) => b.recordIds.includes(bad as string))).toHaveLength(1);
    expect(await collectorRecords(collector.pool, g.schoolId)).toHaveLength(10);
  });

  it('sends a direct report ahead of everything waiting', async () => {
    const g = newGate();
    g.commit(25);
    const [report] = insertOutboxRows(g.db, 1, {
      kind: 'case',
      priority: 1,
      data: JSON.stringify({ personId: 'S0001', status: 'open', directReport: true }),
    });
    const before = proxy.batches.length;
    g.start();
    await g.drained();
    expect(proxy.batches[before]?.recordIds[0]).toBe(report);
    const view = await collector.pool.query('SELECT record_id FROM direct_reports WHERE school_id = $1', [
      g.schoolId,
    ]);
    expect(view.rows).toEqual([{ record_id: report }]);
  });

  it('sets aside a record too large for the collector, and sends the rest', async () => {
    const g = newGate();
    const small = g.commit(6);
    const huge = JSON.stringify({
      personId: 'S0001',
      status: 'open',
      note: 'x'.repeat(5_000_000),
    });
    const [tooBig] = insertOutboxRows(g.db, 1, { kind: 'case', data: huge });
    const uploader = g.start({ maxBatchBytes: 8_000_000 });
    await g.drained();
    expect(uploader.rejected().map((r) => r.recordId)).toEqual([tooBig]);
    expect(uploader.rejected()[0]?.reason).toMatch(/413/);
    expect((await collectorRecords(collector.pool, g.schoolId)).map((r) => r.id)).toEqual(small);
  });

  it('says so when it cannot mark what was sent, and loses nothing once the disk is writable again', async () => {
    const g = newGate();
    const ids = g.commit(20);
    g.db.pragma('query_only = 1');
    const faults: string[] = [];
    const storage = new StorageHealth();
    storage.on('fault', (f) => faults.push(f.code));
    const uploader = g.start({ storage });
    await waitUntil(() => uploader.status().storage !== null, 5000, 'a storage fault in the status');
    expect(uploader.status().storage).toMatchObject({
      code: 'read_only',
      message: { zh: expect.any(String) },
    });
    expect(g.outbox.counts().pending).toBe(20);
    g.db.pragma('query_only = 0');
    await g.drained();
    expect(faults).toEqual(['read_only']);
    expect(uploader.status().storage).toBeNull();
    const held = await collectorRecords(collector.pool, g.schoolId);
    expect(held.map((r) => r.id)).toEqual(ids);
    expect(held.every((r) => r.copies === 1)).toBe(true);
  });

  it('caps a batch by bytes as well as by count', async () => {
    const g = newGate();
    const note = 'y'.repeat(3000);
    insertOutboxRows(g.db, 12, { data: screeningData({ note }) });
    const before = proxy.batches.length;
    g.start({ batchSize: 100, maxBatchBytes: 10_000 });
    await g.drained();
    const sizes = proxy.batches.slice(before).map((b) => b.recordIds.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
  });
});

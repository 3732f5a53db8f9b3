import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database.ts';
import { zonedMoment, zonedToInstant } from '../time/zoned.ts';

/** One record waiting in the outbox; `data` is the JSON text stored when the record was created. */
export interface OutboxRow {
  seq: number;
  recordId: string;
  kind: string;
  at: string;
  data: string;
  priority: number;
  attempts: number;
  nextAttemptAt: string | null;
}

/** A place in the sending order (higher priority first, then oldest first). */
export interface OutboxPosition {
  priority: number;
  seq: number;
}

export interface RejectedRecord {
  recordId: string;
  kind: string;
  at: string;
  reason: string;
  attempts: number;
}

/** A record to queue for upload: what a store hands `Outbox.enqueue` in its own transaction. */
export interface OutboxEntry {
  recordId: string;
  kind: 'screening' | 'case' | 'absence' | 'daily_summary';
  at: string;
  /** The record as JSON text, stored as it is sent. */
  data: string;
  /** Sent before lower priorities (default 0). */
  priority?: number;
  /** A record id already queued is left as it is (a revision queued twice); otherwise it is an error. */
  once?: boolean;
}

const enqueueStatements = new WeakMap<Db, { insert: Statement; insertOnce: Statement }>();

export interface OutboxCounts {
  pending: number;
  failed: number;
  uploadedToday: number;
}

interface Row {
  seq: number;
  record_id: string;
  kind: string;
  at: string;
  data: string;
  priority: number;
  attempts: number;
  next_attempt_at: string | null;
}

const fromRow = (r: Row): OutboxRow => ({
  seq: r.seq,
  recordId: r.record_id,
  kind: r.kind,
  at: r.at,
  data: r.data,
  priority: r.priority,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
});

/**
 * The outbox table as the uploader uses it. Every call is one short statement or transaction, so the
 * caller can yield to the lanes between calls. Counts are kept in memory from one count at start
 * (and whenever the queue runs empty), so the status costs nothing however long the queue is.
 */
export class Outbox {
  /**
   * Queues one record for upload. Every store that uploads what it writes calls this inside the
   * transaction that writes the record, so the record and its outbox row are durable together.
   * Whether a row was added (false: `once` and the record id was queued before).
   */
  static enqueue(db: Db, entry: OutboxEntry): boolean {
    let statements = enqueueStatements.get(db);
    if (statements === undefined) {
      const columns = '(record_id, kind, at, data, priority) VALUES (?, ?, ?, ?, ?)';
      statements = {
        insert: db.prepare(`INSERT INTO outbox ${columns}`),
        insertOnce: db.prepare(`INSERT OR IGNORE INTO outbox ${columns}`),
      };
      enqueueStatements.set(db, statements);
    }
    const statement = entry.once ? statements.insertOnce : statements.insert;
    return statement.run(entry.recordId, entry.kind, entry.at, entry.data, entry.priority ?? 0).changes === 1;
  }

  private readonly selectAt: Statement;
  private readonly priorityBelow: Statement;
  private readonly lastSeqStmt: Statement;
  private readonly baselineStmt: Statement;
  private readonly sentSinceStmt: Statement;
  private readonly markSentTx: (seqs: readonly number[], at: string) => number;
  private readonly markRejectedTx: (items: readonly { seq: number; reason: string }[]) => number;
  private readonly deferTx: (items: readonly { seq: number; nextAttemptAt: string }[], error: string) => void;
  private readonly attemptedTx: (seqs: readonly number[]) => void;
  private readonly requeueStmt: Statement;
  private readonly rejectedStmt: Statement;
  private base = { pending: 0, failed: 0, lastSeq: 0 };
  private leftPending = 0;
  private rejectedSinceBase = 0;
  private requeuedSinceBase = 0;
  private today: { date: string; count: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly timeZone: string,
    private readonly now: () => number = Date.now,
  ) {
    const columns = 'seq, record_id, kind, at, data, priority, attempts, next_attempt_at';
    this.selectAt = db.prepare(
      `SELECT ${columns} FROM outbox WHERE status = 'pending' AND priority = ? AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.priorityBelow = db
      .prepare("SELECT max(priority) FROM outbox WHERE status = 'pending' AND priority < ?")
      .pluck();
    this.lastSeqStmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck();
    this.baselineStmt = db.prepare(
      `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
              (SELECT count(*) FROM outbox WHERE status = 'rejected') AS failed,
              coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) AS lastSeq`,
    );
    this.sentSinceStmt = db
      .prepare("SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?")
      .pluck();
    const markSent = db.prepare(
      `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL, next_attempt_at = NULL
       WHERE seq = ? AND status = 'pending'`,
    );
    const markRejected = db.prepare(
      `UPDATE outbox SET status = 'rejected', last_error = ?, attempts = attempts + 1, next_attempt_at = NULL
       WHERE seq = ? AND status = 'pending'`,
    );
    const defer = db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
       WHERE seq = ? AND status = 'pending'`,
    );
    const attempted = db.prepare(
      "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ? AND status = 'pending'",
    );
    this.markSentTx = db.transaction((seqs: readonly number[], at: string) => {
      let changed = 0;
      for (const seq of seqs) changed += markSent.run(at, seq).changes;
      return changed;
    });
    this.markRejectedTx = db.transaction((items: readonly { seq: number; reason: string }[]) => {
      let changed = 0;
      for (const { seq, reason } of items) changed += markRejected.run(reason, seq).changes;
      return changed;
    });
    this.deferTx = db.transaction(
      (items: readonly { seq: number; nextAttemptAt: string }[], error: string) => {
        for (const { seq, nextAttemptAt } of items) defer.run(error, nextAttemptAt, seq);
      },
    );
    this.attemptedTx = db.transaction((seqs: readonly number[]) => {
      for (const seq of seqs) attempted.run(seq);
    });
    this.requeueStmt = db.prepare(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL
       WHERE record_id = ? AND status = 'rejected'`,
    );
    this.rejectedStmt = db.prepare(
      `SELECT record_id, kind, at, last_error, attempts FROM outbox WHERE status = 'rejected'
       ORDER BY seq DESC LIMIT ?`,
    );
    this.recount();
  }

  /** Removes rows uploaded before `before` (they hold a copy of raw values); how many. */
  static deleteSentBefore(db: Db, before: string): number {
    return db.prepare(`DELETE FROM outbox WHERE status = 'sent' AND at < ?`).run(before).changes;
  }

  /** Counts the queue again from the table (an index-only count); cheap when the queue is short. */
  recount(): void {
    this.base = this.baselineStmt.get() as { pending: number; failed: number; lastSeq: number };
    this.leftPending = 0;
    this.rejectedSinceBase = 0;
    this.requeuedSinceBase = 0;
  }

  counts(): OutboxCounts {
    const lastSeq = (this.lastSeqStmt.get() as number | undefined) ?? 0;
    return {
      pending: this.base.pending + (lastSeq - this.base.lastSeq) - this.leftPending + this.requeuedSinceBase,
      failed: this.base.failed + this.rejectedSinceBase - this.requeuedSinceBase,
      uploadedToday: this.uploadedToday(),
    };
  }

  /** Up to `limit` pending rows after `after`, in sending order; one priority level per call. */
  pendingAfter(after: OutboxPosition | null, limit: number): OutboxRow[] {
    let priority = after ? after.priority : this.maxPriorityBelow(Number.MAX_SAFE_INTEGER);
    let seq = after ? after.seq : 0;
    while (priority !== null) {
      const rows = this.selectAt.all(priority, seq, limit) as Row[];
      if (rows.length > 0) return rows.map(fromRow);
      priority = this.maxPriorityBelow(priority);
      seq = 0;
    }
    return [];
  }

  /** Accepted or already held by the district: done. */
  markSent(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    const at = new Date(this.now()).toISOString();
    const changed = this.relaxed(() => this.markSentTx(seqs, at));
    this.leftPending += changed;
    const date = zonedMoment(new Date(at), this.timeZone).date;
    if (this.today?.date === date) this.today.count += changed;
  }

  /** Refused by the district with a reason: kept aside, never sent again unless someone requeues it. */
  markRejected(items: readonly { seq: number; reason: string }[]): void {
    if (items.length === 0) return;
    const changed = this.relaxed(() => this.markRejectedTx(items));
    this.leftPending += changed;
    this.rejectedSinceBase += changed;
  }

  /** Sent but not answered for: tried again, not before `nextAttemptAt`. */
  defer(items: readonly { seq: number; nextAttemptAt: string }[], error: string): void {
    if (items.length > 0) this.relaxed(() => this.deferTx(items, error));
  }

  /** The whole batch failed on the way: counted as an attempt, retried when the link is back. */
  noteAttempt(seqs: readonly number[]): void {
    if (seqs.length > 0) this.relaxed(() => this.attemptedTx(seqs));
  }

  /** Puts a rejected record back in the queue (after someone fixed what the district objected to). */
  requeue(recordId: string): boolean {
    const changed = this.requeueStmt.run(recordId).changes;
    this.requeuedSinceBase += changed;
    return changed > 0;
  }

  rejected(limit = 200): RejectedRecord[] {
    return (
      this.rejectedStmt.all(limit) as {
        record_id: string;
        kind: string;
        at: string;
        last_error: string | null;
        attempts: number;
      }[]
    ).map((r) => ({
      recordId: r.record_id,
      kind: r.kind,
      at: r.at,
      reason: r.last_error ?? '',
      attempts: r.attempts,
    }));
  }

  private uploadedToday(): number {
    const date = zonedMoment(new Date(this.now()), this.timeZone).date;
    if (this.today?.date !== date) {
      const from = zonedToInstant(date, '00:00', this.timeZone).toISOString();
      this.today = { date, count: this.sentSinceStmt.get(from) as number };
    }
    return this.today.count;
  }

  private maxPriorityBelow(priority: number): number | null {
    return (this.priorityBelow.get(priority) as number | null) ?? null;
  }

  /**
   * Outcome marks are written without waiting for the disk (synchronous=NORMAL, WAL stays consistent):
   * one lost on a power cut only means a resend, which the district answers as a duplicate. The lanes'
   * own commits keep synchronous=FULL, and flush these with them.
   */
  private relaxed<T>(write: () => T): T {
    const before = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      this.db.pragma(`synchronous = ${before}`);
    }
  }
}

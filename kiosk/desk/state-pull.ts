import { EventEmitter } from 'node:events';
import type { Db } from '../store/database.ts';
import { personColumns } from '../store/people.ts';
import { retryDelayMs } from '../upload/backoff.ts';
import type { Change, ChangePage, PersonState } from './change-feed.ts';
import type { DeskFetch } from './desk-fetch.ts';
import { ensureDeskTables } from './desk-schema.ts';

export interface DeskPullOptions {
  db: Db;
  url: string;
  token: string;
  kioskId: string;
  fetch: DeskFetch;
  /** How long the desk holds a pull open while nothing changes. */
  waitMs?: number;
  now?: () => number;
}

/** What a gate knows of its link to the desk (the gate display and `/api/desk` show it). */
export interface DeskPullStatus {
  url: string;
  online: boolean;
  /** The last time the gate held everything the desk had. */
  lastSyncAt: string | null;
  cursor: number;
  lastError: string | null;
}

export interface DeskPullEvents {
  /** People's states changed in the store: re-read the roster the lanes use. */
  people: [count: number];
  online: [];
  offline: [error: string];
}

const CURSOR_KEY = 'changes_cursor';
const SYNCED_KEY = 'last_sync_at';

/**
 * A gate's copy of the desk's roster and people's states: pulled by cursor (so a gate that was away
 * catches up from where it stopped), each page applied in one transaction with the cursor, and asked
 * again at once; the desk holds the question open until something changes, so a nurse's decision
 * reaches the gate within a second or so. The gate decides with its copy whatever the link does.
 */
export class DeskPull extends EventEmitter<DeskPullEvents> {
  private readonly getKey;
  private readonly setKey;
  private readonly applyTx;
  private readonly waitMs: number;
  private readonly now: () => number;
  private online = false;
  private lastError: string | null = null;
  private failures = 0;
  private running: Promise<void> | null = null;
  private readonly stopSignal = new AbortController();

  constructor(private readonly opts: DeskPullOptions) {
    super();
    ensureDeskTables(opts.db);
    this.waitMs = opts.waitMs ?? 20_000;
    this.now = opts.now ?? Date.now;
    this.getKey = opts.db.prepare('SELECT value FROM desk_link WHERE key = ?').pluck();
    this.setKey = opts.db.prepare(
      'INSERT INTO desk_link (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    const db = opts.db;
    const upsert = db.prepare(
      `INSERT INTO people (id, name, kind, grade, class_name, card, guardian_phone, boarder, health_code,
         health_code_at, return_certificate_due, left_at)
       VALUES (@id, @name, @kind, @grade, @className, @card, @guardianPhone, @boarder, @healthCode,
         @healthCodeAt, @returnCertificateDue, @leftAt)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, grade = excluded.grade,
         class_name = excluded.class_name, card = excluded.card, guardian_phone = excluded.guardian_phone,
         boarder = excluded.boarder, health_code = excluded.health_code, health_code_at = excluded.health_code_at,
         return_certificate_due = excluded.return_certificate_due, left_at = excluded.left_at`,
    );
    const freeCard = db.prepare('UPDATE people SET card = NULL WHERE card = ? AND id <> ?');
    const dropCard = db.prepare("DELETE FROM person_identities WHERE kind = 'card' AND value = ?");
    const dropCards = db.prepare("DELETE FROM person_identities WHERE kind = 'card' AND person_id = ?");
    const addCard = db.prepare(
      "INSERT INTO person_identities (person_id, kind, value, position) VALUES (?, 'card', ?, ?)",
    );
    const allIds = db.prepare('SELECT id FROM people WHERE left_at IS NULL').pluck();
    const leave = db.prepare('UPDATE people SET left_at = ? WHERE id = ? AND left_at IS NULL');
    const closeCase = db.prepare(
      `UPDATE cases SET status = 'closed', disposition = @disposition, closed_at = @closedAt, closed_by = @closedBy
       WHERE id = @id AND status = 'open'`,
    );
    const addScreening = db.prepare(
      `INSERT OR IGNORE INTO desk_screenings (id, at, local_date, session, person_id, record)
       VALUES (@id, @at, @localDate, @session, @personId, @record)`,
    );
    const noteClosed = db.prepare(
      'INSERT OR IGNORE INTO desk_closed_cases (id, person_id, closed_at) VALUES (?, ?, ?)',
    );
    const applyPerson = (p: PersonState) => {
      for (const card of p.cards) {
        freeCard.run(card, p.id);
        dropCard.run(card);
      }
      upsert.run({
        ...personColumns(p),
        returnCertificateDue: p.returnCertificateDue ? 1 : 0,
        leftAt: p.leftAt,
      });
      dropCards.run(p.id);
      p.cards.forEach((card, position) => {
        addCard.run(p.id, card, position);
      });
    };
    this.applyTx = db.transaction((page: ChangePage, at: string) => {
      let people = 0;
      if (page.snapshot) {
        const listed = new Set(page.changes.flatMap((c) => (c.kind === 'person' ? [c.person.id] : [])));
        for (const id of allIds.all() as string[]) if (!listed.has(id)) people += leave.run(at, id).changes;
      }
      for (const change of page.changes) {
        if (change.kind === 'person') {
          applyPerson(change.person);
          people++;
        } else if (change.kind === 'screening') {
          const s = change.screening;
          if (s.personId !== null) addScreening.run({ ...s, record: JSON.stringify(s) });
        } else {
          const c = change.closed;
          const mine = closeCase.run({
            id: c.id,
            disposition: c.disposition,
            closedAt: c.closedAt,
            closedBy: c.closedBy,
          }).changes;
          // Another gate's case: kept so a repeat of its screening here is decided afresh too.
          if (mine === 0 && c.personId !== null && c.closedAt !== null)
            noteClosed.run(c.id, c.personId, c.closedAt);
        }
      }
      this.setKey.run(CURSOR_KEY, String(page.next));
      this.setKey.run(SYNCED_KEY, at);
      return people;
    });
  }

  cursor(): number {
    return Number(this.getKey.get(CURSOR_KEY) ?? 0);
  }

  status(): DeskPullStatus {
    return {
      url: this.opts.url,
      online: this.online,
      lastSyncAt: (this.getKey.get(SYNCED_KEY) as string | undefined) ?? null,
      cursor: this.cursor(),
      lastError: this.lastError,
    };
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.running;
  }

  /** One question to the desk and its answer applied; resolves to the changes applied. */
  async pullOnce(waitMs = 0): Promise<Change[]> {
    const after = this.cursor();
    const base = this.opts.url.replace(/\/+$/, '');
    const url = `${base}/v1/gate/changes?after=${after}&waitMs=${waitMs}&kioskId=${encodeURIComponent(this.opts.kioskId)}`;
    const signal = AbortSignal.any([this.stopSignal.signal, AbortSignal.timeout(waitMs + 15_000)]);
    const res = await this.opts.fetch(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${this.opts.token}`, accept: 'application/json' },
      signal,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} from the desk: ${text.slice(0, 200)}`);
    const page = JSON.parse(text) as ChangePage;
    const people = this.applyTx(page, new Date(this.now()).toISOString());
    if (people > 0) this.emit('people', people);
    return page.changes;
  }

  private async loop(): Promise<void> {
    while (!this.stopSignal.signal.aborted) {
      try {
        await this.pullOnce(this.online ? this.waitMs : 0);
        this.failures = 0;
        this.lastError = null;
        if (!this.online) {
          this.online = true;
          this.emit('online');
        }
      } catch (err) {
        if (this.stopSignal.signal.aborted) break;
        const e = err as { message?: string; cause?: { code?: string; message?: string } };
        const error = `${e.message ?? String(err)}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`;
        this.lastError = error;
        this.failures++;
        if (this.online || this.failures === 1) {
          this.online = false;
          this.emit('offline', error);
        }
        await this.sleep(retryDelayMs(this.failures, { initialMs: 500, maxMs: 15_000 }));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.stopSignal.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/database.ts';
import { ensureDeskTables, ensureDeskTriggers } from './desk-schema.ts';

export interface Gate {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  /** The kiosks that have sent as this gate (a gate restored or cloned shows up as a second one). */
  kiosks: { kioskId: string; firstSeen: string; lastSeen: string; lastDrained: string | null }[];
  /** When the desk last heard from the gate (a batch or a pull), or null. */
  lastSeen: string | null;
  /** When the gate last had nothing left to send: everything it recorded before then is on the desk. */
  lastDrained: string | null;
}

interface GateRow {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

export class GateRefusal extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'GateRefusal';
  }
}

const GATE_ID = /^[A-Za-z0-9_-]{1,32}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The gates a desk knows: each with a token, kept only as its hash. */
export class GateRegistry {
  private readonly byHash;
  private readonly touchStmt;
  private readonly drainedStmt;

  constructor(private readonly db: Db) {
    ensureDeskTables(db);
    this.byHash = db.prepare('SELECT * FROM desk_gates WHERE token_hash = ? AND revoked_at IS NULL');
    this.touchStmt = db.prepare(
      `INSERT INTO desk_gate_kiosks (gate_id, kiosk_id, first_seen, last_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT (gate_id, kiosk_id) DO UPDATE SET last_seen = excluded.last_seen`,
    );
    this.drainedStmt = db.prepare(
      'UPDATE desk_gate_kiosks SET last_drained = ? WHERE gate_id = ? AND kiosk_id = ?',
    );
  }

  /** A kiosk of this gate sent an empty batch: its queue was empty, all it made is here. */
  drained(gateId: string, kioskId: string, at = new Date()): void {
    this.seen(gateId, kioskId, at);
    this.drainedStmt.run(at.toISOString(), gateId, kioskId);
  }

  /** Adds a gate; the token is returned once and never stored. */
  add(id: string, name: string, at = new Date()): { gate: Gate; token: string } {
    if (!GATE_ID.test(id)) {
      throw new GateRefusal(
        `大门编号“${id}”只能用字母、数字、“-”或“_”（最多 32 个）`,
        `gate id "${id}": letters, digits, "-" or "_" (at most 32)`,
      );
    }
    if (name.trim() === '')
      throw new GateRefusal('请给大门起个名字（--name）', 'give the gate a name (--name)');
    const existing = this.db.prepare('SELECT id FROM desk_gates WHERE id = ?').get(id);
    if (existing) {
      throw new GateRefusal(
        `已有大门“${id}”；要换令牌，先 gate revoke 再用新编号添加`,
        `there is already a gate "${id}"; to replace its token, revoke it and add the gate under a new id`,
      );
    }
    ensureDeskTriggers(this.db);
    const token = `gk_gate_${randomBytes(24).toString('base64url')}`;
    this.db
      .prepare('INSERT INTO desk_gates (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(id, name.trim(), hashToken(token), at.toISOString());
    return { gate: this.mustGet(id), token };
  }

  list(): Gate[] {
    const rows = this.db.prepare('SELECT * FROM desk_gates ORDER BY created_at, id').all() as GateRow[];
    return rows.map((r) => this.fromRow(r));
  }

  get(id: string): Gate | null {
    const row = this.db.prepare('SELECT * FROM desk_gates WHERE id = ?').get(id) as GateRow | undefined;
    return row ? this.fromRow(row) : null;
  }

  /** Whether any gate was ever added: the kiosk is then its school's desk. */
  hasGates(): boolean {
    return this.db.prepare('SELECT 1 FROM desk_gates LIMIT 1').get() !== undefined;
  }

  /** The gate a token belongs to, unless it was revoked. Looked up on every request. */
  verify(token: string): { id: string; name: string } | null {
    const row = this.byHash.get(hashToken(token)) as GateRow | undefined;
    return row ? { id: row.id, name: row.name } : null;
  }

  /** A kiosk sent or pulled as this gate. */
  seen(gateId: string, kioskId: string, at = new Date()): void {
    this.touchStmt.run(gateId, kioskId, at.toISOString(), at.toISOString());
  }

  revoke(id: string, at = new Date()): boolean {
    return (
      this.db
        .prepare('UPDATE desk_gates SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(at.toISOString(), id).changes > 0
    );
  }

  private mustGet(id: string): Gate {
    const gate = this.get(id);
    if (!gate) throw new Error(`gate ${id} vanished`);
    return gate;
  }

  private fromRow(r: GateRow): Gate {
    const kiosks = (
      this.db
        .prepare(
          'SELECT kiosk_id, first_seen, last_seen, last_drained FROM desk_gate_kiosks WHERE gate_id = ? ORDER BY first_seen',
        )
        .all(r.id) as {
        kiosk_id: string;
        first_seen: string;
        last_seen: string;
        last_drained: string | null;
      }[]
    ).map((k) => ({
      kioskId: k.kiosk_id,
      firstSeen: k.first_seen,
      lastSeen: k.last_seen,
      lastDrained: k.last_drained,
    }));
    const latest = (values: (string | null)[]) =>
      values.reduce<string | null>((m, v) => (v !== null && (m === null || v > m) ? v : m), null);
    return {
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
      kiosks,
      lastSeen: latest(kiosks.map((k) => k.lastSeen)),
      lastDrained: latest(kiosks.map((k) => k.lastDrained)),
    };
  }
}

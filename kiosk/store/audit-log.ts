import type { Db } from './database.ts';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  personId: string | null;
  detail: Record<string, unknown>;
}

/**
 * Who read or exported whose health data, and who changed a record, a rule, the roster or a user.
 * Append-only: the table refuses updates and deletes.
 */
export class AuditLog {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO audit_log (at, actor, action, person_id, detail) VALUES (?, ?, ?, ?, ?)',
    );
  }

  append(
    actor: string,
    action: string,
    detail: Record<string, unknown> = {},
    personId: string | null = null,
  ): void {
    this.insert.run(new Date().toISOString(), actor, action, personId, JSON.stringify(detail));
  }

  /**
   * Runs `change` and appends the entry `describe` makes of its result in one transaction: the change
   * is not kept without its entry, nor the entry without the change.
   */
  record<T>(
    actor: string,
    action: string,
    change: () => T,
    describe: (result: T) => Record<string, unknown>,
  ): T {
    return this.db.transaction(() => {
      const result = change();
      this.append(actor, action, describe(result));
      return result;
    })();
  }

  list(filter: { personId?: string; limit?: number } = {}): AuditEntry[] {
    const rows = (
      filter.personId
        ? this.db
            .prepare('SELECT * FROM audit_log WHERE person_id = ? ORDER BY id DESC LIMIT ?')
            .all(filter.personId, filter.limit ?? 500)
        : this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(filter.limit ?? 500)
    ) as {
      id: number;
      at: string;
      actor: string;
      action: string;
      person_id: string | null;
      detail: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      personId: r.person_id,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}

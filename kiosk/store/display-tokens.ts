import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './database.ts';

export interface DisplayToken {
  id: number;
  name: string;
  lanes: string[];
  createdAt: string;
  revokedAt: string | null;
}

interface Row {
  id: number;
  name: string;
  lanes: string;
  created_at: string;
  revoked_at: string | null;
}

const fromRow = (r: Row): DisplayToken => ({
  id: r.id,
  name: r.name,
  lanes: JSON.parse(r.lanes) as string[],
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Gate displays are paired, not logged in: a token that may read the display of some lanes. */
export class DisplayTokenStore {
  constructor(private readonly db: Db) {}

  add(name: string, lanes: string[], at = new Date()): { display: DisplayToken; token: string } {
    const token = randomBytes(24).toString('base64url');
    const info = this.db
      .prepare('INSERT INTO display_tokens (token_hash, name, lanes, created_at) VALUES (?, ?, ?, ?)')
      .run(hashToken(token), name, JSON.stringify(lanes), at.toISOString());
    return {
      display: {
        id: Number(info.lastInsertRowid),
        name,
        lanes,
        createdAt: at.toISOString(),
        revokedAt: null,
      },
      token,
    };
  }

  list(): DisplayToken[] {
    return (this.db.prepare('SELECT * FROM display_tokens ORDER BY id').all() as Row[]).map(fromRow);
  }

  /** The display a token pairs, unless it was revoked. */
  verify(token: string): DisplayToken | null {
    const row = this.db
      .prepare('SELECT * FROM display_tokens WHERE token_hash = ? AND revoked_at IS NULL')
      .get(hashToken(token)) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  revoke(id: number, at = new Date()): boolean {
    return (
      this.db
        .prepare('UPDATE display_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(at.toISOString(), id).changes > 0
    );
  }
}

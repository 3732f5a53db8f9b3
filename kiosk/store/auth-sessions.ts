import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../auth/roles.ts';
import type { Db } from './database.ts';
import type { User } from './users.ts';

export interface AuthSession {
  user: Pick<User, 'id' | 'name' | 'role'>;
  csrfToken: string;
  lastSeenAt: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Login sessions: the cookie carries a random token; only its hash is stored, so a copy of the
 * database does not log anyone in. A session idle longer than `idleMs` is gone.
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly idleMs: number,
  ) {}

  create(user: User, at = Date.now()): { token: string; csrfToken: string } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const iso = new Date(at).toISOString();
    this.db
      .prepare(
        'INSERT INTO auth_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(hashToken(token), user.id, csrfToken, iso, iso);
    return { token, csrfToken };
  }

  /** The session for a cookie token, touched; null when unknown, idle too long or its user disabled. */
  use(token: string, at = Date.now()): AuthSession | null {
    return this.lookup(token, at, true);
  }

  /** As `use`, but not a use: the idle time goes on (an open page checked again, not a person). */
  peek(token: string, at = Date.now()): AuthSession | null {
    return this.lookup(token, at, false);
  }

  private lookup(token: string, at: number, touch: boolean): AuthSession | null {
    const row = this.db
      .prepare(
        `SELECT s.csrf_token, s.last_seen_at, u.id, u.name, u.role, u.disabled_at
         FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
      )
      .get(hashToken(token)) as
      | {
          csrf_token: string;
          last_seen_at: string;
          id: number;
          name: string;
          role: Role;
          disabled_at: string | null;
        }
      | undefined;
    if (!row) return null;
    const lastSeen = new Date(row.last_seen_at).getTime();
    if (row.disabled_at !== null || at - lastSeen > this.idleMs) {
      this.end(token);
      return null;
    }
    // Touch at most once a minute: a busy console should not write on every request.
    if (touch && at - lastSeen > 60_000) {
      this.db
        .prepare('UPDATE auth_sessions SET last_seen_at = ? WHERE token_hash = ?')
        .run(new Date(at).toISOString(), hashToken(token));
    }
    return {
      user: { id: row.id, name: row.name, role: row.role },
      csrfToken: row.csrf_token,
      lastSeenAt: touch ? at : lastSeen,
    };
  }

  end(token: string): void {
    this.db.prepare('DELETE FROM auth_sessions WHERE token_hash = ?').run(hashToken(token));
  }

  purgeIdle(at = Date.now()): number {
    return this.db
      .prepare('DELETE FROM auth_sessions WHERE last_seen_at < ?')
      .run(new Date(at - this.idleMs).toISOString()).changes;
  }
}

import { hashPassword, verifyPassword } from '../auth/password.ts';
import type { Role } from '../auth/roles.ts';
import type { Db } from './database.ts';

export interface User {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}

interface Row {
  id: number;
  name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  disabled_at: string | null;
}

const fromRow = (r: Row): User => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
});

/** An account that cannot be made or changed as asked; said in both languages. */
export class UserError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

/** Accounts: a name, a role and a scrypt password hash; disabled accounts are kept, never deleted. */
export class UserStore {
  constructor(private readonly db: Db) {}

  count(): number {
    return (
      this.db.prepare('SELECT count(*) AS n FROM users WHERE disabled_at IS NULL').get() as { n: number }
    ).n;
  }

  list(): User[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as Row[]).map(fromRow);
  }

  get(id: number): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  byName(name: string): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  async add(name: string, role: Role, password: string, at = new Date()): Promise<User> {
    if (this.byName(name)) throw new UserError(`账号 "${name}" 已存在`, `a user "${name}" exists already`);
    const hash = await hashPassword(password);
    const info = this.db
      .prepare('INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(name, role, hash, at.toISOString());
    return { id: Number(info.lastInsertRowid), name, role, createdAt: at.toISOString(), disabledAt: null };
  }

  async setPassword(name: string, password: string): Promise<void> {
    const user = this.byName(name);
    if (!user) throw new UserError(`没有账号 "${name}"`, `no user "${name}"`);
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, user.id);
      this.db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(user.id);
    })();
  }

  disable(name: string, at = new Date()): void {
    const user = this.byName(name);
    if (!user) throw new UserError(`没有账号 "${name}"`, `no user "${name}"`);
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET disabled_at = ? WHERE id = ?').run(at.toISOString(), user.id);
      this.db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(user.id);
    })();
  }

  /** The user when the name and password match an enabled account. Takes as long either way. */
  async check(name: string, password: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined;
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok && row.disabled_at === null ? fromRow(row) : null;
  }
}

/** Verified against when the name is unknown, so a wrong name costs the same time as a wrong password. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

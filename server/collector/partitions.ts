import type { Pool } from 'pg';

/** The tables partitioned by day (`records` on the UTC day of `at`, `check_people` on the local date). */
export type DayTable = 'records' | 'check_people';
const TABLES: readonly DayTable[] = ['records', 'check_people'];

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Which days have a partition, as far as this process knows. A day not known is made (or found made
 * by another collector, or covered by another scheme such as pg_partman) before a batch needs it, so
 * the usual batch finds every day known and costs nothing here.
 */
export class DayPartitions {
  private readonly known = new Map<DayTable, Set<string>>(TABLES.map((t) => [t, new Set()]));
  private loaded: Promise<void> | null = null;

  constructor(private readonly pool: Pool) {}

  /** The days whose partitions exist, read from the catalog. */
  private async load(): Promise<void> {
    const { rows } = await this.pool.query<{ parent: DayTable; day: string }>(
      `SELECT p.relname AS parent, to_char(to_date(right(c.relname, 8), 'YYYYMMDD'), 'YYYY-MM-DD') AS day
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = ANY ($1::text[]) AND c.relname ~ '_p[0-9]{8}$'`,
      [TABLES],
    );
    for (const t of TABLES) this.known.get(t)?.clear();
    for (const r of rows) this.known.get(r.parent)?.add(r.day);
  }

  /** Makes sure each day has a partition. */
  async ensure(table: DayTable, days: readonly string[]): Promise<void> {
    this.loaded ??= this.load();
    await this.loaded;
    const known = this.known.get(table) as Set<string>;
    const missing = [...new Set(days)].filter((d) => !known.has(d));
    if (missing.length === 0) return;
    await this.pool.query('SELECT collector_ensure_partitions($1, $2::date[])', [table, missing]);
    for (const d of missing) known.add(d);
  }

  /** Partitions for the days from yesterday to `ahead` days after `today` (UTC and local dates alike). */
  async makeAhead(today: string, ahead: number): Promise<void> {
    const days = Array.from({ length: ahead + 2 }, (_, i) => addDays(today, i - 1));
    for (const t of TABLES) await this.ensure(t, days);
  }

  /** Drops this collector's partitions of days before `before`; resolves to how many. */
  async dropBefore(before: string): Promise<number> {
    let dropped = 0;
    for (const t of TABLES) {
      const { rows } = await this.pool.query<{ n: number }>(
        'SELECT collector_drop_partitions($1, $2::date) AS n',
        [t, before],
      );
      dropped += rows[0]?.n ?? 0;
    }
    if (dropped > 0) this.forget();
    return dropped;
  }

  /** Reads the catalog again at the next `ensure`. */
  forget(): void {
    this.loaded = null;
  }
}

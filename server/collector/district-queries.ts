import type { Pool } from 'pg';

export { FLAGGED_DECISIONS } from './batch-store.ts';

/** One check (session) of a school's day. */
export interface CheckDay {
  session: string;
  /** People screened at this check (re-takes and guards' answers not counted again). */
  screened: number;
  flagged: number;
  /** Pupils still absent from this check (late arrivals not counted). */
  absent: number;
}

export interface SchoolDay {
  schoolId: string;
  kiosks: number;
  lastBatchAt: string;
  /** People screened at any check of the day, each counted once. */
  screened: number;
  /** People flagged (fever, yellow or red code) at any check of the day, each counted once. */
  flagged: number;
  /** Absences still open, summed over the day's checks (one per pupil and check missed). */
  absent: number;
  /** Direct reports received for the day. */
  directReports: number;
  unansweredDirectReports: number;
  checks: CheckDay[];
}

export interface DirectReport {
  schoolId: string;
  recordId: string;
  kioskId: string;
  personId: string | null;
  reportedAt: string;
  data: Record<string, unknown>;
}

export interface DistrictDay {
  date: string;
  schools: SchoolDay[];
  directReports: DirectReport[];
}

/**
 * Every school that has sent anything, with its figures for `date` (the schools' local date): read
 * from the rollup kept as batches are stored, so this costs the same whatever the day's size.
 */
export async function districtDay(pool: Pool, date: string): Promise<DistrictDay> {
  const { rows } = await pool.query<{
    school_id: string;
    last_batch_at: Date;
    kiosks: number;
    unanswered: number;
    session: string | null;
    screened: number | null;
    flagged: number | null;
    absent: number | null;
    direct_reports: number | null;
  }>('SELECT * FROM collector_day_overview($1::date)', [date]);
  const schools = new Map<string, SchoolDay>();
  for (const r of rows) {
    let s = schools.get(r.school_id);
    if (!s) {
      s = {
        schoolId: r.school_id,
        kiosks: r.kiosks,
        lastBatchAt: r.last_batch_at.toISOString(),
        screened: 0,
        flagged: 0,
        absent: 0,
        directReports: 0,
        unansweredDirectReports: r.unanswered,
        checks: [],
      };
      schools.set(r.school_id, s);
    }
    if (r.session === null) continue;
    if (r.session === '') {
      s.screened = r.screened ?? 0;
      s.flagged = r.flagged ?? 0;
      s.absent = r.absent ?? 0;
      s.directReports = r.direct_reports ?? 0;
    } else {
      s.checks.push({
        session: r.session,
        screened: r.screened ?? 0,
        flagged: r.flagged ?? 0,
        absent: r.absent ?? 0,
      });
    }
  }
  return { date, schools: [...schools.values()], directReports: await unansweredDirectReports(pool) };
}

export async function unansweredDirectReports(pool: Pool, limit = 200): Promise<DirectReport[]> {
  const { rows } = await pool.query<{
    school_id: string;
    record_id: string;
    kiosk_id: string;
    reported_at: Date;
    data: Record<string, unknown>;
  }>('SELECT * FROM collector_unanswered_reports($1)', [limit]);
  return rows.map((r) => ({
    schoolId: r.school_id,
    recordId: r.record_id,
    kioskId: r.kiosk_id,
    personId: typeof r.data.personId === 'string' ? r.data.personId : null,
    reportedAt: r.reported_at.toISOString(),
    data: r.data,
  }));
}

/** Someone at the district has taken up a direct report; false if it was not waiting. */
export async function answerDirectReport(
  pool: Pool,
  schoolId: string,
  recordId: string,
  by: string | null,
): Promise<boolean> {
  const result = await pool.query(
    `UPDATE direct_reports SET answered_at = now(), answered_by = $3
     WHERE school_id = $1 AND record_id = $2 AND answered_at IS NULL`,
    [schoolId, recordId, by],
  );
  return (result.rowCount ?? 0) > 0;
}

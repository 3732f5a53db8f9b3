import type { Pool } from 'pg';

/** Decisions that send someone to the nurse or keep them out. */
export const FLAGGED_DECISIONS = ['fever', 'code_yellow', 'code_red'] as const;

export interface SchoolDay {
  schoolId: string;
  kiosks: number;
  lastBatchAt: string;
  /** People screened (retakes not counted), flagged, and absent on that day (late arrivals not counted). */
  screened: number;
  flagged: number;
  absent: number;
  unansweredDirectReports: number;
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

/** Every school that has sent anything, with its figures for `date` (the schools' local date). */
export async function districtDay(pool: Pool, date: string): Promise<DistrictDay> {
  const schools = await pool.query<{
    school_id: string;
    kiosks: number;
    last_batch_at: Date;
    screened: number;
    flagged: number;
    absent: number;
    unanswered: number;
  }>(
    `SELECT s.id AS school_id, s.last_batch_at,
       (SELECT count(*) FROM kiosks k WHERE k.school_id = s.id)::int AS kiosks,
       (SELECT count(*) FROM direct_reports d WHERE d.school_id = s.id AND d.answered_at IS NULL)::int AS unanswered,
       (count(DISTINCT coalesce(r.data->>'personId', r.id))
          FILTER (WHERE r.data->>'decision' NOT IN ('retake', 'not_measured')))::int AS screened,
       (count(DISTINCT coalesce(r.data->>'personId', r.id))
          FILTER (WHERE r.data->>'decision' = ANY ($2::text[])))::int AS flagged,
       (SELECT count(DISTINCT a.person_id) FROM (
          SELECT DISTINCT ON (coalesce(x.data->>'absenceId', x.id)) x.data->>'personId' AS person_id,
                 x.data->>'status' AS status
          FROM records x
          WHERE x.school_id = s.id AND x.local_date = $1::date AND x.kind = 'absence'
          ORDER BY coalesce(x.data->>'absenceId', x.id), (x.data->>'revision')::int DESC NULLS LAST, x.at DESC
        ) a WHERE a.status IS DISTINCT FROM 'arrived')::int AS absent
     FROM schools s
     -- A guard's answer to a screening (data.resolves) is the same person at the same gate: not counted again.
     LEFT JOIN records r ON r.school_id = s.id AND r.local_date = $1::date AND r.kind = 'screening'
       AND NOT r.data ? 'resolves'
     GROUP BY s.id
     ORDER BY s.id`,
    [date, FLAGGED_DECISIONS],
  );
  return {
    date,
    schools: schools.rows.map((r) => ({
      schoolId: r.school_id,
      kiosks: r.kiosks,
      lastBatchAt: r.last_batch_at.toISOString(),
      screened: r.screened,
      flagged: r.flagged,
      absent: r.absent,
      unansweredDirectReports: r.unanswered,
    })),
    directReports: await unansweredDirectReports(pool),
  };
}

export async function unansweredDirectReports(pool: Pool, limit = 200): Promise<DirectReport[]> {
  const { rows } = await pool.query<{
    school_id: string;
    record_id: string;
    kiosk_id: string;
    reported_at: Date;
    data: Record<string, unknown>;
  }>(
    `SELECT d.school_id, d.record_id, r.kiosk_id, d.reported_at, r.data
     FROM direct_reports d JOIN records r ON r.school_id = d.school_id AND r.id = d.record_id
     WHERE d.answered_at IS NULL
     ORDER BY d.reported_at
     LIMIT $1`,
    [limit],
  );
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

import type { Db } from '../store/database.ts';

export interface PurgeResult {
  /** Screenings whose raw temperatures, scan text and reason texts were removed. */
  screenings: number;
  /** Uploaded outbox rows removed (they held a copy of the same raw values). */
  outboxRows: number;
  before: string;
}

/**
 * Health data is kept the fewest days the rules allow: `days` after a screening, once it has reached
 * the district, its raw temperatures and scanned text go, and its reasons keep only their codes. The
 * row itself stays, so counts and daily summaries do not change. Nothing not yet uploaded is touched.
 */
export function purgeRawData(db: Db, days: number, now = new Date()): PurgeResult {
  const before = new Date(now.getTime() - days * 86_400_000).toISOString();
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT s.id, s.reasons FROM screenings s JOIN outbox o ON o.record_id = s.id
         WHERE s.at < ? AND o.status = 'sent'
           AND (s.temperature_c IS NOT NULL OR s.object_c IS NOT NULL OR s.ambient_c IS NOT NULL
                OR s.identity_text IS NOT NULL OR s.reasons LIKE '%"zh"%')`,
      )
      .all(before) as { id: string; reasons: string }[];
    const scrub = db.prepare(
      `UPDATE screenings SET temperature_c = NULL, object_c = NULL, ambient_c = NULL, identity_text = NULL,
         reasons = ? WHERE id = ?`,
    );
    for (const row of rows) {
      const codes = (JSON.parse(row.reasons) as { code: string }[]).map((r) => ({
        code: r.code,
        zh: '',
        en: '',
      }));
      scrub.run(JSON.stringify(codes), row.id);
    }
    const outboxRows = db.prepare(`DELETE FROM outbox WHERE status = 'sent' AND at < ?`).run(before).changes;
    return { screenings: rows.length, outboxRows, before };
  })();
}

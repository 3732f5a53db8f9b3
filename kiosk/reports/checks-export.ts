import type { Db } from '../store/database.ts';
import { checksCsv } from './checks-csv.ts';
import { buildChecksRecord, type ChecksConfig, type ChecksRecord } from './checks-record.ts';
import { checksWorkbook } from './checks-xlsx.ts';

export const exportFormats = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface ChecksExport {
  bytes: Buffer;
  contentType: string;
  /** ASCII, for a download's file name. */
  fileName: string;
  record: ChecksRecord;
}

/** The 晨午检 record of a day (one check, or all of them) as a file. */
export async function exportChecks(
  db: Db,
  config: ChecksConfig,
  request: { date: string; session?: string; format: ExportFormat },
  now = new Date(),
): Promise<ChecksExport> {
  const sessions = request.session ? [request.session] : config.sessions.map((s) => s.id);
  const record = buildChecksRecord(db, config, request.date, sessions, now);
  const fileName = `checks-${request.date}${request.session ? `-${request.session}` : ''}.${request.format}`;
  if (request.format === 'csv') {
    return {
      bytes: Buffer.from(checksCsv(record), 'utf8'),
      contentType: 'text/csv; charset=utf-8',
      fileName,
      record,
    };
  }
  return {
    bytes: await checksWorkbook(record),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName,
    record,
  };
}

/** What an audit entry says of an export: which day and check, and how many pupils it named. */
export function exportAuditDetail(e: ChecksExport, format: ExportFormat, session: string | null) {
  const pupils = e.record.sessions.flatMap((s) => s.classes.flatMap((c) => c.rows.map((r) => r.personId)));
  return {
    date: e.record.date,
    session,
    format,
    pupils: new Set(pupils).size,
    zeroReport: e.record.zeroReport,
    flagged: e.record.flags.total,
  };
}

import { closeSync, openSync, writeSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { isLocalDate } from '../../kiosk/absences/local-date.ts';
import {
  type ExportFormat,
  exportAuditDetail,
  exportChecks,
  exportFormats,
} from '../../kiosk/reports/checks-export.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { PRIVATE_FILE_MODE, tightenOpenFile } from '../../kiosk/store/private-files.ts';
import { CommandFailure } from './command-failure.ts';
import { type DataOptions, openKioskData, withDataOptions } from './kiosk-data.ts';

export interface ExportOptions extends DataOptions {
  date: string;
  session?: string;
  format: ExportFormat;
  out: string;
}

function dateArgument(value: string): string {
  if (!isLocalDate(value)) throw new InvalidArgumentError('a date as YYYY-MM-DD, e.g. 2026-11-23');
  return value;
}

function formatArgument(value: string): ExportFormat {
  const format = exportFormats.find((f) => f === value);
  if (!format) throw new InvalidArgumentError(`one of ${exportFormats.join(', ')}`);
  return format;
}

/** `gate-kiosk export --date D [--session S] --format xlsx|csv --out F [--config F] [--data DIR]` */
export function registerExportCommand(program: Command): void {
  withDataOptions(
    program
      .command('export')
      .description(
        'the 晨午检 record of a day: every pupil by class and check, as .xlsx (one sheet per class) or .csv',
      ),
  )
    .requiredOption('--date <date>', 'the school-local date, YYYY-MM-DD', dateArgument)
    .option('--session <id>', 'one check, by its session id in the config (default: every check of the day)')
    .requiredOption('--format <format>', 'xlsx or csv', formatArgument)
    .requiredOption('--out <file>', 'the file to write')
    .action(async (o: ExportOptions) => {
      await exportCommand(o);
    });
}

export async function exportCommand(o: ExportOptions, out = process.stdout): Promise<void> {
  const { config, db } = openKioskData(o);
  try {
    if (o.session !== undefined && !config.sessions.some((s) => s.id === o.session)) {
      const known = config.sessions.map((s) => s.id).join(', ');
      throw new CommandFailure(
        `--session：配置 ${o.config} 中没有检测时段 "${o.session}"（已有：${known || '无'}）`,
        `--session: no session "${o.session}" in ${o.config} (known: ${known || 'none'})`,
      );
    }
    const file = await exportChecks(db, config, {
      date: o.date,
      format: o.format,
      ...(o.session !== undefined ? { session: o.session } : {}),
    });
    try {
      writePrivately(o.out, file.bytes);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new CommandFailure(
        `${o.out}：无法写入文件（${code}）`,
        `${o.out}: cannot write the file (${code})`,
      );
    }
    const detail = exportAuditDetail(file, o.format, o.session ?? null);
    new AuditLog(db).append('cli', 'export_checks', { ...detail, out: o.out });
    const classes = file.record.sessions.reduce((n, s) => n + s.classes.length, 0);
    const checks = file.record.sessions.map((s) => s.session.name).join('、');
    const flagged = file.record.flags.total;
    out.write(
      `${o.out}：${o.date}，${checks || '无检测时段'}；${classes} 个班，${detail.pupils} 名学生；` +
        `${detail.zeroReport ? '零报告' : `不能报零（当日异常 ${flagged} 人次，或有症状、因病缺勤）`}\n` +
        `${o.out}: ${o.date}, ${checks || 'no checks'}; ${classes} classes, ${detail.pupils} pupils; ` +
        `${detail.zeroReport ? 'zero report (零报告)' : `no zero report (${flagged} flagged that day, or someone ill)`}\n`,
    );
  } finally {
    db.close();
  }
}

/** The record holds pupils' names: the file is made 0600 (an existing regular file is set to 0600). */
function writePrivately(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w', PRIVATE_FILE_MODE);
  try {
    tightenOpenFile(fd);
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at);
  } finally {
    closeSync(fd);
  }
}

import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../../kiosk/config/load.ts';
import { auditRosterRefusal, importRoster } from '../../kiosk/identities/roster-import.ts';
import { fileTooLarge, rosterLimitsOf } from '../../kiosk/identities/roster-limits.ts';
import { rosterFormatOf } from '../../kiosk/identities/roster-read.ts';
import type { RosterImportReport, RosterPersonLine } from '../../kiosk/identities/roster-report.ts';
import {
  describeRosterError,
  RosterFileTooLarge,
  readRosterFile,
  rosterFailure,
} from '../../kiosk/identities/roster-sync.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { openDatabase } from '../../kiosk/store/database.ts';
import { readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { DEFAULT_CONFIG } from '../defaults.ts';
import { CommandFailure } from './command-failure.ts';

export interface RosterImportOptions {
  file: string;
  config: string;
  data?: string;
  dryRun?: boolean;
  json?: boolean;
}

function rosterFileArgument(value: string): string {
  if (!rosterFormatOf(value)) throw new InvalidArgumentError('a roster is an .xlsx or .csv file.');
  return value;
}

/** `gate-kiosk roster import FILE [--dry-run] [--config F] [--data DIR] [--json]` */
export function registerRosterCommand(program: Command): void {
  const roster = program.command('roster').description('the school roster');
  roster
    .command('import')
    .description(
      'replace the roster with a .xlsx or .csv file: all rows or none; people not in it are marked left',
    )
    .argument('<file>', '.xlsx (first sheet) or .csv (UTF-8 or GBK)', rosterFileArgument)
    .option('--dry-run', 'show what would change and write nothing')
    .option(
      '--config <file>',
      'config YAML (env GATE_KIOSK_CONFIG)',
      process.env.GATE_KIOSK_CONFIG ?? DEFAULT_CONFIG,
    )
    .option('--data <dir>', 'data folder (env GATE_KIOSK_DATA)', process.env.GATE_KIOSK_DATA)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: Omit<RosterImportOptions, 'file'>) => {
      await rosterImportCommand({ ...o, file });
    });
}

/** Imports (or, on a dry run, previews) a roster file; throws naming the file and every bad row. */
export async function rosterImportCommand(opts: RosterImportOptions, out = process.stdout): Promise<void> {
  const config = loadConfig(resolve(opts.config));
  const dataDir = opts.data !== undefined ? resolve(opts.data) : config.dataDir;
  let bytes: Buffer;
  try {
    bytes = readRosterFile(opts.file);
  } catch (err) {
    if (err instanceof RosterFileTooLarge) {
      const db = openDatabase(dataDir);
      try {
        auditRosterRefusal(new AuditLog(db), 'cli', {
          file: resolve(opts.file),
          dryRun: opts.dryRun === true,
          bytes: err.bytes,
          reason: 'too_large',
          message: fileTooLarge.en,
        });
      } finally {
        db.close();
      }
      throw new Error(`${opts.file}: ${fileTooLarge.zh}；未导入 · ${fileTooLarge.en}; nothing imported`);
    }
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new CommandFailure(
      `${opts.file}：无法读取文件（${code}）`,
      `${opts.file}: cannot read the file (${code})`,
    );
  }
  const db = openDatabase(dataDir, readDatabaseKey(config.encryption));
  try {
    const outcome = await importRoster(
      { people: new PeopleStore(db), audit: new AuditLog(db) },
      {
        bytes,
        source: resolve(opts.file),
        timeZone: config.school.timezone,
        dryRun: opts.dryRun === true,
        actor: 'cli',
        limits: rosterLimitsOf(config.rosterLimits),
      },
    );
    if (!outcome.ok) {
      if (opts.json) out.write(`${JSON.stringify({ file: opts.file, ...outcome })}\n`);
      throw rosterFailure(opts.file, outcome.errors, outcome.refusal);
    }
    const report = outcome.report;
    if (opts.json) {
      out.write(`${JSON.stringify({ file: opts.file, ...report })}\n`);
      return;
    }
    writeWarnings(report.warnings);
    out.write(`${summary(opts.file, report)}\n`);
    if (report.dryRun) {
      for (const p of report.added) out.write(`  added    ${line(p)}\n`);
      for (const p of report.updated) out.write(`  updated  ${line(p)}  changed: ${p.fields.join(', ')}\n`);
      for (const p of report.removed) out.write(`  left     ${line(p)}\n`);
    }
  } finally {
    db.close();
  }
}

function summary(file: string, r: RosterImportReport): string {
  const c = r.counts;
  return r.dryRun
    ? `${file}：预览，未写入：将新增 ${c.added} 人，更新 ${c.updated} 人，标记离校 ${c.removed} 人；${c.unchanged} 人不变\n` +
        `${file}: dry run, nothing written: would add ${c.added}, update ${c.updated}, mark ${c.removed} left; ${c.unchanged} unchanged`
    : `${file}：已导入 ${r.imported} 人：新增 ${c.added}，更新 ${c.updated}，离校 ${c.removed}，不变 ${c.unchanged}\n` +
        `${file}: imported ${r.imported} people: added ${c.added}, updated ${c.updated}, left ${c.removed}, unchanged ${c.unchanged}`;
}

function line(p: RosterPersonLine): string {
  const where = [p.grade === null ? '' : `grade ${p.grade}`, p.class ?? ''].filter(Boolean).join(' ');
  return [p.row === null ? 'row -' : `row ${p.row}`, p.id, p.name, p.kind, where].filter(Boolean).join('  ');
}

function writeWarnings(warnings: RosterImportReport['warnings']): void {
  for (const w of warnings) {
    const said = describeRosterError(w);
    process.stderr.write(`警告：${said.zh} / warning: ${said.en}\n`);
  }
}

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
    throw new Error(`${opts.file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`);
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
    ? `${file}: dry run, nothing written: would add ${c.added}, update ${c.updated}, mark ${c.removed} left; ${c.unchanged} unchanged`
    : `${file}: imported ${r.imported} people: added ${c.added}, updated ${c.updated}, left ${c.removed}, unchanged ${c.unchanged}`;
}

function line(p: RosterPersonLine): string {
  const where = [p.grade === null ? '' : `grade ${p.grade}`, p.class ?? ''].filter(Boolean).join(' ');
  return [p.row === null ? 'row -' : `row ${p.row}`, p.id, p.name, p.kind, where].filter(Boolean).join('  ');
}

function writeWarnings(warnings: RosterImportReport['warnings']): void {
  for (const w of warnings) process.stderr.write(`warning: ${describeRosterError(w)}\n`);
}

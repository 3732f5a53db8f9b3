import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type Command, InvalidArgumentError } from 'commander';
import { prettyOptions } from '../logger.ts';
import { CommandFailure } from './command-failure.ts';

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export interface LogFilter {
  lane?: string;
  device?: string;
  /** Lowest level shown (pino's numbers). */
  minLevel?: number;
  /** Earliest time shown (ms since the epoch); journald applies its own `--since` instead. */
  sinceMs?: number;
}

/** Whether a log line passes the filter; lines that are not pino JSON pass only an empty filter. */
export function lineMatches(line: string, filter: LogFilter): boolean {
  let entry: Record<string, unknown> | null = null;
  if (line.startsWith('{')) {
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      entry = null;
    }
  }
  if (!entry || typeof entry.level !== 'number') return Object.values(filter).every((v) => v === undefined);
  if (filter.lane !== undefined && String(entry.lane) !== filter.lane) return false;
  if (filter.device !== undefined && String(entry.device) !== filter.device) return false;
  if (filter.minLevel !== undefined && entry.level < filter.minLevel) return false;
  if (filter.sinceMs !== undefined && (typeof entry.time !== 'number' || entry.time < filter.sinceMs))
    return false;
  return true;
}

function level(value: string): number {
  const n = LEVELS[value];
  if (n === undefined) throw new InvalidArgumentError(`one of ${Object.keys(LEVELS).join(', ')}`);
  return n;
}

interface LogsOptions {
  lane?: string;
  device?: string;
  level?: number;
  since?: string;
  follow?: boolean;
  json?: boolean;
  unit: string;
}

/**
 * `gate-kiosk logs [FILE]`: the kiosk's log as readable lines (or `--json`), filtered by lane, device
 * and level. Reads the service's journal (`journalctl -u gate-kiosk`), a file of JSON lines, or
 * standard input when it is piped.
 */
export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description(
      "the kiosk's log, readable: the service's journal, a file or piped lines, by lane, device or level",
    )
    .argument('[file]', 'a file of JSON log lines, "-" for standard input (default: the journal)')
    .option('--lane <id>', 'only this lane')
    .option('--device <id>', 'only this device')
    .option('--level <level>', `this level and above: ${Object.keys(LEVELS).join(', ')}`, level)
    .option('--since <time>', 'from this time on, e.g. "2026-11-30 07:00", or for the journal "1 hour ago"')
    .option('-f, --follow', 'keep printing new lines (the journal)')
    .option('--json', 'print the matching JSON lines as they are')
    .option('--unit <name>', 'the systemd unit whose journal to read', 'gate-kiosk')
    .action(async (file: string | undefined, o: LogsOptions) => {
      const fromJournal = file === undefined && process.stdin.isTTY === true;
      const filter: LogFilter = {
        ...(o.lane !== undefined ? { lane: o.lane } : {}),
        ...(o.device !== undefined ? { device: o.device } : {}),
        ...(o.level !== undefined ? { minLevel: o.level } : {}),
      };
      if (o.since !== undefined && !fromJournal) {
        const ms = Date.parse(o.since);
        if (Number.isNaN(ms)) {
          throw new CommandFailure(
            `--since "${o.since}" 不是时间：请写成 2026-11-30 07:00 的样子`,
            `--since "${o.since}" is not a time: write it like 2026-11-30 07:00`,
          );
        }
        filter.sinceMs = ms;
      }
      let journal: ChildProcess | null = null;
      let input: Readable;
      if (fromJournal) {
        journal = spawn(
          'journalctl',
          [
            '-u',
            o.unit,
            '-o',
            'cat',
            '--no-pager',
            ...(o.since !== undefined ? ['--since', o.since] : []),
            ...(o.follow ? ['-f'] : []),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        input = journal.stdout as Readable;
      } else input = file === undefined || file === '-' ? process.stdin : createReadStream(file);
      const failed = new Promise<never>((_resolve, reject) => {
        const fail = (err: NodeJS.ErrnoException) =>
          reject(
            err.code === 'ENOENT' && fromJournal
              ? new CommandFailure(
                  '没有 journalctl（此机器未使用 systemd 日志）：请给出日志文件，或用管道输入',
                  'journalctl is not here (no systemd journal on this machine): give a log file, or pipe the lines in',
                )
              : err.code === 'ENOENT'
                ? new CommandFailure(`没有文件 ${file}`, `no file ${file}`)
                : err,
          );
        journal?.once('error', fail);
        input.once('error', fail);
      });
      const format = o.json ? (line: string) => `${line}\n` : prettyLine();
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      const done = (async () => {
        for await (const line of lines) {
          if (line.trim() === '' || !lineMatches(line, filter)) continue;
          process.stdout.write(format(line));
        }
      })();
      await Promise.race([done, failed]);
      if (journal && journal.exitCode === null) {
        await new Promise((resolve) => journal?.once('exit', resolve));
      }
      if (journal && journal.exitCode !== 0) {
        throw new CommandFailure(
          `journalctl 失败（退出码 ${journal.exitCode}）：读取服务日志需要 root，或属于 systemd-journal 组`,
          `journalctl failed (exit ${journal.exitCode}): reading the service's journal needs root or the systemd-journal group`,
        );
      }
    });
}

/** pino-pretty's formatting of one JSON line (lines that are not JSON are printed as they are). */
function prettyLine(): (line: string) => string {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const format = pretty.prettyFactory({ ...prettyOptions, colorize: process.stdout.isTTY === true });
  return (line) => {
    if (!line.startsWith('{')) return `${line}\n`;
    const out = format(line);
    return typeof out === 'string' && out.length > 0 ? out : `${line}\n`;
  };
}

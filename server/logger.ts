import { createRequire } from 'node:module';
import { pino } from 'pino';

/**
 * What a log line says: `zh` (Chinese, shown first) beside the line's English message, and any
 * fields. A maintainer reads the log on the terminal, in `gate-kiosk logs` and in journald.
 */
export interface LineFields {
  zh: string;
  [field: string]: unknown;
}

type Say = (fields: LineFields, en: string) => void;

/** The process logger as the kiosk writes to it: every line `{zh, …}` and its English. A pino logger. */
export interface Logger {
  debug: Say;
  info: Say;
  warn: Say;
  error: Say;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines for journald and machines; readable lines on a terminal. `GATE_KIOSK_LOG_FORMAT`
 * (`json` or `pretty`) overrides what the terminal test says.
 */
export function logFormat(env = process.env, isTTY = process.stdout.isTTY === true): LogFormat {
  const wanted = env.GATE_KIOSK_LOG_FORMAT;
  if (wanted === 'json' || wanted === 'pretty') return wanted;
  return isTTY ? 'pretty' : 'json';
}

/** Options of pino-pretty shared by the kiosk's terminal and `gate-kiosk logs`. */
export const prettyOptions = {
  translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
  ignore: 'pid,hostname,app,zh',
  // Chinese first: "设备状态 / device state".
  messageFormat: '{if zh}{zh} / {end}{msg}',
  singleLine: true,
} as const;

/** The process logger; modules take a child named for them. Level from `LOG_LEVEL` (default info). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', format = logFormat()): Logger {
  const options = { level, base: { app: 'gate-kiosk' } };
  if (format === 'json' || level === 'silent') return pino(options);
  // Loaded only for a terminal: the service and the tests never pay for it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return pino(
    options,
    pretty.build({ ...prettyOptions, colorize: process.stdout.isTTY === true, sync: true, destination: 1 }),
  );
}

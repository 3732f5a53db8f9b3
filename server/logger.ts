import { createRequire } from 'node:module';
import { pino } from 'pino';

export type Logger = pino.Logger;

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
  ignore: 'pid,hostname,app',
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

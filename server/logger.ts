import { pino } from 'pino';

export type Logger = pino.Logger;

/** The process logger; modules take a child named for them. Level from `LOG_LEVEL` (default info). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'gate-kiosk' } });
}

import { join } from 'node:path';
import type { KioskConfig } from '../config/schema.ts';
import { zonedMoment } from '../time/zoned.ts';
import { type BackupCopy, dailyBackups } from './backup.ts';
import { BACKUPS_DIR } from './schema-upgrade.ts';

/** Where the config's copies go: `backup.dir`, or `backups` in the data folder. */
export function backupDirOf(config: Pick<KioskConfig, 'backup' | 'dataDir'>): string {
  return config.backup.dir ?? join(config.dataDir, BACKUPS_DIR);
}

export interface DailyBackupOptions {
  /** Takes the day's copy (on a thread of its own, in the kiosk: `dailyBackupOffThread`). */
  copy: (localDate: string) => Promise<BackupCopy & { removed: string[] }>;
  dir: string;
  /** `HH:mm` in the school's time zone. */
  daily: string;
  timeZone: string;
  now?: () => number;
  /** How often the kiosk looks whether today's copy is due (first look after `firstCheckMs`). */
  checkEveryMs?: number;
  firstCheckMs?: number;
  onCopy?: (copy: BackupCopy & { removed: string[] }) => void;
  onError?: (err: Error) => void;
}

/**
 * Takes the day's copy once the daily time has passed and there is none for the day yet, so a gate
 * PC switched off at night makes it at its next start. `stop` waits for a copy under way.
 */
export function scheduleDailyBackups(opts: DailyBackupOptions): { stop(): Promise<void> } {
  const now = opts.now ?? Date.now;
  let running: Promise<void> | null = null;
  let stopped = false;
  const check = () => {
    if (stopped || running) return;
    const today = zonedMoment(new Date(now()), opts.timeZone);
    if (today.time < opts.daily) return;
    if (dailyBackups(opts.dir).some((b) => b.date === today.date)) return;
    running = opts
      .copy(today.date)
      .then(
        (copy) => opts.onCopy?.(copy),
        (err: Error) => opts.onError?.(err),
      )
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(check, opts.firstCheckMs ?? 30_000);
  const every = setInterval(check, opts.checkEveryMs ?? 5 * 60_000);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}

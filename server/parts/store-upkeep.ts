import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { purgeRawData } from '../../kiosk/privacy/retention.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import { dailyBackupOffThread } from '../../kiosk/store/backup-off-thread.ts';
import { backupDirOf, scheduleDailyBackups } from '../../kiosk/store/backup-schedule.ts';
import type { Db } from '../../kiosk/store/database.ts';
import type { DatabaseKey } from '../../kiosk/store/database-key.ts';
import type { Logger } from '../logger.ts';

const DAY_MS = 24 * 3_600_000;

/** The store's daily upkeep: raw health data purged past retention (now and every day), and backups. */
export function storeUpkeep(
  config: KioskConfig,
  store: { db: Db; key: DatabaseKey | null; audit: AuditLog; now: () => number },
  log: Logger,
): { start(): void; stop(): Promise<void> } {
  const purgeLog = log.child({ part: 'retention' });
  const purge = () => {
    try {
      const result = purgeRawData(store.db, config.retention.days);
      purgeLog.info(
        { zh: '超过保存期限的健康原始数据已清除', days: config.retention.days, ...result },
        'raw health data past retention purged',
      );
      store.audit.append('system', 'retention_purge', { days: config.retention.days, ...result });
    } catch (err) {
      purgeLog.error({ zh: '保存期限清理失败', err }, 'retention purge failed');
    }
  };
  const backupLog = log.child({ part: 'backup' });
  let purgeTimer: NodeJS.Timeout | null = null;
  let backups: { stop(): Promise<void> } | null = null;
  return {
    start() {
      purge();
      purgeTimer = setInterval(purge, DAY_MS);
      purgeTimer.unref();
      const daily = config.backup.daily;
      if (!daily) return;
      backups = scheduleDailyBackups({
        copy: (localDate) =>
          dailyBackupOffThread({
            dataDir: config.dataDir,
            key: store.key,
            dir: backupDirOf(config),
            localDate,
            keep: config.backup.keep,
          }),
        dir: backupDirOf(config),
        daily,
        timeZone: config.school.timezone,
        now: store.now,
        firstCheckMs: 5000,
        onCopy: (copy) => backupLog.info({ zh: '每日备份已写入', ...copy }, 'daily backup written'),
        onError: (err) => backupLog.error({ zh: '每日备份失败', err }, 'daily backup failed'),
      });
    },
    async stop() {
      if (purgeTimer) clearInterval(purgeTimer);
      await backups?.stop();
    },
  };
}

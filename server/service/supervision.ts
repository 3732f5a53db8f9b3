import type { Lane } from '../../kiosk/lanes/lane.ts';
import type { Db } from '../../kiosk/store/database.ts';
import type { Logger } from '../logger.ts';
import { type Notifier, systemdNotifier, watchdogIntervalMs } from './sd-notify.ts';

export interface Supervised {
  lanes: readonly Lane[];
  db: Db;
  url: string;
}

/**
 * Whether the kiosk is alive: every lane has decided and shown what it was handed so far within
 * `withinMs` (a lane stuck on a commit or a lookup is not), and the database file answers.
 */
export async function lanesAlive(kiosk: Supervised, withinMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), withinMs);
  });
  try {
    const settled = Promise.all(kiosk.lanes.map((l) => l.settled())).then(() => true as const);
    if (!(await Promise.race([settled, late]))) return false;
    kiosk.db.prepare('SELECT count(*) FROM sqlite_master').get();
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Under systemd (`Type=notify`): says READY=1 once the kiosk serves, WATCHDOG=1 every half
 * `WatchdogSec` while the lanes are alive (so systemd restarts a kiosk whose lanes hang), and
 * STOPPING=1 on the way out. Does nothing when not started by systemd.
 */
export function superviseBySystemd(
  kiosk: Supervised,
  log: Logger,
  notifier: Notifier | null = systemdNotifier(),
): { stopping(): void } {
  if (!notifier) return { stopping: () => {} };
  const watchdogMs = watchdogIntervalMs();
  notifier.send('READY=1', `STATUS=serving ${kiosk.url}, ${kiosk.lanes.length} lanes`);
  log.info({ zh: '已通知 systemd：就绪', via: notifier.via, watchdogMs }, 'systemd told: ready');
  let timer: NodeJS.Timeout | null = null;
  let failing = false;
  if (watchdogMs !== null) {
    const every = Math.max(100, Math.floor(watchdogMs / 2));
    const tick = async () => {
      const alive = await lanesAlive(kiosk, Math.max(50, Math.floor(watchdogMs / 4)));
      if (alive) {
        notifier.send('WATCHDOG=1');
        if (failing)
          log.info(
            { zh: '通道恢复应答：重新通知 systemd 看门狗' },
            "the lanes answer again: systemd's watchdog is told again",
          );
        failing = false;
      } else if (!failing) {
        failing = true;
        log.error(
          { zh: '通道或数据库无应答：不再通知 systemd 看门狗，持续如此它会重启闸机' },
          "a lane or the database does not answer: systemd's watchdog is not told, and restarts the kiosk if it stays so",
        );
      }
      if (timer !== null) {
        timer = setTimeout(tick, every);
        timer.unref();
      }
    };
    timer = setTimeout(tick, 0);
  }
  return {
    stopping() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      notifier.send('STOPPING=1');
      notifier.close();
    },
  };
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { waitUntil } from './kiosk.ts';

/**
 * Waits for the daily backup in `dataDir/backups` and returns its path. The copy is named for the
 * school's date when it was taken, so a run that crosses midnight in the school's zone finds it
 * under either date.
 */
export async function dailyCopy(
  dataDir: string,
  timeZone = 'Asia/Shanghai',
  timeoutMs = 20_000,
): Promise<string> {
  const started = zonedMoment(new Date(), timeZone).date;
  const named = (date: string) => join(dataDir, 'backups', `gate-kiosk-${date}.sqlite`);
  let found = named(started);
  await waitUntil(
    () => {
      for (const date of [started, zonedMoment(new Date(), timeZone).date]) {
        if (existsSync(named(date))) {
          found = named(date);
          return true;
        }
      }
      return false;
    },
    timeoutMs,
    "the day's copy",
  );
  return found;
}

import { type Clock, systemClock } from '../../kiosk/time/clock.ts';
import { zonedMoment, zonedToInstant } from '../../kiosk/time/zoned.ts';

/** A clock running at real speed but set to today's `HH:mm` in the school's zone, so sessions are known. */
export function clockAt(time: string, timeZone = 'Asia/Shanghai'): Clock {
  const today = zonedMoment(new Date(), timeZone).date;
  const offset = zonedToInstant(today, time, timeZone).getTime() - Date.now();
  return { now: () => Date.now() + offset, setTimer: systemClock.setTimer };
}

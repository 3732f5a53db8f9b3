import { zonedToInstant } from '../time/zoned.ts';

const pattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

/**
 * A status time: ISO 8601 with `Z` or an offset, or a wall-clock `YYYY-MM-DD HH:mm[:ss]` (`T` or space)
 * in `timeZone`. Without a zone, a time with no offset is refused rather than read in the process's
 * own zone. Impossible dates (2026-02-30, 24:00) are refused, not rolled over.
 */
export function parseStatusTime(text: string, timeZone?: string): Date | null {
  const m = pattern.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  if (z || sign) {
    const offsetMin = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
    if (sign && (Number(oh) > 18 || Number(om) > 59)) return null;
    return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000);
  }
  if (!timeZone) return null;
  const instant = zonedToInstant(`${y}-${mo}-${d}`, `${h}:${mi}`, timeZone);
  return new Date(instant.getTime() + second * 1000 + ms);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

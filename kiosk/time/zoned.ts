/** Wall-clock date and time of day in the school's time zone. */
export interface ZonedMoment {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:mm` */
  time: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function zonedMoment(at: Date, timeZone: string): ZonedMoment {
  // Every decision asks; the answer only changes once a minute (zones are whole minutes from UTC).
  const minute = Math.floor(at.getTime() / 60_000);
  const cached = lastMoment.get(timeZone);
  if (cached && cached.minute === minute) return { ...cached.moment };
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const moment = { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
  lastMoment.set(timeZone, { minute, moment });
  return { ...moment };
}

const lastMoment = new Map<string, { minute: number; moment: ZonedMoment }>();

/** The instant of a wall-clock `YYYY-MM-DD HH:mm` in a time zone (no DST ambiguity in Asia/Shanghai). */
export function zonedToInstant(date: string, time: string, timeZone: string): Date {
  const guess = new Date(`${date}T${time}:00Z`);
  const seen = zonedMoment(guess, timeZone);
  const seenAsUtc = new Date(`${seen.date}T${seen.time}:00Z`);
  return new Date(guess.getTime() - (seenAsUtc.getTime() - guess.getTime()));
}

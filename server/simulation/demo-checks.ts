import { join } from 'node:path';
import type { SessionConfig } from '../../kiosk/config/schema.ts';
import { makePrivateDir } from '../../kiosk/store/private-files.ts';
import { zonedMoment, zonedToInstant } from '../../kiosk/time/zoned.ts';
import { keepFile, readKeptFile } from '../kept-file.ts';

/** The demo's checks laid around the moment it starts: one open now, the one before it already over. */
export interface DemoChecks {
  /** The config's checks with their windows moved; a check that does not fit in the day is left out. */
  sessions: SessionConfig[];
  /** The check open at the start. */
  open: SessionConfig;
  /** The check that ended earlier today (its roll call is due), if the day had room for it. */
  earlier: SessionConfig | null;
  /** The school-local date of the start. */
  date: string;
  /** When the first of these checks began (the demo's roster statuses are made just before it). */
  since: number;
  /** Said on start: which check is open, until when. */
  notice: { zh: string; en: string };
}

const LAST_MINUTE = 23 * 60 + 59;
/** How long the open check has been open at the start, and how long it stays open after. */
const OPEN_BEFORE_MIN = 30;
const OPEN_AFTER_MIN = 90;
/** The earlier check: its length, and the gap between its cut-off and the open check's start. */
const EARLIER_MIN = 100;
const GAP_MIN = 45;

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * Moves the demo's check windows so that a newcomer who starts it at any hour finds a check open: the
 * config's second check (午检) opens half an hour before the start and closes an hour and a half after
 * it, its first (晨检) takes the 100 minutes that end 45 minutes before that, and any later check
 * follows the open one. The windows stay within the school's day: before 02:55 the three spans before
 * the start shrink in proportion, a check with no room left is dropped (in the first 18 minutes of the
 * day there is no earlier check). The order and names of the checks are the config's.
 */
export function demoChecks(
  configured: readonly SessionConfig[],
  now: Date,
  timeZone: string,
): DemoChecks | null {
  if (configured.length === 0) return null;
  const { date, time } = zonedMoment(now, timeZone);
  const t = minutesOf(time);
  const openIndex = configured.length >= 2 ? 1 : 0;
  const window = (s: SessionConfig, start: number, cutoff: number): SessionConfig => ({
    ...s,
    start: hhmm(start),
    cutoff: hhmm(cutoff),
  });
  // Early in the day the windows before the start shrink together, so that the earlier check still fits.
  const scale = Math.min(1, t / (OPEN_BEFORE_MIN + GAP_MIN + EARLIER_MIN));
  const openStart = t - Math.round(OPEN_BEFORE_MIN * scale);
  const open = window(
    configured[openIndex] as SessionConfig,
    openStart,
    Math.max(openStart + 1, Math.min(LAST_MINUTE, t + OPEN_AFTER_MIN)),
  );
  const sessions: SessionConfig[] = [];
  let earlier: SessionConfig | null = null;
  if (openIndex === 1) {
    const cutoff = openStart - Math.round(GAP_MIN * scale);
    const start = Math.max(0, cutoff - EARLIER_MIN);
    if (cutoff - start >= 10) {
      earlier = window(configured[0] as SessionConfig, start, cutoff);
      sessions.push(earlier);
    }
  }
  sessions.push(open);
  let next = minutesOf(open.cutoff) + 30;
  for (const s of configured.slice(openIndex + 1)) {
    const length = Math.min(90, minutesOf(s.cutoff) - minutesOf(s.start));
    if (next + length > LAST_MINUTE) break;
    sessions.push(window(s, next, next + length));
    next += length + 30;
  }
  return {
    sessions,
    open,
    earlier,
    date,
    since: checkInstant(date, (sessions[0] as SessionConfig).start, timeZone),
    notice: {
      zh: `演示：检测时段已按启动时间安排，${open.name}（${open.start}–${open.cutoff}）正在进行${
        earlier ? `，${earlier.name}（${earlier.start}–${earlier.cutoff}）已结束` : ''
      }`,
      en: `demo: the checks are laid around this start: ${open.name} (${open.start}–${open.cutoff}) is open now${
        earlier ? `, ${earlier.name} (${earlier.start}–${earlier.cutoff}) is over` : ''
      }`,
    },
  };
}

/** The instant a check's `HH:mm` falls on the given school-local date. */
export function checkInstant(date: string, time: string, timeZone: string): number {
  return zonedToInstant(date, time, timeZone).getTime();
}

/** The demo's check windows, beside the database: a restart keeps them while they still fit. */
export const DEMO_CHECKS_FILE = 'demo-checks.json';

/**
 * The check windows for a demo starting at `now`: those of an earlier start kept in `dataDir` when it
 * was the same school day, with the same checks, and its open check is still open (a restart does not
 * move the checks under the records already made in them); otherwise laid afresh around `now`, and kept.
 */
export function keptDemoChecks(
  configured: readonly SessionConfig[],
  now: Date,
  timeZone: string,
  dataDir: string,
): DemoChecks | null {
  const fresh = demoChecks(configured, now, timeZone);
  if (!fresh) return null;
  makePrivateDir(dataDir);
  const file = join(dataDir, DEMO_CHECKS_FILE);
  const saved = parseKept(readKeptFile(file));
  const t = minutesOf(zonedMoment(now, timeZone).time);
  const ids = new Set(configured.map((s) => s.id));
  const fits =
    saved !== null &&
    saved.date === fresh.date &&
    saved.open.id === fresh.open.id &&
    saved.sessions.every((s) => ids.has(s.id)) &&
    minutesOf(saved.open.start) <= t &&
    t < minutesOf(saved.open.cutoff);
  if (fits) return saved;
  keepFile(file, JSON.stringify(fresh));
  return fresh;
}

function parseKept(text: string | null): DemoChecks | null {
  if (text === null) return null;
  try {
    const kept = JSON.parse(text) as DemoChecks;
    return typeof kept.date === 'string' && Array.isArray(kept.sessions) && kept.open ? kept : null;
  } catch {
    return null;
  }
}

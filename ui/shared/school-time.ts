// Times as the school reads them: in the school's time zone (sent by the server), not the browser's,
// on the server's clock. Until the server has named its zone, the browser's is used.

function validZone(timeZone: string | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export class SchoolTime {
  private zone: string | undefined;
  private offsetMs = 0;
  private formats = this.makeFormats();

  /** The server's `now` and zone (from `server:info`). */
  sync(serverNowIso: string | undefined, timeZone: string | undefined): void {
    const serverMs = serverNowIso ? Date.parse(serverNowIso) : Number.NaN;
    if (Number.isFinite(serverMs)) this.offsetMs = serverMs - Date.now();
    if (timeZone !== this.zone && validZone(timeZone)) {
      this.zone = timeZone;
      this.formats = this.makeFormats();
    }
  }

  get timeZone(): string | undefined {
    return this.zone;
  }

  /** The server's clock now, in ms. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** `08:05` */
  clock(iso: string | Date): string {
    return this.format(this.formats.clock, iso);
  }

  /** `08:05:09` */
  clockSeconds(iso: string | Date): string {
    return this.format(this.formats.seconds, iso);
  }

  /** `11月23日 周一` */
  day(iso: string | Date): string {
    return this.format(this.formats.day, iso);
  }

  /** The school's date of a moment, `YYYY-MM-DD`. */
  date(at: Date | number = this.now()): string {
    return this.inputValue(at).slice(0, 10);
  }

  /** The school's wall time of a moment for a `datetime-local` input: `YYYY-MM-DDTHH:mm`. */
  inputValue(at: Date | number): string {
    const w = this.wall(new Date(at));
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
  }

  /** A `datetime-local` value read as the school's wall time: the moment, or null when not a time. */
  fromInputValue(value: string): Date | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
    if (!m) return null;
    const [year, month, day, hour, minute] = m.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const asUtc = Date.UTC(year, month - 1, day, hour, minute);
    // The zone's offset at that moment, found from the wall time it shows; twice for a DST edge.
    let guess = asUtc;
    for (let i = 0; i < 2; i++) {
      const w = this.wall(new Date(guess));
      const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
      guess = asUtc - (shown - guess);
    }
    const at = new Date(guess);
    return Number.isNaN(at.getTime()) ? null : at;
  }

  private wall(at: Date): WallTime {
    const parts: Record<string, number> = {};
    for (const p of this.formats.parts.formatToParts(at)) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    return {
      year: parts.year ?? 1970,
      month: parts.month ?? 1,
      day: parts.day ?? 1,
      hour: (parts.hour ?? 0) % 24,
      minute: parts.minute ?? 0,
      second: parts.second ?? 0,
    };
  }

  private format(f: Intl.DateTimeFormat, iso: string | Date): string {
    const at = iso instanceof Date ? iso : new Date(iso);
    return Number.isNaN(at.getTime()) ? '' : f.format(at);
  }

  private makeFormats() {
    const zone = this.zone ? { timeZone: this.zone } : {};
    return {
      clock: new Intl.DateTimeFormat('zh-CN', {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        ...zone,
      }),
      seconds: new Intl.DateTimeFormat('zh-CN', {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        ...zone,
      }),
      day: new Intl.DateTimeFormat('zh-CN', { weekday: 'short', month: 'numeric', day: 'numeric', ...zone }),
      parts: new Intl.DateTimeFormat('en-US', {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        ...zone,
      }),
    };
  }
}

/** "1:05" for 65 s, "1:02:03" past the hour. */
export function formatElapsed(ms: number): string {
  const totalS = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const ss = String(totalS % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

// The header's clock, on the server's time (the display may run on another machine) and in the
// school's time zone when the server names it.
export class ServerClock {
  private offsetMs = 0;
  private timeZone: string | undefined;
  private timeFormat = this.makeTimeFormat();
  private dateFormat = this.makeDateFormat();

  sync(serverNowIso: string, timeZone: string | undefined): void {
    const serverMs = Date.parse(serverNowIso);
    if (Number.isFinite(serverMs)) this.offsetMs = serverMs - Date.now();
    if (timeZone !== this.timeZone && isValidTimeZone(timeZone)) {
      this.timeZone = timeZone;
      this.timeFormat = this.makeTimeFormat();
      this.dateFormat = this.makeDateFormat();
    }
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  formatTime(date: Date): string {
    return this.timeFormat.format(date);
  }

  formatDate(date: Date): string {
    return this.dateFormat.format(date);
  }

  private makeTimeFormat(): Intl.DateTimeFormat {
    return new Intl.DateTimeFormat('zh-CN', {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(this.timeZone ? { timeZone: this.timeZone } : {}),
    });
  }

  private makeDateFormat(): Intl.DateTimeFormat {
    return new Intl.DateTimeFormat('zh-CN', {
      month: 'long',
      day: 'numeric',
      weekday: 'short',
      ...(this.timeZone ? { timeZone: this.timeZone } : {}),
    });
  }
}

function isValidTimeZone(timeZone: string | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

import { describeFetchError, type FetchLike } from './fetch-text.ts';
import type { HealthStatus } from './status.ts';
import { parseStatusTime } from './status-time.ts';

export interface HealthLookupOptions {
  /** The config's `healthCodes.lookup.url`; asked as `GET {url}?id=<personId>`. */
  url: string;
  timeoutMs?: number;
  /** The status freshness limit (`rules.healthStatusMaxAgeH`), in ms. */
  cacheForMs: number;
  fetch?: FetchLike;
  /** Stamps `lastErrorAt`. */
  now?: () => Date;
}

export interface HealthLookupStatus {
  /** False while the last answer (or want of one) was a failure. */
  ok: boolean;
  lastError: string | null;
  lastErrorAt: Date | null;
  failures: number;
  successes: number;
}

interface Cached {
  status: HealthStatus;
  fetchedAtMs: number;
  untilMs: number;
}

const codes: readonly string[] = ['green', 'yellow', 'red'];

/**
 * The district's online lookup. Resolves within `timeoutMs` whatever the server does, to a status or
 * to null (then the kiosk goes on with what it already knows); it never rejects.
 */
export class HealthLookup {
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<HealthStatus | null>>();
  private readonly fetchFn: FetchLike;
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private counts = { failures: 0, successes: 0 };
  private lastFailed = false;
  private lastError: string | null = null;
  private lastErrorAt: Date | null = null;

  constructor(private readonly options: HealthLookupOptions) {
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? 800;
  }

  /** A cached answer, the lookup already under way for this person, or a new one. */
  lookup(personId: string, now: Date = this.now()): Promise<HealthStatus | null> {
    const cached = this.cached(personId, now);
    if (cached) return Promise.resolve(cached);
    const pending = this.pending.get(personId);
    if (pending) return pending;
    const asked = this.ask(personId).then((status) => {
      this.pending.delete(personId);
      if (status) this.remember(personId, status, now);
      return status;
    });
    this.pending.set(personId, asked);
    return asked;
  }

  /** Starts a lookup when the person scans, so the answer is there when the temperature arrives. */
  prefetch(personId: string, now: Date = this.now()): void {
    void this.lookup(personId, now);
  }

  status(): HealthLookupStatus {
    return {
      ok: !this.lastFailed,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      failures: this.counts.failures,
      successes: this.counts.successes,
    };
  }

  private cached(personId: string, now: Date): HealthStatus | null {
    const hit = this.cache.get(personId);
    if (!hit) return null;
    const t = now.getTime();
    // A clock that went back before the answer makes its age unknowable.
    if (t >= hit.fetchedAtMs && t < hit.untilMs) return hit.status;
    this.cache.delete(personId);
    return null;
  }

  /**
   * Kept while the status itself is fresh: an answer whose status is already 20 h old is asked again
   * after 4 h, not after another full freshness limit.
   */
  private remember(personId: string, status: HealthStatus, now: Date): void {
    const fetchedAtMs = now.getTime();
    const issuedMs = status.at?.getTime() ?? fetchedAtMs;
    this.cache.set(personId, {
      status,
      fetchedAtMs,
      untilMs: Math.min(fetchedAtMs, issuedMs) + this.options.cacheForMs,
    });
  }

  private ask(personId: string): Promise<HealthStatus | null> {
    const url = new URL(this.options.url);
    url.searchParams.set('id', personId);
    const controller = new AbortController();
    return new Promise((resolve) => {
      let settled = false;
      const settle = (status: HealthStatus | null, error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === null) {
          this.counts.successes++;
          this.lastFailed = false;
        } else {
          this.counts.failures++;
          this.lastFailed = true;
          this.lastError = error;
          this.lastErrorAt = this.now();
          // Stops a body still arriving, or a socket that hangs.
          controller.abort();
        }
        resolve(status);
      };
      // The race, not only the abort signal, bounds the wait: it holds whatever the fetch does.
      const timer = setTimeout(
        () => settle(null, `no answer from ${this.options.url} within ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      this.request(url.href, controller.signal).then(
        (answer) => (typeof answer === 'string' ? settle(null, answer) : settle(answer, null)),
        (error: unknown) => settle(null, describeFetchError(error, this.options.url, this.timeoutMs)),
      );
    });
  }

  private async request(url: string, signal: AbortSignal): Promise<HealthStatus | string> {
    const response = await this.fetchFn(url, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      response.body?.cancel().catch(() => {});
      return `HTTP ${response.status} from ${this.options.url}`;
    }
    const answer = parseLookupAnswer(await response.text());
    return typeof answer === 'string' ? `${this.options.url}: ${answer}` : answer;
  }
}

/** `{"code":"green","at":"<ISO time>"}` as a status, or what is wrong with it. */
export function parseLookupAnswer(text: string): HealthStatus | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the answer is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'expected {"code", "at"}';
  }
  const { code, at } = value as { code?: unknown; at?: unknown };
  if (typeof code !== 'string' || typeof at !== 'string') return 'expected {"code", "at"} as strings';
  if (!codes.includes(code)) return `unknown code "${code.slice(0, 20)}"`;
  const time = parseStatusTime(at);
  if (!time) return `"${at.slice(0, 40)}" is not an ISO time with a zone`;
  return { code: code as HealthStatus['code'], at: time, source: 'lookup' };
}

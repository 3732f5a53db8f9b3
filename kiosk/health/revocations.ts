import { type FetchLike, fetchText } from './fetch-text.ts';
import { nodeTimers, type Timers } from './timers.ts';

export interface RevocationListOptions {
  /** The config's `healthCodes.revoked`. */
  revoked?: readonly string[];
  /** The config's `healthCodes.revocationUrl`: answers a JSON array of jti, or `{"revoked": [...]}`. */
  url?: string;
  refreshMs?: number;
  timeoutMs?: number;
  fetch?: FetchLike;
  timers?: Timers;
  now?: () => Date;
}

export interface RevocationStatus {
  /** The last fetch that gave a list. */
  lastFetchAt: Date | null;
  /** Why the last fetch failed; null once a fetch succeeds again. */
  lastError: string | null;
  count: number;
}

/** Revoked pass ids: the config's own, plus the district's list, refreshed on a schedule. */
export class RevocationList {
  private readonly fixed: ReadonlySet<string>;
  private fetched: ReadonlySet<string> = new Set();
  private lastFetchAt: Date | null = null;
  private lastError: string | null = null;
  private timer: unknown = null;
  private running = false;
  private readonly fetchFn: FetchLike;
  private readonly timers: Timers;
  private readonly now: () => Date;

  constructor(private readonly options: RevocationListOptions = {}) {
    this.fixed = new Set(options.revoked ?? []);
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.timers = options.timers ?? nodeTimers;
    this.now = options.now ?? (() => new Date());
  }

  has(jti: string): boolean {
    return this.fixed.has(jti) || this.fetched.has(jti);
  }

  /** Fetches at once, then every `refreshMs` (default 15 min); without a URL there is nothing to do. */
  start(): void {
    if (this.running || !this.options.url) return;
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** One fetch; a failure keeps the last good list and is kept in `status()`. */
  async refresh(): Promise<void> {
    const { url } = this.options;
    if (!url) return;
    try {
      const list = parseRevocations(await fetchText(this.fetchFn, url, this.options.timeoutMs ?? 10_000));
      if (typeof list === 'string') throw new Error(`${url}: ${list}`);
      this.fetched = new Set(list);
      this.lastFetchAt = this.now();
      this.lastError = null;
    } catch (error) {
      this.lastError = (error as Error).message;
    }
  }

  status(): RevocationStatus {
    let count = this.fixed.size;
    for (const jti of this.fetched) if (!this.fixed.has(jti)) count++;
    return { lastFetchAt: this.lastFetchAt, lastError: this.lastError, count };
  }

  private async tick(): Promise<void> {
    await this.refresh();
    if (!this.running) return;
    this.timer = this.timers.setTimeout(() => void this.tick(), this.options.refreshMs ?? 15 * 60_000);
  }
}

/** The list, or what is wrong with the answer. */
export function parseRevocations(text: string): string[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the answer is not JSON';
  }
  const list =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as { revoked?: unknown }).revoked
      : value;
  if (!Array.isArray(list)) return 'expected a JSON array of jti or {"revoked": [...]}';
  if (!list.every((jti) => typeof jti === 'string')) return 'every revoked jti must be a string';
  return list as string[];
}

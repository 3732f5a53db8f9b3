import { access, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type FetchLike, fetchText } from './fetch-text.ts';
import { parseStatusFile, type StatusFileError, type StatusUpdate } from './status-file.ts';
import { nodeTimers, type Timers } from './timers.ts';

export {
  parseStatusFile,
  type StatusFileError,
  type StatusFileParse,
  type StatusUpdate,
} from './status-file.ts';

export type FeedSource = { kind: 'url'; url: string } | { kind: 'file'; name: string };

export interface StatusFeedOptions {
  /** The school's zone, for status times written without an offset. */
  timeZone: string;
  /** Applies a whole file's updates, or throws and applies none. */
  onUpdates: (updates: StatusUpdate[], source: FeedSource) => void | Promise<void>;
  /** The config's `healthCodes.statusUrl`. */
  url?: string;
  pollMs?: number;
  timeoutMs?: number;
  /** A folder the district's files are copied into. */
  dropDir?: string;
  scanMs?: number;
  fetch?: FetchLike;
  timers?: Timers;
  now?: () => Date;
}

export interface DroppedFile {
  name: string;
  at: Date;
  outcome: 'done' | 'rejected';
  updates: number;
  errors: number;
}

export interface StatusFeedStatus {
  url: string | null;
  lastPollAt: Date | null;
  lastPollError: string | null;
  lastPollUpdates: number | null;
  dropDir: string | null;
  filesDone: number;
  filesRejected: number;
  lastFile: DroppedFile | null;
  lastDropError: string | null;
}

/** Names a copy in progress is often given; they are left alone. */
const partial = /^\.|\.(tmp|part|partial|crdownload)$|\.errors\.txt$/i;

/**
 * The district's status file, from a URL polled every `pollMs` (default 5 min) and/or from a drop
 * folder scanned every `scanMs` (default 5 s). A dropped file is read once it has kept its size and
 * time over two scans (so a copy still being written is not read half-way), then moved to `done/`, or
 * to `rejected/` with `<name>.errors.txt` beside it. A file or answer with any bad row applies nothing.
 */
export class StatusFeed {
  private readonly fetchFn: FetchLike;
  private readonly timers: Timers;
  private readonly now: () => Date;
  private readonly lastSeen = new Map<string, string>();
  private pollTimer: unknown = null;
  private scanTimer: unknown = null;
  private running = false;
  private scanning: Promise<void> | null = null;
  private state: StatusFeedStatus;

  constructor(private readonly options: StatusFeedOptions) {
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.timers = options.timers ?? nodeTimers;
    this.now = options.now ?? (() => new Date());
    this.state = {
      url: options.url ?? null,
      lastPollAt: null,
      lastPollError: null,
      lastPollUpdates: null,
      dropDir: options.dropDir ?? null,
      filesDone: 0,
      filesRejected: 0,
      lastFile: null,
      lastDropError: null,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.options.url) void this.pollLoop();
    if (this.options.dropDir) void this.scanLoop();
  }

  stop(): void {
    this.running = false;
    for (const timer of [this.pollTimer, this.scanTimer]) if (timer !== null) this.timers.clearTimeout(timer);
    this.pollTimer = null;
    this.scanTimer = null;
  }

  status(): StatusFeedStatus {
    return { ...this.state, lastFile: this.state.lastFile && { ...this.state.lastFile } };
  }

  /** One poll of the URL. */
  async poll(): Promise<void> {
    const { url } = this.options;
    if (!url) return;
    try {
      const text = await fetchText(this.fetchFn, url, this.options.timeoutMs ?? 30_000);
      const parsed = parseStatusFile(text, this.options.timeZone);
      if (parsed.errors.length) throw new Error(`${url}: ${describeErrors(parsed.errors)}; nothing applied`);
      await this.options.onUpdates(parsed.updates, { kind: 'url', url });
      this.state.lastPollAt = this.now();
      this.state.lastPollError = null;
      this.state.lastPollUpdates = parsed.updates.length;
    } catch (error) {
      this.state.lastPollError = (error as Error).message;
    }
  }

  /** One scan of the drop folder; scans never overlap. */
  scanDropDir(): Promise<void> {
    if (!this.scanning) {
      this.scanning = this.scan().finally(() => {
        this.scanning = null;
      });
    }
    return this.scanning;
  }

  private async pollLoop(): Promise<void> {
    await this.poll();
    if (this.running)
      this.pollTimer = this.timers.setTimeout(() => void this.pollLoop(), this.options.pollMs ?? 300_000);
  }

  private async scanLoop(): Promise<void> {
    await this.scanDropDir();
    if (this.running)
      this.scanTimer = this.timers.setTimeout(() => void this.scanLoop(), this.options.scanMs ?? 5000);
  }

  private async scan(): Promise<void> {
    const dir = this.options.dropDir;
    if (!dir) return;
    try {
      await mkdir(dir, { recursive: true });
      const ready: { name: string; mtimeMs: number }[] = [];
      const present = new Set<string>();
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (!entry.isFile() || partial.test(entry.name)) continue;
        present.add(entry.name);
        const info = await stat(join(dir, entry.name));
        const signature = `${info.size}:${info.mtimeMs}`;
        if (this.lastSeen.get(entry.name) === signature)
          ready.push({ name: entry.name, mtimeMs: info.mtimeMs });
        else this.lastSeen.set(entry.name, signature);
      }
      for (const name of this.lastSeen.keys()) if (!present.has(name)) this.lastSeen.delete(name);
      ready.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
      for (const { name } of ready) {
        this.lastSeen.delete(name);
        await this.take(dir, name);
      }
      this.state.lastDropError = null;
    } catch (error) {
      this.state.lastDropError = `${dir}: ${(error as Error).message}`;
    }
  }

  private async take(dir: string, name: string): Promise<void> {
    const parsed = parseStatusFile(decodeText(await readFile(join(dir, name))), this.options.timeZone);
    let problems = parsed.errors.map((e) => `row ${e.row}, ${e.field || 'file'}: ${e.message}`);
    if (!problems.length) {
      try {
        await this.options.onUpdates(parsed.updates, { kind: 'file', name });
      } catch (error) {
        problems = [`not applied: ${(error as Error).message}`];
      }
    }
    const outcome = problems.length ? 'rejected' : 'done';
    const target = await freeName(join(dir, outcome), name);
    await rename(join(dir, name), join(dir, outcome, target));
    if (problems.length)
      await writeFile(join(dir, outcome, `${target}.errors.txt`), `${problems.join('\n')}\n`);
    if (outcome === 'done') this.state.filesDone++;
    else this.state.filesRejected++;
    this.state.lastFile = {
      name,
      at: this.now(),
      outcome,
      updates: outcome === 'done' ? parsed.updates.length : 0,
      errors: problems.length,
    };
  }
}

function describeErrors(errors: StatusFileError[]): string {
  const first = errors
    .slice(0, 3)
    .map((e) => `row ${e.row}, ${e.field || 'file'}: ${e.message}`)
    .join('; ');
  return `${errors.length} error(s): ${first}${errors.length > 3 ? '; …' : ''}`;
}

/** UTF-8 when the bytes are UTF-8, else GBK, as Excel in China saves a CSV. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/** `name`, or `name-2.ext`, `name-3.ext`… when a file of that name is already there. */
async function freeName(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(name);
  const base = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${base}-${n}${ext}`;
    try {
      await access(join(dir, candidate));
    } catch {
      return candidate;
    }
  }
}

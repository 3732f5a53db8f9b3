// The page's link to its socket.io namespace and what shows it: the chip in the title bar, the
// banner or full-screen notice that says the values on the page are not live. Every page that
// listens on a namespace connects through `keepLive`.
import type { Socket } from 'socket.io-client';
import { byId } from './dom.ts';
import type { BilingualText } from './domain.ts';

export type Link = 'connecting' | 'live' | 'disconnected' | 'refused';
export type Offline = Exclude<Link, 'live'>;

/** Something that shows the link: a chip, a banner, an overlay. */
export interface LinkView {
  show(link: Link, detail: string): void;
}

/** socket.io does not reconnect after the server closed the socket on purpose: ask again after this. */
const RETRY_AFTER_SERVER_CLOSE_MS = 3_000;

/** What `keepLive` needs of a socket, whatever its events. */
interface LinkSocket {
  readonly active: boolean;
  connect(): unknown;
  on(event: 'connect', listener: () => void): unknown;
  on(event: 'disconnect', listener: (reason: Socket.DisconnectReason) => void): unknown;
  on(event: 'connect_error', listener: (error: Error) => void): unknown;
}

export interface LiveOptions {
  views: LinkView[];
  /** The handshake was refused for the session (401: it ended, 403: it lacks the role). */
  onSessionRefused?: (status: 401 | 403) => void;
}

/**
 * Shows the socket's link on the views and on `body.is-disconnected`, from "connecting" now until
 * it is live; asks again when the server closed the socket; a refusal that socket.io does not retry
 * is shown with the server's reason.
 */
export function keepLive(socket: LinkSocket, options: LiveOptions): void {
  let current: Link = 'connecting';
  const show = (link: Link, detail = ''): void => {
    current = link;
    document.body.classList.toggle('is-disconnected', link !== 'live');
    for (const view of options.views) view.show(link, detail);
  };
  show('connecting');
  socket.on('connect', () => show('live'));
  socket.on('disconnect', (reason) => {
    show('disconnected');
    if (reason === 'io server disconnect') {
      window.setTimeout(() => socket.connect(), RETRY_AFTER_SERVER_CLOSE_MS);
    }
  });
  socket.on('connect_error', (error) => {
    const status = (error as Error & { data?: { status?: unknown } }).data?.status;
    if (options.onSessionRefused && (status === 401 || status === 403)) {
      options.onSessionRefused(status);
      return;
    }
    // socket.io retries by itself; keep saying so.
    if (socket.active) {
      if (current === 'live') show('disconnected');
      return;
    }
    show('refused', error.message);
  });
}

const CHIP_TEXTS: Record<Link, BilingualText> = {
  live: { zh: '实时', en: 'live' },
  connecting: { zh: '连接中', en: 'connecting' },
  disconnected: { zh: '已断开', en: 'offline' },
  refused: { zh: '被拒绝', en: 'refused' },
};

/** The title bar's `#link-state` chip: `<div id="link-state"><span class="zh"/><span class="en"/></div>`. */
export class LinkChip implements LinkView {
  private readonly chip = byId('link-state');

  show(link: Link): void {
    this.chip.dataset.state = link;
    const [zh, en] = this.chip.children;
    if (zh) zh.textContent = CHIP_TEXTS[link].zh;
    if (en) en.textContent = CHIP_TEXTS[link].en;
  }
}

/** A page's own words for being offline; under them, how long it has been, or the server's reason. */
export interface OfflineWording {
  texts: Record<Offline, BilingualText>;
  elapsed(ms: number): string;
  waiting(elapsed: string): string;
  offlineFor(elapsed: string): string;
}

/**
 * The notice (`#disconnected`) that says, unmistakably, that the page is not live, and for how long;
 * its texts go in `#{prefix}-zh`, `#{prefix}-en` and `#{prefix}-since`.
 */
export class OfflineNotice implements LinkView {
  private readonly notice = byId('disconnected');
  private readonly zh: HTMLElement;
  private readonly en: HTMLElement;
  private readonly since: HTMLElement;
  private offlineSinceMs: number | null = Date.now();
  private detail = '';

  constructor(
    prefix: string,
    private readonly wording: OfflineWording,
  ) {
    this.zh = byId(`${prefix}-zh`);
    this.en = byId(`${prefix}-en`);
    this.since = byId(`${prefix}-since`);
  }

  show(link: Link, detail: string): void {
    if (link === 'live') {
      this.offlineSinceMs = null;
      this.notice.hidden = true;
      return;
    }
    // The elapsed time counts from the first notice since the page was last live.
    this.offlineSinceMs ??= Date.now();
    this.detail = detail;
    this.notice.dataset.reason = link;
    this.zh.textContent = this.wording.texts[link].zh;
    this.en.textContent = this.wording.texts[link].en;
    this.notice.hidden = false;
    this.tick();
  }

  /** Refreshes the time since the page was last live. */
  tick(): void {
    if (this.notice.hidden || this.offlineSinceMs === null) return;
    const reason = this.notice.dataset.reason;
    const elapsed = this.wording.elapsed(Date.now() - this.offlineSinceMs);
    this.since.textContent =
      reason === 'refused'
        ? this.detail
        : reason === 'connecting'
          ? this.wording.waiting(elapsed)
          : this.wording.offlineFor(elapsed);
  }
}

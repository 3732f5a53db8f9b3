// The strip under the title bar that says, unmistakably, when the page is not live.
import { byId } from '../shared/dom.ts';
import { formatAge } from './format.ts';

export type Link = 'connecting' | 'live' | 'disconnected' | 'refused';

const TEXTS: Record<Exclude<Link, 'live'>, { zh: string; en: string }> = {
  connecting: { zh: '正在连接服务器…', en: 'Connecting to the server…' },
  disconnected: { zh: '与服务器断开连接', en: 'Disconnected from the server — reconnecting…' },
  refused: { zh: '服务器拒绝连接', en: 'The server refused this page' },
};

export class ConnectionBanner {
  private readonly banner = byId('disconnected');
  private readonly zh = byId('banner-zh');
  private readonly en = byId('banner-en');
  private readonly since = byId('banner-since');
  private readonly chip = byId('link-state');
  private offlineSince: number | null = Date.now();
  private detail = '';

  set(link: Link, detail = ''): void {
    this.chip.dataset.state = link;
    const [chipZh, chipEn] = this.chip.children;
    const chipText = {
      live: ['实时', 'live'],
      connecting: ['连接中', 'connecting'],
      disconnected: ['已断开', 'offline'],
      refused: ['被拒绝', 'refused'],
    }[link];
    if (chipZh) chipZh.textContent = chipText[0] ?? '';
    if (chipEn) chipEn.textContent = chipText[1] ?? '';
    document.body.classList.toggle('is-disconnected', link !== 'live');
    if (link === 'live') {
      this.offlineSince = null;
      this.banner.hidden = true;
      return;
    }
    this.offlineSince ??= Date.now();
    this.detail = detail;
    this.banner.dataset.reason = link;
    this.zh.textContent = TEXTS[link].zh;
    this.en.textContent = TEXTS[link].en;
    this.banner.hidden = false;
    this.tick();
  }

  get live(): boolean {
    return this.banner.hidden === true;
  }

  tick(): void {
    if (this.offlineSince === null) return;
    const reason = this.banner.dataset.reason;
    const age = formatAge(Date.now() - this.offlineSince).replace(' ago', '');
    this.since.textContent =
      reason === 'refused' ? this.detail : reason === 'connecting' ? `waiting ${age}` : `offline for ${age}`;
  }
}

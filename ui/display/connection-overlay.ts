// The full-screen notice shown whenever the display is not receiving live updates, so that a
// decision left on a tile is never mistaken for a current one.
import { byId } from '../shared/dom.ts';
import { formatElapsed } from './clock.ts';

export type OfflineReason = 'connecting' | 'disconnected' | 'refused';

const TEXTS: Record<OfflineReason, { zh: string; en: string }> = {
  connecting: { zh: '正在连接服务器…', en: 'Connecting to server…' },
  disconnected: { zh: '与服务器断开连接', en: 'Disconnected from server — reconnecting…' },
  refused: { zh: '服务器拒绝了此显示屏', en: 'The server refused this display' },
};

export class ConnectionOverlay {
  private readonly overlay = byId('disconnected');
  private readonly zh = byId('overlay-zh');
  private readonly en = byId('overlay-en');
  private readonly since = byId('overlay-since');
  private offlineSinceMs: number | null = Date.now();
  private detail = '';

  /** Shows the notice; the elapsed time counts from the first call since the last hide(). */
  show(reason: OfflineReason, detail = ''): void {
    if (this.offlineSinceMs === null) this.offlineSinceMs = Date.now();
    this.detail = detail;
    this.overlay.dataset.reason = reason;
    this.overlay.hidden = false;
    this.zh.textContent = TEXTS[reason].zh;
    this.en.textContent = TEXTS[reason].en;
    document.body.classList.add('is-disconnected');
    this.tick();
  }

  hide(): void {
    this.offlineSinceMs = null;
    this.overlay.hidden = true;
    document.body.classList.remove('is-disconnected');
  }

  get visible(): boolean {
    return !this.overlay.hidden;
  }

  /** Refreshes the time since the connection was lost. */
  tick(): void {
    if (this.overlay.hidden || this.offlineSinceMs === null) return;
    const reason = this.overlay.dataset.reason;
    const elapsed = formatElapsed(Date.now() - this.offlineSinceMs);
    if (reason === 'refused') {
      this.since.textContent = this.detail;
    } else if (reason === 'connecting') {
      this.since.textContent = `已等待 ${elapsed} · waiting ${elapsed}`;
    } else {
      this.since.textContent = `已断开 ${elapsed} · offline for ${elapsed}`;
    }
  }
}

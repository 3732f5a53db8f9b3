// The district upload as maintenance staff need it (the gate display only shows a small mark):
// connected or since when not, how many records wait, how many the district refused, the last error.
import { el } from '../shared/dom.ts';
import { type Session, sessionFetch } from '../shared/session.ts';

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

const REFRESH_MS = 10_000;

function clock(iso: string | null): string {
  if (!iso) return '—';
  const at = new Date(iso);
  return Number.isNaN(at.getTime())
    ? '—'
    : at.toLocaleString('zh-CN', {
        hour12: false,
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

export class UploadPanel {
  readonly element = el('section', 'upload-panel');
  private readonly state = el('p', 'upload-state');
  private readonly figures = el('dl', 'upload-figures');

  constructor(private readonly session: Session) {
    this.element.setAttribute('aria-label', '区级上报 District upload');
    this.element.hidden = true;
    const title = el('h2', 'upload-title');
    title.append(el('span', 'zh', '区级上报'), ' ', el('span', 'en', 'District upload'));
    this.element.append(title, this.state, this.figures);
  }

  start(): void {
    void this.refresh();
    window.setInterval(() => void this.refresh(), REFRESH_MS);
  }

  private async refresh(): Promise<void> {
    let body: unknown;
    try {
      const res = await sessionFetch(this.session, '/api/outbox', {
        headers: { accept: 'application/json' },
      });
      if (!res.ok) return;
      body = await res.json();
    } catch {
      return;
    }
    if (!isRecord(body)) return;
    const endpoint = str(body.endpoint);
    const online = body.online === true;
    this.element.hidden = false;
    this.element.dataset.online = String(online);
    this.element.dataset.configured = String(endpoint !== null);
    if (endpoint === null) {
      this.state.textContent =
        '未配置区级上报：记录只保存在本机 · No district upload configured: records stay on the kiosk';
    } else if (online) {
      this.state.textContent = `已连接 ${endpoint} · connected`;
    } else {
      const since = clock(str(body.offlineSince));
      const next = clock(str(body.nextAttemptAt));
      this.state.textContent = `未连接，自 ${since} 起；下次重试 ${next} · offline since ${since}, next try ${next}`;
    }
    const rows: [string, string, string][] = [
      ['pending', '待上报 pending', String(num(body.pending))],
      ['failed', '被退回 rejected', String(num(body.failed))],
      ['uploadedToday', '今日已上报 uploaded today', String(num(body.uploadedToday))],
      ['lastSuccessAt', '上次成功 last success', clock(str(body.lastSuccessAt))],
    ];
    const lastError = str(body.lastError);
    if (lastError && !online) rows.push(['lastError', '最近错误 last error', lastError]);
    this.figures.replaceChildren(
      ...rows.map(([key, label, value]) => {
        const item = el('div', 'upload-figure');
        item.dataset.key = key;
        item.append(el('dt', '', label), el('dd', '', value));
        return item;
      }),
    );
  }
}

// The slim header: school, the current check session, the sound switch and the clock.
import type { ServerInfo } from '../shared/display-events.ts';
import { ServerClock } from './clock.ts';

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`display page: element #${id} is missing from index.html`);
  return node;
}

export class TopBar {
  readonly clock = new ServerClock();
  private readonly school = byId('school-name');
  private readonly session = byId('session-name');
  private readonly date = byId('clock-date');
  private readonly time = byId('clock-time');
  private readonly clockWarning = byId('clock-warning');
  private readonly storageWarning = byId('storage-warning');
  private readonly uploadChip = byId('upload-chip');

  showServerInfo(info: ServerInfo): void {
    this.clock.sync(info.now, info.timezone);
    this.school.textContent = info.schoolName;
    document.title = info.schoolName ? `${info.schoolName} · 闸机显示` : '闸机显示 · Gate display';
    this.session.textContent = info.sessionName ?? '非检测时段';
    this.session.dataset.open = String(info.sessionName !== null);
    const warning = info.clockWarning;
    this.clockWarning.hidden = !warning;
    this.clockWarning.textContent = warning ? `⚠ ${warning.zh} · ${warning.en}` : '';
    const storage = info.storageWarning;
    this.storageWarning.hidden = !storage;
    this.storageWarning.textContent = storage ? `⚠ ${storage.zh} · ${storage.en}` : '';
    const upload = info.upload;
    this.uploadChip.hidden = !upload?.configured;
    if (upload?.configured) {
      this.uploadChip.dataset.online = String(upload.online);
      const since = upload.offlineSince
        ? this.clock.formatTime(new Date(upload.offlineSince)).slice(0, 5)
        : '';
      this.uploadChip.textContent = upload.online
        ? `上报正常 · online${upload.pending > 0 ? ` · ${upload.pending}` : ''}`
        : `离线${since ? ` ${since} 起` : ''} · ${upload.pending} 待上报 · offline`;
    }
    this.tick();
  }

  tick(): void {
    const now = this.clock.now();
    this.date.textContent = this.clock.formatDate(now);
    this.time.textContent = this.clock.formatTime(now);
    this.time.setAttribute('datetime', now.toISOString());
  }
}

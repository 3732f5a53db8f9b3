// The slim header: school, the current check session, the sound switch and the clock.
import { byId } from '../shared/dom.ts';
import { ServerClock } from './clock.ts';
import type { ReadServerInfo } from './payloads.ts';

export class TopBar {
  readonly clock = new ServerClock();
  private readonly school = byId('school-name');
  private readonly session = byId('session-name');
  private readonly date = byId('clock-date');
  private readonly time = byId('clock-time');
  private readonly clockWarning = byId('clock-warning');
  private readonly storageWarning = byId('storage-warning');
  private readonly uploadChip = byId('upload-chip');

  showServerInfo(info: ReadServerInfo): void {
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
      // A small neutral mark for whoever looks after the kiosk; the detail is on /diag.
      this.uploadChip.dataset.online = String(upload.online);
      this.uploadChip.textContent = upload.pending > 0 ? `上报 ${upload.pending}` : '上报';
      this.uploadChip.title = upload.online
        ? `区级上报正常 · district upload online · ${upload.pending}`
        : `区级上报暂停 · district upload paused · ${upload.pending}`;
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

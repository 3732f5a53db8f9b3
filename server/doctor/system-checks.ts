import { existsSync } from 'node:fs';
import { EARLIEST_PLAUSIBLE } from '../../kiosk/time/clock-watch.ts';
import { run, systemdRunning, unitState } from '../service/system.ts';
import { SERVICE_NAME } from '../service/unit.ts';
import { type CheckResult, pass, problem, skip } from './check.ts';

const CJK_FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
];

/** A font with Chinese characters, for the gate display and the pages. */
export function fontCheck(): CheckResult {
  const listed = run('fc-list', [':lang=zh', 'family']);
  const families = listed.status === 0 ? listed.stdout.split('\n').filter((l) => l.trim() !== '') : [];
  const file = CJK_FONT_FILES.find((f) => existsSync(f));
  if (families.length > 0 || file) {
    const name = (families.find((f) => /\b(SC|CN)\b/.test(f)) ?? families[0])?.split(',')[0] ?? file ?? '';
    return pass('font.chinese', `已安装中文字体（${name}）`, `a Chinese font is installed (${name})`);
  }
  return problem(
    'font.chinese',
    'fail',
    {
      zh: '没有中文字体：闸机屏上的汉字会显示成方块',
      en: 'no Chinese font: the gate display would show boxes for Chinese',
    },
    { zh: 'sudo apt-get install -y fonts-noto-cjk', en: 'sudo apt-get install -y fonts-noto-cjk' },
  );
}

/** The clock kept by NTP (timedatectl, or chrony where it runs alone). */
export function clockSyncCheck(): CheckResult {
  const next = {
    zh: '打开网络校时：sudo timedatectl set-ntp true（或安装 chrony：sudo apt-get install -y chrony），并确认能访问时间服务器',
    en: 'turn network time on: sudo timedatectl set-ntp true (or install chrony: sudo apt-get install -y chrony), and make sure a time server is reachable',
  };
  const td = run('timedatectl', ['show', '--property=NTPSynchronized', '--value']);
  if (td.status === 0) {
    const synced = td.stdout.trim() === 'yes';
    return synced
      ? pass(
          'clock.sync',
          '系统时间已与网络校准（timedatectl）',
          'the clock is synchronised over the network (timedatectl)',
        )
      : problem(
          'clock.sync',
          'fail',
          {
            zh: '系统时间没有与网络校准：健康码时效和记录时间都依赖它',
            en: 'the clock is not synchronised: health-code ages and record times depend on it',
          },
          next,
        );
  }
  const chrony = run('chronyc', ['tracking']);
  if (chrony.status === 0) {
    const leap = /Leap status\s*:\s*(.+)/.exec(chrony.stdout)?.[1]?.trim() ?? '';
    return leap === 'Normal'
      ? pass(
          'clock.sync',
          '系统时间已与网络校准（chrony）',
          'the clock is synchronised over the network (chrony)',
        )
      : problem(
          'clock.sync',
          'fail',
          {
            zh: `chrony 未校准（${leap || '未知'}）`,
            en: `chrony is not synchronised (${leap || 'unknown'})`,
          },
          next,
        );
  }
  return problem(
    'clock.sync',
    'warn',
    {
      zh: '无法判断系统时间是否已校准（没有 timedatectl 或 chrony 应答）',
      en: 'cannot tell whether the clock is synchronised (neither timedatectl nor chrony answers)',
    },
    next,
  );
}

/** The clock reads a possible date (not before this build, not decades ahead), and agrees with the district's. */
export function clockPlausibleCheck(now: number, districtDate: number | null): CheckResult {
  const at = new Date(now).toISOString();
  if (now < EARLIEST_PLAUSIBLE.getTime() || now > Date.UTC(2100, 0, 1)) {
    return problem(
      'clock.plausible',
      'fail',
      { zh: `系统时间不可信：${at}`, en: `the clock cannot be right: ${at}` },
      {
        zh: '设置正确时间（sudo timedatectl set-time "YYYY-MM-DD HH:MM:SS"）并打开网络校时；主板电池可能没电了',
        en: 'set the time (sudo timedatectl set-time "YYYY-MM-DD HH:MM:SS") and turn network time on; the board’s clock battery may be flat',
      },
      { now: at },
    );
  }
  if (districtDate !== null && Math.abs(now - districtDate) > 120_000) {
    const s = Math.round((now - districtDate) / 1000);
    return problem(
      'clock.plausible',
      'fail',
      {
        zh: `本机时间与区里服务器相差 ${s} 秒`,
        en: `this clock differs from the district server's by ${s} s`,
      },
      {
        zh: '打开网络校时：sudo timedatectl set-ntp true',
        en: 'turn network time on: sudo timedatectl set-ntp true',
      },
      { now: at, districtDate: new Date(districtDate).toISOString() },
    );
  }
  return pass(
    'clock.plausible',
    `系统时间可信：${at}${districtDate !== null ? '，与区里服务器一致' : ''}`,
    `the clock reads a possible time: ${at}${districtDate !== null ? ", agreeing with the district server's" : ''}`,
  );
}

/** The systemd service: installed, running, not restarting over and over. */
export function serviceCheck(): CheckResult {
  if (!systemdRunning())
    return skip('service', '此机器没有以 systemd 启动', 'this machine was not booted with systemd');
  const state = unitState(SERVICE_NAME);
  if (!state?.loaded) {
    return problem(
      'service',
      'warn',
      {
        zh: 'kiosk 没有安装为服务：开机不会自动运行',
        en: 'the kiosk is not installed as a service: it does not start at boot',
      },
      {
        zh: 'sudo gate-kiosk service install --config 配置文件',
        en: 'sudo gate-kiosk service install --config FILE',
      },
    );
  }
  const detail = { ...state };
  if (state.activeState !== 'active') {
    return problem(
      'service',
      'fail',
      {
        zh: `服务没有运行（${state.activeState}/${state.subState}，结果 ${state.result}）`,
        en: `the service is not running (${state.activeState}/${state.subState}, result ${state.result})`,
      },
      {
        zh: '看日志：sudo gate-kiosk logs --since "1 hour ago"；修正后 sudo systemctl restart gate-kiosk',
        en: 'read its log: sudo gate-kiosk logs --since "1 hour ago"; once fixed, sudo systemctl restart gate-kiosk',
      },
      detail,
    );
  }
  if (state.restarts >= 3) {
    return problem(
      'service',
      'warn',
      {
        zh: `服务在运行，但已自动重启 ${state.restarts} 次`,
        en: `the service runs, but has been restarted ${state.restarts} times`,
      },
      {
        zh: '看是什么让它退出：sudo gate-kiosk logs --level error',
        en: 'see what made it stop: sudo gate-kiosk logs --level error',
      },
      detail,
    );
  }
  return pass(
    'service',
    `服务运行中${state.since ? `，自 ${state.since}` : ''}`,
    `the service is running${state.since ? ` since ${state.since}` : ''}`,
    detail,
  );
}

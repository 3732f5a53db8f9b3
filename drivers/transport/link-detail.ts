// What a device link's state detail means, for maintenance staff: the link says it in English
// (`/dev/serial/by-id/… is not connected`, ./device-link.ts); this says it in Chinese first, with the
// next step. The diagnostics page and `gate-kiosk diag` both show it.
import type { Bilingual, DeviceRole, DeviceState } from '../types.ts';

export interface DetailText extends Bilingual {
  /** What to do about it, when there is something to do. */
  next: Bilingual | null;
}

const ROLE_ZH: Record<DeviceRole, string> = {
  thermometer: '测温枪',
  scanner: '扫码器',
  'card-reader': '读卡器',
  relay: '闸机继电器',
};

/** Where a serial device is looked for, for the next step's text. */
function whereToLook(target: string): Bilingual {
  if (target.startsWith('usb ')) {
    return {
      zh: `插好 USB 线后，运行 npx gate-kiosk ports，看是否列出 ${target.slice(4)}（厂商:产品 编号）`,
      en: `plug the USB cable in, then run npx gate-kiosk ports and look for ${target.slice(4)} (vendor:product)`,
    };
  }
  const byId = target.startsWith('/dev/serial/by-id/');
  return {
    zh: byId
      ? `插好 USB 线后，应出现 ${target}；运行 npx gate-kiosk ports 查看实际的 /dev/serial/by-id 名称，如不同请改配置`
      : `插好线后应出现 ${target}；最好改用稳定的 /dev/serial/by-id/… 路径（npx gate-kiosk ports 可列出）`,
    en: byId
      ? `plug the USB cable in and ${target} should appear; npx gate-kiosk ports lists the /dev/serial/by-id names, correct the config if it differs`
      : `${target} should appear once plugged in; better use the stable /dev/serial/by-id/… path (npx gate-kiosk ports lists them)`,
  };
}

const PERMISSION = {
  zh: '没有串口权限：把运行 kiosk 的用户加入 dialout 组（sudo usermod -aG dialout 用户名），重新登录后再启动',
  en: 'no permission for the port: add the user running the kiosk to the dialout group (sudo usermod -aG dialout USER), log in again and restart',
};

type Rule = [
  RegExp,
  (m: RegExpExecArray, what: string) => DetailText | { zh: string; next: DetailText['next'] },
];

const RETRYING = {
  zh: '检查 USB 线是否松动；设备插回后会自动重新打开',
  en: 'check the USB cable; the port reopens by itself once the device is back',
};

/** Known details, first match wins. */
const RULES: Rule[] = [
  [/EACCES|permission denied/i, (_m, what) => ({ zh: `${what}无法打开：没有权限`, next: PERMISSION })],
  [
    /^(.+) is not connected$/,
    (m, what) => ({ zh: `${what}未连接：找不到 ${m[1]}`, next: whereToLook(m[1] ?? '') }),
  ],
  [/^(.+) is gone$/, (m, what) => ({ zh: `${what}已拔出：${m[1]} 不见了`, next: whereToLook(m[1] ?? '') })],
  [
    /^open but silent for ([\d.]+) s$/,
    (m, what) => ({
      zh: `${what}已打开，但 ${m[1]} 秒没有数据`,
      next: {
        zh: '检查设备电源和指示灯，确认配置中的型号和波特率（baudRate）与设备一致',
        en: "check the device's power and lights, and that the config's model and baudRate match it",
      },
    }),
  ],
  [/^open (.+)$/, (m) => ({ zh: `已连接 ${m[1]}`, next: null })],
  [/^data again on (.+)$/, (m) => ({ zh: `${m[1]} 又有数据了`, next: null })],
  [/^disconnected: (.*)$/, (m, what) => ({ zh: `${what}连接中断（${m[1]}），正在重试`, next: RETRYING })],
  [/^port closed$/, (_m, what) => ({ zh: `${what}端口已关闭，正在重试`, next: RETRYING })],
  [
    /^cannot list ports: (.*)$/,
    (m) => ({
      zh: `无法列出串口（${m[1]}）`,
      next: { zh: '运行 npx gate-kiosk ports 查看详情', en: 'run npx gate-kiosk ports for the detail' },
    }),
  ],
  [/^stopped$/, () => ({ zh: '已停止', next: null })],
  [/^waiting for the server$/, () => ({ zh: '等待服务器', next: null })],
];

export function explainDetail(state: DeviceState, detail: string, role: DeviceRole): DetailText {
  const what = ROLE_ZH[role];
  for (const [re, make] of RULES) {
    const m = re.exec(detail);
    if (m) return { ...make(m, what), en: detail };
  }
  if (state === 'online') return { zh: '在线', en: detail, next: null };
  return {
    zh: state === 'error' ? `${what}故障` : `${what}离线`,
    en: detail,
    next: {
      zh: '查看下方日志；仍不明时运行 npx gate-kiosk diag',
      en: 'see the log below; if still unclear run npx gate-kiosk diag',
    },
  };
}

// What the kiosk said when it refused something, as a page shows it: Chinese first, English below.
// Every refusal answers `{error: {code, message, zh?, en?, details?}}`; each field in `details` may
// carry its own `zh`.
import { el } from './dom.ts';

export interface FieldRefusal {
  field: string;
  zh: string;
  en: string;
}

export interface Refusal {
  status: number;
  code: string;
  zh: string;
  en: string;
  fields: FieldRefusal[];
}

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A refusal from an answer's parsed body (or a stand-in naming the status when it has none). */
export function refusalFrom(status: number, body: unknown): Refusal {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const en = str(error.en) || str(error.message) || `HTTP ${status}`;
  const zh = str(error.zh) || fallbackZh(status);
  const details = Array.isArray(error.details) ? error.details.filter(isRecord) : [];
  return {
    status,
    code: str(error.code),
    zh,
    en,
    fields: details.map((d) => {
      const fieldEn = str(d.en) || str(d.message);
      return { field: str(d.field), zh: str(d.zh) || fieldEn, en: fieldEn };
    }),
  };
}

/** Reads a refused answer's body. */
export async function refusalOf(res: Response): Promise<Refusal> {
  return refusalFrom(res.status, await res.json().catch(() => null));
}

/** The request never got an answer (network down, kiosk restarting). */
export function unanswered(err: unknown): Refusal {
  return {
    status: 0,
    code: 'unreachable',
    zh: '未能连接校门服务器，请稍后重试',
    en: `the kiosk did not answer (${err instanceof Error ? err.message : String(err)})`,
    fields: [],
  };
}

function fallbackZh(status: number): string {
  if (status === 401) return '登录已过期，请重新登录';
  if (status === 403) return '没有权限';
  if (status === 404) return '找不到';
  if (status === 409) return '与当前状态冲突';
  if (status === 413) return '内容太大';
  if (status >= 500) return '服务器内部错误，请查看日志';
  return '请求被拒绝';
}

/** "未保存：…" then the English, as two spans (`.zh`, `.en`) in a block. */
export function refusalView(refusal: Refusal, prefix: { zh: string; en: string }): HTMLElement {
  const box = el('span', 'refusal');
  box.dataset.code = refusal.code;
  box.append(
    el('span', 'zh', `${prefix.zh}${refusal.zh}`),
    ' ',
    el('span', 'en', `${prefix.en}${refusal.en}`),
  );
  return box;
}

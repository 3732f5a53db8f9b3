import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { deskFetch } from '../../kiosk/desk/desk-fetch.ts';
import { readGateToken } from '../../kiosk/desk/gate-link.ts';
import { bilingual } from '../commands/command-failure.ts';
import { type CheckResult, pass, problem, skip } from './check.ts';

const ID = 'desk.link';

/**
 * A gate's link to its school desk: the token file is readable, the desk answers (with exactly the
 * pinned certificate, when one is given) and knows the token. Only asks who the gate is: it sends
 * nothing and marks nothing.
 */
export async function deskLinkCheck(config: KioskConfig, timeoutMs = 5000): Promise<CheckResult> {
  const desk = config.desk;
  if (!desk) return skip(ID, '不是大门（配置里没有 desk）', 'not a gate (no desk in the config)');
  let token: string;
  let request: ReturnType<typeof deskFetch>;
  try {
    token = readGateToken(desk.tokenFile);
    request = deskFetch(desk.pinnedCert);
  } catch (err) {
    const said = bilingual(err) ?? { zh: String(err), en: String(err) };
    return problem(ID, 'fail', said, {
      zh: '在总台运行 gate-kiosk gate add 得到令牌，写入 desk.tokenFile（chmod 600）；证书用总台 server.tls 的证书',
      en: "run gate-kiosk gate add on the desk for a token and put it in desk.tokenFile (chmod 600); pin the desk's server.tls certificate",
    });
  }
  const url = `${desk.url.replace(/\/+$/, '')}/v1/gate/whoami`;
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.status === 401) {
      return problem(
        ID,
        'fail',
        {
          zh: `总台 ${desk.url} 不认这个令牌（未知或已吊销）`,
          en: `the desk ${desk.url} does not know this token (unknown or revoked)`,
        },
        {
          zh: '在总台用 gate list 查看；已吊销的大门要用 gate add 重新添加并换上新令牌',
          en: 'see gate list on the desk; a revoked gate is added again with gate add and given the new token',
        },
        { url, status: 401 },
      );
    }
    if (res.status !== 200) {
      return problem(
        ID,
        'fail',
        { zh: `总台 ${desk.url} 回答 ${res.status}`, en: `the desk ${desk.url} answered ${res.status}` },
        { zh: '检查 desk.url 是否指向学校总台', en: "check that desk.url is the school desk's address" },
        { url, status: res.status, body: text.slice(0, 200) },
      );
    }
    const who = JSON.parse(text) as { gate: { id: string; name: string }; schoolId: string };
    if (who.schoolId !== config.school.id) {
      return problem(
        ID,
        'fail',
        {
          zh: `总台属于学校 ${who.schoolId}，本机配置是 ${config.school.id}`,
          en: `the desk is school ${who.schoolId}'s; this kiosk's config says ${config.school.id}`,
        },
        { zh: '让 school.id 与总台一致', en: "make school.id the desk's" },
      );
    }
    return pass(
      ID,
      `总台 ${desk.url} 可达，本机是大门 ${who.gate.id}“${who.gate.name}”`,
      `the desk ${desk.url} answers; this kiosk is gate ${who.gate.id} "${who.gate.name}"`,
      {
        url,
        gate: who.gate.id,
      },
    );
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.message === 'fetch failed' ? (e.cause?.code ?? e.cause?.message ?? e.message) : e.message;
    return problem(
      ID,
      'fail',
      { zh: `连不上总台 ${desk.url}：${why}`, en: `cannot reach the desk ${desk.url}: ${why}` },
      {
        zh: '检查网络和 desk.url；期间本门照常判定，记录留在待发队列，恢复后自动补传',
        en: 'check the network and desk.url; the gate decides meanwhile and its records wait in the outbox',
      },
      { url, error: why },
    );
  }
}

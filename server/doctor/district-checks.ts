import { connect } from 'node:tls';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { type CheckResult, pass, problem, skip } from './check.ts';

const DAY = 86_400_000;

/** The district collector answers (any HTTP answer will do); its `Date` is kept for the clock check. */
export async function districtReachCheck(
  config: KioskConfig,
  timeoutMs = 5000,
): Promise<{ result: CheckResult; date: number | null }> {
  const endpoint = config.upload?.endpoint;
  if (!endpoint) {
    return {
      result: skip(
        'district.reach',
        '未配置区级上传（upload.endpoint）',
        'no district upload configured (upload.endpoint)',
      ),
      date: null,
    };
  }
  const url = new URL('healthz', endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    const date = Date.parse(res.headers.get('date') ?? '');
    return {
      result: pass(
        'district.reach',
        `区里的收集端可达：${endpoint}`,
        `the district collector answers: ${endpoint}`,
        {
          endpoint,
          status: res.status,
        },
      ),
      date: Number.isNaN(date) ? null : date,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    return {
      result: problem(
        'district.reach',
        'fail',
        {
          zh: `连不上区里的收集端 ${endpoint}：${why}`,
          en: `cannot reach the district collector ${endpoint}: ${why}`,
        },
        {
          zh: '检查网线/网络和 upload.endpoint 的地址；在此期间记录留在待发队列，恢复后自动补传',
          en: 'check the network and the address in upload.endpoint; records wait in the outbox meanwhile and go once it answers',
        },
        { endpoint, error: why },
      ),
      date: null,
    };
  }
}

/** An https district's certificate: trusted, and not about to expire. */
export async function districtCertificateCheck(config: KioskConfig, now = Date.now()): Promise<CheckResult> {
  const endpoint = config.upload?.endpoint;
  if (!endpoint?.startsWith('https:')) {
    return skip(
      'district.certificate',
      '区级地址不是 https，没有证书可查',
      'the district address is not https: no certificate to check',
    );
  }
  const url = new URL(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const found = await new Promise<{ validTo: number | null; trusted: boolean; error: string | null }>(
    (resolve) => {
      const socket = connect({
        host,
        port: Number(url.port || 443),
        ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }),
        rejectUnauthorized: false,
        timeout: 5000,
      });
      const done = (r: { validTo: number | null; trusted: boolean; error: string | null }) => {
        socket.destroy();
        resolve(r);
      };
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        const validTo = cert?.valid_to ? Date.parse(cert.valid_to) : null;
        done({
          validTo,
          trusted: socket.authorized,
          error: socket.authorizationError ? String(socket.authorizationError) : null,
        });
      });
      socket.once('timeout', () => done({ validTo: null, trusted: false, error: 'timed out' }));
      socket.once('error', (err) => done({ validTo: null, trusted: false, error: err.message }));
    },
  );
  const renew = {
    zh: '请区里的管理员更新证书（或在本机信任区里的 CA）',
    en: "ask the district's administrator to renew the certificate (or trust the district's CA on this machine)",
  };
  if (found.validTo === null) {
    return problem(
      'district.certificate',
      'fail',
      {
        zh: `拿不到区里的证书：${found.error ?? ''}`,
        en: `cannot get the district's certificate: ${found.error ?? ''}`,
      },
      renew,
    );
  }
  const days = Math.floor((found.validTo - now) / DAY);
  const expiry = new Date(found.validTo).toISOString().slice(0, 10);
  const detail = { validTo: new Date(found.validTo).toISOString(), daysLeft: days, trusted: found.trusted };
  if (days < 0) {
    return problem(
      'district.certificate',
      'fail',
      { zh: `区里的证书已于 ${expiry} 过期`, en: `the district's certificate expired on ${expiry}` },
      renew,
      detail,
    );
  }
  if (!found.trusted) {
    return problem(
      'district.certificate',
      'fail',
      {
        zh: `区里的证书不受信任：${found.error ?? ''}（${expiry} 到期）`,
        en: `the district's certificate is not trusted: ${found.error ?? ''} (valid until ${expiry})`,
      },
      renew,
      detail,
    );
  }
  if (days < 30) {
    return problem(
      'district.certificate',
      days < 7 ? 'fail' : 'warn',
      {
        zh: `区里的证书 ${days} 天后（${expiry}）到期`,
        en: `the district's certificate expires in ${days} days (${expiry})`,
      },
      renew,
      detail,
    );
  }
  return pass(
    'district.certificate',
    `区里的证书受信任，${expiry} 到期（还有 ${days} 天）`,
    `the district's certificate is trusted until ${expiry} (${days} days)`,
    detail,
  );
}

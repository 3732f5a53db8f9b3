import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { PeerCertificate } from 'node:tls';

export type DeskFetch = (url: string, init: RequestInit) => Promise<Response>;

/** The pinned certificate could not be read or is not one. */
export class PinnedCertError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'PinnedCertError';
  }
}

/**
 * A `fetch` towards the desk. With a pinned certificate (`desk.pinnedCert`), an https desk is trusted
 * only when it presents exactly that certificate (compared whole, by its SHA-256 fingerprint): no
 * certificate authority, and no host name, can stand in for it. Without one, the system's usual
 * checks apply.
 */
export function deskFetch(pinnedCertFile: string | undefined): DeskFetch {
  if (pinnedCertFile === undefined) return (url, init) => fetch(url, init);
  let pem: string;
  let pinned: X509Certificate;
  try {
    pem = readFileSync(pinnedCertFile, 'utf8');
    pinned = new X509Certificate(pem);
  } catch (err) {
    throw new PinnedCertError(
      `读不出总台证书 desk.pinnedCert（${pinnedCertFile}）：${(err as Error).message}`,
      `cannot read the desk's certificate desk.pinnedCert (${pinnedCertFile}): ${(err as Error).message}`,
    );
  }
  const agent = new Agent({
    ca: pem,
    keepAlive: true,
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      cert.fingerprint256 === pinned.fingerprint256
        ? undefined
        : new Error(
            `the desk presented certificate ${cert.fingerprint256}, not the pinned ${pinned.fingerprint256}`,
          ),
  });
  return (url, init) => nodeFetch(url, init, agent);
}

/** Enough of `fetch` for the desk link: string bodies, plain header records, an abort signal. */
function nodeFetch(url: string, init: RequestInit, agent: Agent): Promise<Response> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: init.method ?? 'GET',
        headers: (init.headers ?? {}) as Record<string, string>,
        ...(target.protocol === 'https:' ? { agent } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('terminated')));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') headers.set(k, v);
            else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
          }
          const status = res.statusCode ?? 500;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers }));
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      const pin = target.protocol === 'https:' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(err.code ?? '');
      const message = pin ? `the desk's certificate is not the pinned one (${err.code})` : 'fetch failed';
      reject(Object.assign(new Error(message), { cause: err }));
    });
    if (typeof init.body === 'string') req.end(init.body);
    else req.end();
  });
}

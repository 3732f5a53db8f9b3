import type { IncomingMessage } from 'node:http';
import type { Logger } from '../logger.ts';

/** The origin of a URL, or null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * socket.io's `allowRequest`: a browser always sends `Origin` with a socket's requests, so one
 * from another site (a page elsewhere reaching for a logged-in nurse's cookie) is refused unless
 * it is the kiosk's own origin (the host the request was sent to) or one the config lists in
 * `server.allowedOrigins`. A request without `Origin` is not from a browser page and is let through
 * to the namespace's own login or display-token check.
 */
export function socketOriginCheck(opts: { secure: boolean; allowed: readonly string[]; log: Logger }) {
  const allowed = new Set(opts.allowed.map((o) => originOf(o)).filter((o) => o !== null));
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    const origin = req.headers.origin;
    if (origin === undefined) {
      callback(null, true);
      return;
    }
    const host = req.headers.host;
    const own = host ? originOf(`${opts.secure ? 'https' : 'http'}://${host}`) : null;
    const sent = originOf(origin);
    if (sent !== null && (sent === own || allowed.has(sent))) {
      callback(null, true);
      return;
    }
    opts.log.warn(
      {
        zh: '已拒绝来自其他来源的连接（若是自己的，请加入 server.allowedOrigins）',
        origin,
        host: host ?? null,
        address: req.socket.remoteAddress ?? null,
      },
      'socket from another origin refused (add it to server.allowedOrigins if it is yours)',
    );
    callback('origin not allowed', false);
  };
}

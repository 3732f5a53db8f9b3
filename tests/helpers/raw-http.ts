import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given: no normalising of case, slashes, dots or percent-encoding. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The address to send from (`127.0.0.2` is this machine, but not the loopback address the kiosk trusts). */
  localAddress?: string;
}

/** One HTTP request on its own connection, to `port` on 127.0.0.1. */
export function rawRequest(port: number, r: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: r.method,
        path: r.path,
        headers: r.headers ?? {},
        agent: false,
        ...(r.localAddress ? { localAddress: r.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Runs `task` over `items`, at most `width` at a time. */
export async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

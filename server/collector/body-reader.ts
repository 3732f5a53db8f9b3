import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { HttpError } from '../http/errors.ts';

export interface ReadBody {
  body: Buffer;
  /** SHA-256 of the body's bytes, hex. */
  sha256: string;
}

/** How many first bytes `onHead` is given (enough for the envelope's first field). */
export const HEAD_BYTES = 512;

const tooLarge = () =>
  new HttpError(413, 'too_large', { zh: '请求体太大', en: 'the request body is too large' });
const incomplete = () =>
  new HttpError(400, 'incomplete_body', {
    zh: '请求体不完整（长度与 Content-Length 不符）',
    en: 'the request body is incomplete (its length does not match Content-Length)',
  });

/**
 * Reads a body sent without a Content-Encoding as it arrives, hashing it on the way, and hands its
 * first bytes to `onHead` as soon as they are in, so work that needs only them (looking up the
 * Idempotency-Key) runs while the rest is still on the wire.
 */
export function readBody(req: Request, limit: number, onHead: (head: Buffer) => void): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge());
      return;
    }
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let headGiven = false;
    let settled = false;
    const finish = (err: HttpError | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      if (err) reject(err);
      else resolve({ body: body as Buffer, sha256: hash.digest('hex') });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(tooLarge());
        return;
      }
      hash.update(chunk);
      chunks.push(chunk);
      if (!headGiven && size >= HEAD_BYTES) {
        headGiven = true;
        onHead(chunks.length === 1 ? chunk : Buffer.concat(chunks).subarray(0, HEAD_BYTES));
      }
    };
    const onEnd = () => {
      if (Number.isFinite(declared) && size !== declared) {
        finish(incomplete());
        return;
      }
      const body = Buffer.concat(chunks, size);
      if (!headGiven) {
        headGiven = true;
        onHead(body);
      }
      finish(null, body);
    };
    const onClose = () => finish(incomplete());
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}

/** The body was sent with a Content-Encoding (gzip, deflate, br) the general body reader unpacks. */
export function isEncoded(req: Request): boolean {
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  return encoding !== '' && encoding !== 'identity';
}

export function bodyDigest(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

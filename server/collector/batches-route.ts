import express, { type Response, Router } from 'express';
import type { Pool } from 'pg';
import { HttpError, parseRequest } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import type { Admission } from './admission.ts';
import {
  Abandoned,
  type CheckedBatch,
  type EarlierBatch,
  earlierBatch,
  IdempotencyConflict,
  recordIdsDigest,
  storeBatch,
} from './batch-store.ts';
import { bodyDigest, isEncoded, readBody } from './body-reader.ts';
import type { DayPartitions } from './partitions.ts';
import { batchEnvelope, checkRecord, outsideKeptDays } from './record-rules.ts';

export interface BatchesRouteOptions {
  /** Bodies larger than this are refused with 413 before they are read. */
  maxBodyBytes: number;
  timeZone: string;
  /** Records older than this many days are refused (their days are no longer kept); null: none. */
  keepDays: number | null;
}

/** The school a kiosk's body names first (`{"schoolId":"…",`), read without parsing the body. */
const SCHOOL_FIRST = /^\s*\{\s*"schoolId"\s*:\s*("(?:[^"\\]|\\.){1,200}")\s*,/;

export function peekSchoolId(body: Buffer): string | null {
  const m = SCHOOL_FIRST.exec(body.subarray(0, 512).toString('latin1'));
  if (!m?.[1]) return null;
  try {
    // latin1 keeps the bytes; non-ASCII ids are read properly by the full parse instead.
    return /[^\x20-\x7e]/.test(m[1]) ? null : (JSON.parse(m[1]) as string);
  } catch {
    return null;
  }
}

/** Errors that mean the database cannot be reached or is overloaded for now: worth a later resend. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '53400',
]);
function unavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    (e.code !== undefined && UNAVAILABLE.has(e.code)) ||
    /timeout exceeded when trying to connect|Connection terminated|not currently accepting connections/.test(
      e.message ?? '',
    )
  );
}

/**
 * `POST /v1/batches`: the upload contract, answered per record. Admission control first (a 503 with
 * Retry-After before the body is read); a resend is answered from its key and the body's hash
 * without parsing; a request whose client has gone is not stored.
 */
export function batchesRoute(
  pool: Pool,
  keyPool: Pool,
  partitions: DayPartitions,
  admission: Admission,
  log: Logger,
  opts: BatchesRouteOptions,
): Router {
  const router = Router();
  const answer = (res: Response, json: string) => res.type('json').send(json);
  const unpack = express.raw({ limit: opts.maxBodyBytes, type: () => true });
  router.post(
    '/v1/batches',
    admission.gate,
    // A body with a Content-Encoding is unpacked first; a plain one is read as it arrives, below.
    (req, res, next) => (isEncoded(req) ? unpack(req, res, next) : next()),
    async (req, res) => {
      const abandoned = (res.locals.abandoned as (() => boolean) | undefined) ?? (() => false);
      const charset = /;\s*charset=([^;\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
      if (charset && charset !== 'utf-8' && charset !== 'utf8') {
        throw new HttpError(415, 'unsupported_charset', {
          zh: `不支持的字符集 "${charset}"（请用 UTF-8）`,
          en: `unsupported charset "${charset}" (send UTF-8)`,
        });
      }
      const key = req.get('idempotency-key');
      if (!key) {
        throw new HttpError(
          400,
          'invalid_request',
          { zh: '缺少 Idempotency-Key 请求头', en: 'the Idempotency-Key header is missing' },
          [
            {
              field: 'Idempotency-Key',
              message: 'required: the batchId',
              zh: '必填：与 batchId 相同',
              en: 'required: the batchId',
            },
          ],
        );
      }
      try {
        // The key is looked up as soon as the body's first bytes name the school, while the rest arrives.
        const pending: {
          school: string | null;
          lookup: Promise<EarlierBatch | null> | null;
          error: unknown;
        } = {
          school: null,
          lookup: null,
          error: null,
        };
        const onHead = (head: Buffer) => {
          pending.school = peekSchoolId(head);
          if (pending.school) {
            pending.lookup = earlierBatch(keyPool, pending.school, key).catch((err: unknown) => {
              pending.error = err;
              return null;
            });
          }
        };
        let raw: Buffer;
        let bodySha256: string;
        if (Buffer.isBuffer(req.body)) {
          raw = req.body;
          bodySha256 = bodyDigest(raw);
          onHead(raw);
        } else {
          ({ body: raw, sha256: bodySha256 } = await readBody(req, opts.maxBodyBytes, onHead));
        }
        let earlier = pending.lookup ? await pending.lookup : null;
        if (pending.error) throw pending.error;
        // A resend of the same bytes: answered from the key, nothing parsed or checked again.
        if (earlier && earlier.bodySha256 === bodySha256) {
          answer(res, earlier.answer);
          return;
        }
        if (abandoned()) return;

        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError(400, 'invalid_json', {
            zh: '请求体不是有效的 JSON',
            en: 'the request body is not valid JSON',
          });
        }
        const body = parseRequest(batchEnvelope, json, 'batch');
        if (key !== body.batchId) {
          throw new HttpError(
            400,
            'invalid_request',
            {
              zh: 'Idempotency-Key 请求头与 batchId 不同',
              en: 'the Idempotency-Key header is not the batchId',
            },
            [
              {
                field: 'Idempotency-Key',
                message: `must equal batchId "${body.batchId}"`,
                zh: `须与 batchId "${body.batchId}" 相同`,
                en: `must equal batchId "${body.batchId}"`,
              },
            ],
          );
        }
        const recordIds = body.records.map((r) => r.id);
        if (pending.school !== body.schoolId) earlier = await earlierBatch(keyPool, body.schoolId, key);
        if (earlier) {
          if (earlier.recordIdsSha256 !== recordIdsDigest(recordIds)) {
            throw new IdempotencyConflict(`Idempotency-Key ${key} was already used for a different batch`);
          }
          answer(res, earlier.answer);
          return;
        }

        const batch: CheckedBatch = {
          idempotencyKey: key,
          schoolId: body.schoolId,
          kioskId: body.kioskId,
          recordIds,
          bodySha256,
          valid: [],
          rejected: [],
        };
        const now = Date.now();
        for (const raw of body.records) {
          const checked = checkRecord(raw);
          const late = checked.ok ? outsideKeptDays(checked.record.at, now, opts.keepDays) : null;
          if (checked.ok && !late) batch.valid.push(checked.record);
          else {
            const why = checked.ok ? (late as { reason: string; zh: string }) : checked;
            batch.rejected.push({ id: raw.id, reason: why.reason, zh: why.zh });
          }
        }
        // The kiosk gave up on this request: it will send the batch again; storing it now is wasted work.
        if (abandoned()) return;
        const stored = await storeBatch(pool, partitions, batch, opts.timeZone, abandoned);
        if (recordIds.length > 0) {
          log.info(
            {
              zh: '收到一批记录',
              school: batch.schoolId,
              kiosk: batch.kioskId,
              batch: key,
              replay: stored.replay,
              records: recordIds.length,
              rejected: batch.rejected.length,
            },
            'batch',
          );
        }
        answer(res, stored.answer);
      } catch (err) {
        if (err instanceof Abandoned) return;
        if (err instanceof IdempotencyConflict)
          throw new HttpError(422, 'idempotency_conflict', {
            zh: `Idempotency-Key ${key} 已用于另一批不同的记录`,
            en: err.message,
          });
        if (unavailable(err)) {
          log.warn(
            { zh: '收集端数据库无法连接或过载', err },
            'the collector database is out of reach or overloaded',
          );
          const refusal = admission.busy({ zh: '数据库暂不可用', en: 'its database is out of reach' }, key);
          res.set('Retry-After', String(refusal.retryAfterS));
          throw refusal;
        }
        throw err;
      }
    },
  );
  return router;
}

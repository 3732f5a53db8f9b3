import express, { Router } from 'express';
import type { Pool } from 'pg';
import { HttpError, parseRequest } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import { type CheckedBatch, IdempotencyConflict, storeBatch } from './batch-store.ts';
import { batchEnvelope, checkRecord } from './record-rules.ts';

export interface BatchesRouteOptions {
  /** Bodies larger than this are refused with 413 before they are read. */
  maxBodyBytes: number;
}

/** `POST /v1/batches`: the upload contract, answered per record. */
export function batchesRoute(pool: Pool, log: Logger, opts: BatchesRouteOptions): Router {
  const router = Router();
  router.post(
    '/v1/batches',
    express.json({ limit: opts.maxBodyBytes, type: () => true }),
    async (req, res) => {
      const body = parseRequest(batchEnvelope, req.body, 'batch');
      const key = req.get('idempotency-key');
      if (!key) {
        throw new HttpError(400, 'invalid_request', 'the Idempotency-Key header is missing', [
          { field: 'Idempotency-Key', message: 'required: the batchId' },
        ]);
      }
      if (key !== body.batchId) {
        throw new HttpError(400, 'invalid_request', 'the Idempotency-Key header is not the batchId', [
          { field: 'Idempotency-Key', message: `must equal batchId "${body.batchId}"` },
        ]);
      }
      const batch: CheckedBatch = {
        idempotencyKey: key,
        schoolId: body.schoolId,
        kioskId: body.kioskId,
        recordIds: body.records.map((r) => r.id),
        valid: [],
        rejected: [],
      };
      for (const raw of body.records) {
        const checked = checkRecord(raw);
        if (checked.ok) batch.valid.push(checked.record);
        else batch.rejected.push({ id: raw.id, reason: checked.reason });
      }
      try {
        const { answer, replay } = await storeBatch(pool, batch);
        if (batch.recordIds.length > 0) {
          log.info(
            {
              school: batch.schoolId,
              kiosk: batch.kioskId,
              batch: key,
              replay,
              accepted: answer.accepted.length,
              duplicate: answer.duplicate.length,
              rejected: answer.rejected.length,
            },
            'batch',
          );
        }
        res.json(answer);
      } catch (err) {
        if (err instanceof IdempotencyConflict) throw new HttpError(422, 'idempotency_conflict', err.message);
        throw err;
      }
    },
  );
  return router;
}

import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { formatPath } from '../../kiosk/config/load.ts';
import type { Logger } from '../logger.ts';

/** An error a client caused or must know of, sent as the contract's `{"error":{code,message,details?}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Validates a request part with zod; a 400 names every bad field. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ field: formatPath(i.path), message: i.message }));
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new HttpError(400, 'invalid_request', `invalid ${where}: ${summary}`, details);
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`));
}

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof HttpError) {
      res.status(err.status).json({
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ error: { code: 'invalid_json', message: 'the request body is not valid JSON' } });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'too_large', message: 'the request body is too large' } });
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'internal error; see the kiosk log' } });
  };
}

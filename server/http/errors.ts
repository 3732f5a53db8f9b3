import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Bilingual } from '../../drivers/types.ts';
import { formatPath } from '../../kiosk/config/load.ts';
import type { Logger } from '../logger.ts';

export type { Bilingual };

/**
 * An error a client caused or must know of, sent as the contract's
 * `{"error":{code,message,zh?,en?,details?}}`: `message` in English, `zh` the same in Chinese and
 * `en` a copy of `message` when the error is given in both.
 */
export class HttpError extends Error {
  readonly zh: string | undefined;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string | Bilingual,
    readonly details?: unknown,
  ) {
    super(typeof message === 'string' ? message : message.en);
    this.zh = typeof message === 'string' ? undefined : message.zh;
  }
}

/** Between the English and the Chinese of a validation message (see `said`). */
const ZH_SEPARATOR = '\u001e';

/**
 * A schema's own message in both languages, for zod's `message`/`error` options: the English goes
 * to `message`, the Chinese to `zh`, of the field's entry in a 400's `details`.
 */
export function said(zh: string, en: string): string {
  return `${en}${ZH_SEPARATOR}${zh}`;
}

function bothOf(message: string, zhFallback: string): Bilingual {
  const at = message.indexOf(ZH_SEPARATOR);
  if (at >= 0) return { en: message.slice(0, at), zh: message.slice(at + ZH_SEPARATOR.length) };
  return { en: message, zh: zhFallback };
}

const zhLocale = z.locales.zhCN();

/** A field of a 400, in both languages: `{field, message, zh, en}` (`message` is the English). */
export interface FieldProblem {
  field: string;
  message: string;
  zh: string;
  en: string;
}

/**
 * Validates a request part with zod; a 400 names every bad field, in English and Chinese. `names`
 * gives the Chinese for field paths (`guardianContact.phone` → `家长电话`); others are named as sent.
 */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
  names: Record<string, string> = {},
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // The same parse with zod's Chinese messages, for the issues this kiosk gave no message of its own.
  const inChinese = schema.safeParse(value, { error: zhLocale.localeError });
  const zhIssues = inChinese.success ? [] : inChinese.error.issues;
  const details: FieldProblem[] = result.error.issues.map((issue, i) => {
    const field = formatPath(issue.path);
    const both = bothOf(issue.message, zhIssues[i]?.message ?? issue.message);
    return { field, message: both.en, zh: both.zh, en: both.en };
  });
  const label = (field: string) => names[field] ?? (field || '整体');
  const summaryEn = details.map((d) => `${d.field}: ${d.en}`).join('; ');
  const summaryZh = details.map((d) => `${label(d.field)}：${d.zh}`).join('；');
  const part = where === 'body' ? '提交的内容' : where === 'query' ? '查询参数' : where;
  throw new HttpError(
    400,
    'invalid_request',
    { zh: `${part}有误：${summaryZh}`, en: `invalid ${where}: ${summaryEn}` },
    details,
  );
}

/** The end of routing: a path no route answers, in any spelling, is a 404 whoever asks. */
export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(
    new HttpError(404, 'not_found', {
      zh: `没有这个地址：${req.method} ${req.path}`,
      en: `no route ${req.method} ${req.path}`,
    }),
  );
}

/**
 * What the body reader, the router or the file server refuse before a handler runs (their errors
 * carry a 4xx `status`), as a 4xx naming the problem; undefined for anything else.
 */
export function malformedRequest(err: unknown): HttpError | undefined {
  if (err instanceof HttpError || typeof err !== 'object' || err === null) return undefined;
  const e = err as { type?: unknown; status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : NaN;
  if (!(status >= 400 && status < 500)) return undefined;
  if (e.type === 'entity.parse.failed') {
    return new HttpError(400, 'invalid_json', {
      zh: '请求体不是有效的 JSON',
      en: 'the request body is not valid JSON',
    });
  }
  if (e.type === 'entity.too.large') {
    return new HttpError(413, 'too_large', { zh: '请求体太大', en: 'the request body is too large' });
  }
  if (e.type === 'encoding.unsupported') {
    const encoding = String((err as { encoding?: unknown }).encoding ?? '');
    return new HttpError(415, 'unsupported_encoding', {
      zh: `不支持的 Content-Encoding "${encoding}"（可用 gzip、deflate、br 或不压缩）`,
      en: `unsupported Content-Encoding "${encoding}" (use gzip, deflate, br or none)`,
    });
  }
  if (e.type === 'charset.unsupported') {
    const charset = String((err as { charset?: unknown }).charset ?? '');
    return new HttpError(415, 'unsupported_charset', {
      zh: `不支持的字符集 "${charset}"（请用 UTF-8）`,
      en: `unsupported charset "${charset}" (send UTF-8)`,
    });
  }
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new HttpError(400, 'invalid_encoding', {
      zh: '请求体与其 Content-Encoding 不符（压缩数据损坏）',
      en: 'the request body does not match its Content-Encoding (corrupt compressed data)',
    });
  }
  if (e.type === 'request.aborted' || e.type === 'request.size.invalid') {
    return new HttpError(400, 'incomplete_body', {
      zh: '请求体不完整（长度与 Content-Length 不符）',
      en: 'the request body is incomplete (its length does not match Content-Length)',
    });
  }
  if (err instanceof URIError) {
    return new HttpError(400, 'invalid_path', {
      zh: '地址中有无效的百分号编码',
      en: 'the path holds a malformed percent-encoding',
    });
  }
  return new HttpError(status, 'bad_request', {
    zh: `请求无效：${String(e.message ?? status)}`,
    en: `bad request: ${String(e.message ?? status)}`,
  });
}

export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      log.warn(
        { zh: '请求在开始回答之后失败', err, method: req.method, path: req.path },
        'request failed after its answer began',
      );
      next(err);
      return;
    }
    res.set('Cache-Control', 'no-store');
    const malformed = malformedRequest(err);
    if (malformed) {
      log.warn(
        {
          zh: '格式错误的请求已拒绝',
          method: req.method,
          path: req.path,
          code: malformed.code,
          detail: (err as Error).message,
        },
        'malformed request refused',
      );
    }
    const refusal = err instanceof HttpError ? err : malformed;
    if (refusal) {
      res.status(refusal.status).json({
        error: {
          code: refusal.code,
          message: refusal.message,
          ...(refusal.zh ? { zh: refusal.zh, en: refusal.message } : {}),
          ...(refusal.details ? { details: refusal.details } : {}),
        },
      });
      return;
    }
    log.error({ zh: '请求失败', err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({
      error: {
        code: 'internal',
        message: 'internal error; see the kiosk log',
        zh: '内部错误，请查看日志',
        en: 'internal error; see the kiosk log',
      },
    });
  };
}

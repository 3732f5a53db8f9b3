import type { Uploader } from './uploader.ts';

/** The part of a logger the uploader's lines need (a pino logger fits): `zh` beside the English. */
export interface UploadLogger {
  info(fields: UploadLine, message: string): void;
  warn(fields: UploadLine, message: string): void;
  error(fields: UploadLine, message: string): void;
}

interface UploadLine {
  zh: string;
  [field: string]: unknown;
}

/**
 * Turns the uploader's events into log lines: a line when the district goes out of reach and when it
 * comes back, and each refused record with its reason.
 * Batches are logged only at the first one after a failure, so a drain does not flood the log; a busy
 * district is logged once until a batch goes through. The demo points at a collector on its own
 * machine that nobody has started: that is said once, as information, not as a fault.
 */
export function logUploads(uploader: Uploader, log: UploadLogger, opts: { demo?: boolean } = {}): void {
  let quiet = false;
  let demoNoted = false;
  uploader.on('offline', ({ since, error, pending }) => {
    quiet = false;
    if (opts.demo && !demoNoted) {
      demoNoted = true;
      log.info(
        {
          zh: '演示：没有运行区级收集端（用 `gate-kiosk collector` 启动），记录留在待发队列',
          since,
          pending,
          error,
        },
        'demo: no district collector is running (start one with `gate-kiosk collector`); records wait in the outbox',
      );
      return;
    }
    log.warn(
      { zh: '区级平台无法连接：记录在待发队列中等候', since, pending, error },
      'the district is out of reach: records wait in the outbox',
    );
  });
  uploader.on('online', ({ offlineSince, pending }) => {
    log.info(
      { zh: '区级平台已连通：正在发送待发队列', offlineSince, pending },
      'the district is reachable: sending the outbox',
    );
  });
  uploader.on('batch', (result) => {
    if (quiet && result.unanswered === 0) return;
    quiet = true;
    const partly = result.unanswered > 0;
    log.info(
      { zh: partly ? '一批记录只得到部分回答' : '一批记录已发送', ...result },
      partly ? 'batch partly answered' : 'batch sent',
    );
  });
  let busySince = false;
  uploader.on('busy', ({ retryAfterMs, retryInMs, records }) => {
    if (busySince) return;
    busySince = true;
    log.info(
      { zh: '区级平台繁忙：按其要求稍后再发', retryAfterMs, retryInMs, records },
      'the district is busy: sending again when it asks',
    );
  });
  uploader.on('batch', () => {
    busySince = false;
  });
  uploader.on('rejected', (records) => {
    for (const r of records)
      log.error(
        { zh: '记录被区级平台拒收', record: r.recordId, kind: r.kind, reason: r.reason },
        'record rejected by the district',
      );
  });
}

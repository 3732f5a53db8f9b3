import type { Uploader } from './uploader.ts';

/** The part of a logger the uploader's lines need (a pino logger fits). */
export interface UploadLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
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
        { since, pending, error },
        '演示：没有运行区级收集端，记录留在待发队列 / demo: no district collector is running (start one with `gate-kiosk collector`); records wait in the outbox',
      );
      return;
    }
    log.warn({ since, pending, error }, 'the district is out of reach: records wait in the outbox');
  });
  uploader.on('online', ({ offlineSince, pending }) => {
    log.info({ offlineSince, pending }, 'the district is reachable: sending the outbox');
  });
  uploader.on('batch', (result) => {
    if (quiet && result.unanswered === 0) return;
    quiet = true;
    log.info({ ...result }, result.unanswered > 0 ? 'batch partly answered' : 'batch sent');
  });
  let busySince = false;
  uploader.on('busy', ({ retryAfterMs, retryInMs, records }) => {
    if (busySince) return;
    busySince = true;
    log.info({ retryAfterMs, retryInMs, records }, 'the district is busy: sending again when it asks');
  });
  uploader.on('batch', () => {
    busySince = false;
  });
  uploader.on('rejected', (records) => {
    for (const r of records)
      log.error({ record: r.recordId, kind: r.kind, reason: r.reason }, 'record rejected by the district');
  });
}

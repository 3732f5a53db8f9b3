import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { errorHandler, notFound } from '../http/errors.ts';
import { createLogger, type Logger } from '../logger.ts';
import { VERSION } from '../version.ts';
import { batchesRoute } from './batches-route.ts';
import { districtRoutes } from './district-routes.ts';
import { migrateCollector } from './migrations.ts';

export interface CollectorOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  logger?: Logger;
  /** The schools' time zone: what "today" means on the district view. */
  timeZone?: string;
  maxBodyBytes?: number;
  /** Connections to PostgreSQL at most. */
  poolSize?: number;
}

export interface RunningCollector {
  url: string;
  port: number;
  pool: pg.Pool;
  stop(): Promise<void>;
}

/** A failure to start that a person can act on (which database, what went wrong). */
export class CollectorStartError extends Error {}

/** The district receiver: migrates its schema, then serves the upload contract and the district view. */
export async function startCollector(opts: CollectorOptions): Promise<RunningCollector> {
  const log = (opts.logger ?? createLogger()).child({ part: 'collector' });
  const timeZone = opts.timeZone ?? 'Asia/Shanghai';
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
  pool.on('error', (err) => log.warn({ err }, 'an idle PostgreSQL connection failed'));
  try {
    const schema = await migrateCollector(pool);
    if (schema.to !== schema.from) log.info(schema, 'collector schema migrated');
  } catch (err) {
    await pool.end().catch(() => {});
    const e = err as Error & { code?: string };
    throw new CollectorStartError(
      `cannot prepare the collector database ${redactUrl(opts.databaseUrl)}: ${e.message || e.code || String(err)}`,
    );
  }

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: VERSION });
  });
  app.use(batchesRoute(pool, log, { maxBodyBytes: opts.maxBodyBytes ?? 4_000_000 }));
  app.use(districtRoutes(pool, timeZone));
  app.use(notFound);
  app.use(errorHandler(log));

  const http = createServer(app);
  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 8090, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, database: redactUrl(opts.databaseUrl) }, 'collector ready');
  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    pool,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await pool.end();
      })();
      return stopping;
    },
  };
}

/** The database URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(the given database URL)';
  }
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type pg from 'pg';
import { errorHandler, notFound } from '../http/errors.ts';
import { createLogger, type Logger } from '../logger.ts';
import { VERSION } from '../version.ts';
import { Admission, type AdmissionCounts } from './admission.ts';
import { batchesRoute } from './batches-route.ts';
import { districtRoutes } from './district-routes.ts';
import { migrateCollector } from './migrations.ts';
import { DayPartitions } from './partitions.ts';
import { defaultRetention, type RetentionOptions, scheduleUpkeep, upkeep } from './upkeep.ts';

export interface CollectorOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  logger?: Logger;
  /** The schools' time zone: what "today" means on the district view. */
  timeZone?: string;
  maxBodyBytes?: number;
  /** Connections to PostgreSQL for uploads at most (the district view has two more of its own). */
  poolSize?: number;
  /** Upload requests in flight at most; beyond it, 503 with Retry-After (default 3 × poolSize). */
  maxInFlight?: number;
  /** Bytes of upload bodies being read and parsed at once at most (default 64 MiB). */
  maxParseBytes?: number;
  /** Records kept, old answers pruned, partitions made ahead (see docs/district.md). */
  retention?: Partial<RetentionOptions>;
}

export interface RunningCollector {
  url: string;
  port: number;
  pool: pg.Pool;
  /** Requests admitted, refused busy and abandoned so far. */
  admission(): AdmissionCounts;
  stop(): Promise<void>;
}

/** A failure to start that a person can act on (which database, what went wrong). */
export class CollectorStartError extends Error {}

/** The district receiver: migrates its schema, then serves the upload contract and the district view. */
export async function startCollector(opts: CollectorOptions): Promise<RunningCollector> {
  const log = (opts.logger ?? createLogger()).child({ part: 'collector' });
  const timeZone = opts.timeZone ?? 'Asia/Shanghai';
  const env = collectorEnv(process.env);
  const poolSize = opts.poolSize ?? env.poolSize ?? 10;
  const retention: RetentionOptions = { ...defaultRetention, ...env.retention, ...opts.retention };
  // Loaded here, not at start-up: every other command of the bundle (the kiosk itself) goes without it.
  const { default: postgres } = (await import('pg')) as { default: typeof pg };
  // A request that waits this long for a connection is answered busy, well within a kiosk's timeout.
  const pool = new postgres.Pool({
    connectionString: opts.databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
  });
  // The district view reads on connections of its own, so viewers never take an upload's place; so
  // do the lookups of Idempotency-Keys, so a resend is answered at once however busy storing is.
  const readPool = new postgres.Pool({
    connectionString: opts.databaseUrl,
    max: 2,
    connectionTimeoutMillis: 10_000,
  });
  const keyPool = new postgres.Pool({
    connectionString: opts.databaseUrl,
    max: 3,
    connectionTimeoutMillis: 10_000,
  });
  for (const p of [pool, readPool, keyPool]) {
    p.on('error', (err) =>
      log.warn({ zh: '一个空闲的 PostgreSQL 连接出错', err }, 'an idle PostgreSQL connection failed'),
    );
  }
  const partitions = new DayPartitions(pool);
  const endPools = () => Promise.all([pool.end(), readPool.end(), keyPool.end()]);
  try {
    const schema = await migrateCollector(pool, { timeZone });
    if (schema.to !== schema.from)
      log.info({ ...schema, zh: '收集端数据库结构已升级' }, 'collector schema migrated');
    await upkeep(pool, partitions, retention);
  } catch (err) {
    await endPools().catch(() => {});
    const e = err as Error & { code?: string };
    throw new CollectorStartError(
      `cannot prepare the collector database ${redactUrl(opts.databaseUrl)}: ${e.message || e.code || String(err)}`,
    );
  }

  const maxBodyBytes = opts.maxBodyBytes ?? 4_000_000;
  const admission = new Admission({
    maxInFlight: opts.maxInFlight ?? env.maxInFlight ?? poolSize * 3,
    maxBytes: Math.max(opts.maxParseBytes ?? 64 * 1024 * 1024, maxBodyBytes),
    maxBodyBytes,
  });
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: VERSION, uploads: admission.counts() });
  });
  app.use(
    batchesRoute(pool, keyPool, partitions, admission, log, {
      maxBodyBytes,
      timeZone,
      keepDays: retention.keepDays,
    }),
  );
  app.use(districtRoutes(readPool, timeZone));
  app.use(notFound);
  app.use(errorHandler(log));

  const http = createServer(app);
  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      // A district's kiosks reconnect together: room for their connections to queue while being accepted.
      http.listen({ port: opts.port ?? 8090, host, backlog: 4096 }, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await endPools().catch(() => {});
    throw err;
  }
  const upkeepTimer = scheduleUpkeep(pool, partitions, retention, log);
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ zh: '区级收集端已就绪', url, database: redactUrl(opts.databaseUrl) }, 'collector ready');
  let stopping: Promise<void> | null = null;
  return {
    url,
    port,
    pool,
    admission: () => admission.counts(),
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
        await upkeepTimer.stop();
        await endPools();
      })();
      return stopping;
    },
  };
}

/**
 * Settings an operator gives the `gate-kiosk collector` command in its environment:
 * COLLECTOR_KEEP_DAYS (records kept; unset keeps all), COLLECTOR_BATCHES_KEEP_DAYS (30),
 * COLLECTOR_POOL_SIZE (10), COLLECTOR_MAX_IN_FLIGHT (3 × the pool).
 */
export function collectorEnv(env: NodeJS.ProcessEnv): {
  poolSize?: number;
  maxInFlight?: number;
  retention: Partial<RetentionOptions>;
} {
  const whole = (name: string, min: number): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      throw new CollectorStartError(
        `${name} 须为不小于 ${min} 的整数 / must be a whole number of at least ${min} (got "${raw}")`,
      );
    }
    return n;
  };
  const keepDays = whole('COLLECTOR_KEEP_DAYS', 1);
  const batchesKeepDays = whole('COLLECTOR_BATCHES_KEEP_DAYS', 1);
  const poolSize = whole('COLLECTOR_POOL_SIZE', 1);
  const maxInFlight = whole('COLLECTOR_MAX_IN_FLIGHT', 1);
  return {
    ...(poolSize !== undefined ? { poolSize } : {}),
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
    retention: {
      ...(keepDays !== undefined ? { keepDays } : {}),
      ...(batchesKeepDays !== undefined ? { batchesKeepDays } : {}),
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

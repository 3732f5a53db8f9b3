import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../../server/collector/collector.ts';
import { collectorMigrations } from '../../server/collector/migrations.ts';
import { createLogger } from '../../server/logger.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

describe('the collector schema', () => {
  let pgServer: TestPostgres;
  beforeAll(async () => {
    pgServer = await startPostgres();
  });
  afterAll(async () => {
    await pgServer?.stop();
  });

  it('is created once when several collectors start on an empty database at the same moment', async () => {
    const databaseUrl = await pgServer.createDatabase();
    const collectors = await Promise.all(
      Array.from({ length: 4 }, () =>
        startCollector({ databaseUrl, port: 0, logger: createLogger('silent') }),
      ),
    );
    try {
      const applied = await collectors[0]?.pool.query(
        'SELECT version FROM collector_schema ORDER BY version',
      );
      expect(applied?.rows.map((r) => r.version)).toEqual(collectorMigrations.map((m) => m.version));
      for (const c of collectors) expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all(collectors.map((c) => c.stop()));
    }
  });

  it('refuses to start on a database from a newer collector, saying which versions', async () => {
    const databaseUrl = await pgServer.createDatabase();
    const first = await startCollector({ databaseUrl, port: 0, logger: createLogger('silent') });
    await first.pool.query("INSERT INTO collector_schema (version, name) VALUES (999, 'from the future')");
    await first.stop();
    await expect(startCollector({ databaseUrl, port: 0, logger: createLogger('silent') })).rejects.toThrow(
      /schema version 999, newer than this program/,
    );
  });

  it('names the database it cannot reach, without its password', async () => {
    const url = `postgres://district:s3cret@127.0.0.1:${pgServer.port}/no_such_db`;
    const failure = startCollector({ databaseUrl: url, port: 0, logger: createLogger('silent') });
    await expect(failure).rejects.toThrow(/no_such_db/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { type RunningCollector, startCollector } from '../../server/collector/collector.ts';
import { createLogger } from '../../server/logger.ts';
import { gateKiosk } from '../helpers/cli.ts';
import { driveLanes, loadConfig } from '../helpers/gate-load.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const pending = (k: RunningKiosk) =>
  (k.db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }).n;

describe('after a restore, records the district already has', () => {
  const dir = tempDir('gk-restore-upload-');
  const data = join(dir.path, 'data');
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  const kiosks: RunningKiosk[] = [];
  beforeAll(async () => {
    pgServer = await startPostgres();
    collector = await startCollector({
      databaseUrl: await pgServer.createDatabase(),
      port: 0,
      logger: createLogger('silent'),
    });
  });
  afterAll(async () => {
    for (const k of kiosks) await k.stop();
    await collector?.stop();
    await pgServer?.stop();
    dir.remove();
  });

  const start = async (name: string, upload: Record<string, unknown> | null): Promise<RunningKiosk> => {
    const config = join(dir.path, `${name}.yaml`);
    writeFileSync(config, JSON.stringify(loadConfig(2, upload ? { upload } : {})));
    const k = await startKiosk({
      configPath: config,
      dataDir: data,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    kiosks.push(k);
    return k;
  };
  const stop = async (k: RunningKiosk) => {
    kiosks.splice(kiosks.indexOf(k), 1);
    await k.stop();
  };
  const stored = async () =>
    (
      await collector.pool.query<{ n: string; ids: string }>(
        'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM records',
      )
    ).rows[0];

  it('are answered as duplicates and never stored twice', async () => {
    // Decisions made with no district configured wait in the outbox; a backup holds them so.
    const first = await start('offline', null);
    const load = driveLanes(first, 5);
    await waitUntil(() => first.commits.records >= 10, 20_000, '10 decisions');
    await load.stop();
    const backup = join(dir.path, 'before-upload.sqlite');
    const made = await gateKiosk([
      'backup',
      '--config',
      join(dir.path, 'offline.yaml'),
      '--data',
      data,
      '--out',
      backup,
    ]);
    expect(made.code).toBe(0);
    const inBackup = pending(first);
    await stop(first);

    // The district receives them (in batches of 7), and some more.
    const second = await start('online', { endpoint: collector.url, batchSize: 7 });
    await waitUntil(() => pending(second) === 0, 20_000, 'the outbox sent');
    const more = driveLanes(second, 5);
    await new Promise((r) => setTimeout(r, 600));
    await more.stop();
    await waitUntil(() => pending(second) === 0, 20_000, 'the outbox sent again');
    const sent = (
      second.db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'sent'").get() as { n: number }
    ).n;
    await stop(second);
    expect(await stored()).toEqual({ n: String(sent), ids: String(sent) });
    const keysBefore = new Set(
      (await collector.pool.query<{ k: string }>('SELECT idempotency_key AS k FROM batches')).rows.map(
        (r) => r.k,
      ),
    );

    // Back to the backup: its outbox says those records still wait, so they go again.
    const restored = await gateKiosk([
      'restore',
      backup,
      '--config',
      join(dir.path, 'online.yaml'),
      '--data',
      data,
    ]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`${inBackup} records waiting for the district`);
    const third = await start('after-restore', { endpoint: collector.url, batchSize: 50 });
    expect(pending(third)).toBe(inBackup);
    await waitUntil(() => pending(third) === 0, 20_000, 'the restored outbox sent');
    await stop(third);

    expect(await stored()).toEqual({ n: String(sent), ids: String(sent) });
    const answers = (
      await collector.pool.query<{ k: string; answer: { accepted: string[]; duplicate: string[] } }>(
        'SELECT idempotency_key AS k, answer FROM batches',
      )
    ).rows.filter((r) => !keysBefore.has(r.k));
    expect(answers.flatMap((a) => a.answer.accepted)).toEqual([]);
    expect(answers.flatMap((a) => a.answer.duplicate)).toHaveLength(inBackup);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openExistingDatabase } from '../../kiosk/store/database.ts';
import { readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { gateKiosk } from '../helpers/cli.ts';
import { dailyCopy } from '../helpers/daily-copy.ts';
import { driveLanes, loadConfig } from '../helpers/gate-load.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';

// A name from the demo roster: in a plain SQLite file it can be read straight from the bytes.
const NAME = Buffer.from('阿卜杜拉·艾山');

describe('backups of an encrypted database', () => {
  const dir = tempDir('gk-backup-enc-');
  const config = join(dir.path, 'enc.yaml');
  const data = join(dir.path, 'data');
  const keyFile = join(dir.path, 'db.key');
  let kiosk: RunningKiosk;
  const opened = (file: string) => {
    const db = openExistingDatabase(file, readDatabaseKey({ keyFile, credential: 'unused' }), {
      readonly: true,
    });
    try {
      return {
        integrity: db.pragma('integrity_check', { simple: true }),
        screenings: (db.prepare('SELECT count(*) AS n FROM screenings').get() as { n: number }).n,
      };
    } finally {
      db.close();
    }
  };
  beforeAll(async () => {
    expect((await gateKiosk(['db', 'key', '--out', keyFile])).code).toBe(0);
    writeFileSync(
      config,
      JSON.stringify(loadConfig(2, { encryption: { keyFile }, backup: { daily: '00:00', keep: 2 } })),
    );
    kiosk = await startKiosk({
      configPath: config,
      dataDir: data,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it('are encrypted with the same key, by hand and daily, and restore into a kiosk that starts on them', async () => {
    const load = driveLanes(kiosk, 5);
    try {
      await waitUntil(() => kiosk.commits.records >= 10, 20_000, '10 decisions');
      const daily = await dailyCopy(data);
      expect(readFileSync(daily).includes(NAME)).toBe(false);
      expect(opened(daily).integrity).toBe('ok');
    } finally {
      await load.stop();
    }
    const out = join(dir.path, 'by-hand.sqlite');
    const made = await gateKiosk(['backup', '--config', config, '--data', data, '--out', out]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(readFileSync(out).includes(NAME)).toBe(false);
    const copy = opened(out);
    expect(copy.integrity).toBe('ok');
    expect(copy.screenings).toBeGreaterThanOrEqual(10);

    const doctor = await gateKiosk(['doctor', '--json', '--config', config, '--data', data]);
    const integrity = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string }[] }).checks.find(
      (c) => c.id === 'database.integrity',
    );
    expect(integrity?.status).toBe('pass');

    const restoredDir = join(dir.path, 'restored');
    const restored = await gateKiosk(['restore', out, '--config', config, '--data', restoredDir]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(readFileSync(join(restoredDir, DATABASE_FILE)).includes(NAME)).toBe(false);
    const again = await startKiosk({
      configPath: config,
      dataDir: restoredDir,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    try {
      expect((again.db.prepare('SELECT count(*) AS n FROM screenings').get() as { n: number }).n).toBe(
        copy.screenings,
      );
    } finally {
      await again.stop();
    }

    // Without the key, neither a copy nor a restore is made of it.
    const plainConfig = join(dir.path, 'plain.yaml');
    writeFileSync(plainConfig, JSON.stringify(loadConfig(2)));
    const refused = await gateKiosk([
      'backup',
      '--config',
      plainConfig,
      '--data',
      data,
      '--out',
      join(dir.path, 'x.sqlite'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "is encrypted (or damaged): give its key in the config's encryption block",
    );
  });
});

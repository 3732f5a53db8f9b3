import { execFile } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, databaseFileKind, openDatabase } from '../../kiosk/store/database.ts';
import { DatabaseKeyError, readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { postJson, startTestKiosk, TEST_CONFIG, tempDir } from '../helpers/kiosk.ts';

const run = promisify(execFile);

async function gateKiosk(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/gate-kiosk.js', ...args], {
      timeout: 30_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The test config with its relative paths made absolute, plus an `encryption` block. */
function configWith(dir: string, name: string, encryption: string | null): string {
  const text = readFileSync(TEST_CONFIG, 'utf8').replace(
    'roster: ../roster/test-roster.csv',
    `roster: ${resolve('fixtures/roster/test-roster.csv')}`,
  );
  const file = join(dir, name);
  writeFileSync(file, encryption === null ? text : `${text}encryption: ${encryption}\n`);
  return file;
}

/** Every byte the kiosk keeps on disk: the database and its -wal. */
const onDisk = (data: string) =>
  Buffer.concat(
    readdirSync(data)
      .filter((f) => f.startsWith(DATABASE_FILE))
      .map((f) => readFileSync(join(data, f))),
  );

async function screenOne(data: string, configPath: string, identity: string): Promise<void> {
  const kiosk = await startTestKiosk(data, { configPath });
  try {
    const res = await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity, temperatureC: 36.6 });
    expect(res.status).toBe(202);
    const deadline = Date.now() + 10_000;
    const seen = kiosk.db.prepare('SELECT count(*) AS n FROM screenings WHERE person_id = ?');
    while ((seen.get(identity) as { n: number }).n === 0) {
      if (Date.now() > deadline) throw new Error('no screening recorded');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await kiosk.stop();
  }
}

const screenings = (db: ReturnType<typeof openDatabase>) =>
  db.prepare('SELECT person_id AS id FROM screenings').all() as { id: string }[];

describe('the SQLite file encrypted at rest', () => {
  const dir = tempDir('gk-crypt-');
  const keyFile = join(dir.path, 'db.key');
  let encrypted: string;

  beforeAll(async () => {
    const made = await gateKiosk(['db', 'key', '--out', keyFile]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    encrypted = configWith(dir.path, 'encrypted.yaml', `{ keyFile: ${keyFile} }`);
  });
  afterAll(() => dir.remove());

  it('makes a key only its user may read, never over an existing one', async () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const again = await gateKiosk(['db', 'key', '--out', keyFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists: a key file is never overwritten');
  });

  it('keeps no name, id or reading readable on disk, and opens only with its key', async () => {
    const data = join(dir.path, 'enc-data');
    await screenOne(data, encrypted, 'S0001');
    expect(databaseFileKind(join(data, DATABASE_FILE))).toBe('other');
    const bytes = onDisk(data);
    for (const secret of ['S0001', '张三丰', '13800000001', 'SQLite format 3']) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }

    const key = readDatabaseKey({ keyFile, credential: 'gate-kiosk-db-key' });
    const db = openDatabase(data, key);
    expect(screenings(db)).toEqual([{ id: 'S0001' }]);
    db.close();

    expect(() => openDatabase(data)).toThrow(/is not a plain SQLite database: it is encrypted/);
    const wrong = { bytes: Buffer.from('x'.repeat(64)), from: 'a test key' };
    expect(() => openDatabase(data, wrong)).toThrow(/the key \(a test key\) does not open .*: a wrong key/);
    const plain = configWith(dir.path, 'plain.yaml', null);
    const refused = await gateKiosk(['user', 'list', '--config', plain, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/不是未加密的 SQLite 数据库.* \/ .*is not a plain SQLite database/);
  });

  it('reads the key from a systemd credential when the config names no file', async () => {
    const creds = join(dir.path, 'credentials');
    const data = join(dir.path, 'cred-data');
    const made = await gateKiosk(['db', 'key', '--out', join(dir.path, 'k')]);
    expect(made.code).toBe(0);
    mkdirSync(creds);
    renameSync(join(dir.path, 'k'), join(creds, 'gate-kiosk-db-key'));
    const config = configWith(dir.path, 'credential.yaml', '{}');

    const without = await gateKiosk(['user', 'list', '--config', config, '--data', data], {
      CREDENTIALS_DIRECTORY: '',
    });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('encryption is on but there is no key');

    const withCred = await gateKiosk(['user', 'list', '--config', config, '--data', data], {
      CREDENTIALS_DIRECTORY: creds,
    });
    expect(withCred.stderr).toBe('');
    expect(withCred.code).toBe(0);
    expect(databaseFileKind(join(data, DATABASE_FILE))).toBe('other');
    const key = readDatabaseKey({ credential: 'gate-kiosk-db-key' }, { CREDENTIALS_DIRECTORY: creds });
    expect(key?.from).toBe('systemd credential gate-kiosk-db-key');
    openDatabase(data, key).close();
  });

  it('encrypts an existing plain database with `gate-kiosk db encrypt`, once, and not while it is in use', async () => {
    const data = join(dir.path, 'plain-data');
    await screenOne(data, configWith(dir.path, 'plain.yaml', null), 'S0002');
    expect(onDisk(data).includes(Buffer.from('S0002'))).toBe(true);

    const early = await gateKiosk(['user', 'list', '--config', encrypted, '--data', data]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('is not encrypted yet: stop the kiosk and run gate-kiosk db encrypt');

    // A kiosk still running on the plain file keeps it.
    const running = openDatabase(data);
    const busy = await gateKiosk(['db', 'encrypt', '--config', encrypted, '--data', data]);
    running.close();
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('is in use: stop the kiosk');
    expect(databaseFileKind(join(data, DATABASE_FILE))).toBe('plain');

    const done = await gateKiosk(['db', 'encrypt', '--config', encrypted, '--data', data]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(
      /^已加密 .*gate-kiosk\.sqlite（\d+ 页，密钥：key file .*）\/ encrypted .* \(\d+ pages, key: key file .*\)\n$/,
    );
    expect(databaseFileKind(join(data, DATABASE_FILE))).toBe('other');
    expect(onDisk(data).includes(Buffer.from('S0002'))).toBe(false);
    expect(readdirSync(data).filter((f) => f.endsWith('-journal'))).toEqual([]);

    // The kiosk starts on it with the key: the earlier screening is there, and new ones go on.
    await screenOne(data, encrypted, 'S0003');
    const db = openDatabase(data, readDatabaseKey({ keyFile, credential: 'gate-kiosk-db-key' }));
    expect(
      screenings(db)
        .map((s) => s.id)
        .sort(),
    ).toEqual(['S0002', 'S0003']);
    expect(db.prepare("SELECT actor FROM audit_log WHERE action = 'database_encrypt'").all()).toEqual([
      { actor: 'cli' },
    ]);
    db.close();

    const twice = await gateKiosk(['db', 'encrypt', '--config', encrypted, '--data', data]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('is encrypted already');

    const noBlock = await gateKiosk([
      'db',
      'encrypt',
      '--config',
      configWith(dir.path, 'p.yaml', null),
      '--data',
      data,
    ]);
    expect(noBlock.code).toBe(1);
    expect(noBlock.stderr).toContain('has no encryption block');

    const none = join(dir.path, 'no-data');
    const missing = await gateKiosk(['db', 'encrypt', '--config', encrypted, '--data', none]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(none, DATABASE_FILE)} does not exist`);
    expect(readdirSync(dir.path)).not.toContain('no-data');
  });

  it('refuses a key file others may read, a short key, a missing one, and a key in the config itself', async () => {
    const loose = join(dir.path, 'loose.key');
    writeFileSync(loose, `${'k'.repeat(40)}\n`);
    chmodSync(loose, 0o644);
    const problem = (keyFile: string) => {
      try {
        readDatabaseKey({ keyFile, credential: 'gate-kiosk-db-key' });
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(DatabaseKeyError);
        return (err as DatabaseKeyError).en;
      }
    };
    expect(problem(loose)).toBe(`the key file ${loose} can be read by others (0644): chmod 600 ${loose}`);
    const short = join(dir.path, 'short.key');
    writeFileSync(short, 'too-short\n', { mode: 0o600 });
    expect(problem(short)).toMatch(/too short: at least 32 characters/);
    expect(problem(join(dir.path, 'none.key'))).toMatch(
      /no database key .*make one with gate-kiosk db key --out/,
    );

    const inline = configWith(dir.path, 'inline.yaml', `{ key: "${'k'.repeat(40)}" }`);
    const out = await gateKiosk(['user', 'list', '--config', inline, '--data', join(dir.path, 'x')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/encryption: Unrecognized key/);
  });
});

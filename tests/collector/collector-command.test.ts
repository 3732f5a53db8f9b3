import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const BIN = resolve('bin/gate-kiosk.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `gate-kiosk collector …`; `whenServing` gets the URL once it serves, then the process is sent SIGTERM. */
function collector(
  args: string[],
  env: NodeJS.ProcessEnv,
  whenServing?: (url: string) => Promise<void>,
): Promise<Run> {
  return new Promise((done, reject) => {
    const proc = spawn(process.execPath, [BIN, 'collector', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    });
    const run: Run = { code: null, stdout: '', stderr: '' };
    let served = false;
    proc.stdout.on('data', (c: Buffer) => {
      run.stdout += c.toString();
      const url = /collector serving (http:\/\/[^\s/]+)/.exec(run.stdout)?.[1];
      if (url && !served && whenServing) {
        served = true;
        whenServing(url).then(
          () => proc.kill('SIGTERM'),
          (err) => {
            proc.kill('SIGKILL');
            reject(err);
          },
        );
      }
    });
    proc.stderr.on('data', (c: Buffer) => {
      run.stderr += c.toString();
    });
    proc.on('exit', (code) => {
      run.code = code;
      done(run);
    });
  });
}

describe('gate-kiosk collector', () => {
  let pgServer: TestPostgres;
  beforeAll(async () => {
    pgServer = await startPostgres();
  });
  afterAll(async () => {
    await pgServer?.stop();
  });

  it('serves the upload contract and the district view on the given database and port', async () => {
    const databaseUrl = await pgServer.createDatabase();
    let health: unknown;
    let page = '';
    const run = await collector(['--port', '0'], { DATABASE_URL: databaseUrl }, async (url) => {
      health = await (await fetch(`${url}/healthz`)).json();
      page = await (await fetch(`${url}/`)).text();
    });
    expect(run.code).toBe(0);
    expect(health).toMatchObject({ status: 'ok' });
    expect(page).toContain('晨午检汇总');
  });

  it('without a database, says how to give one (exit 2)', async () => {
    const run = await collector([], { DATABASE_URL: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--database URL or set DATABASE_URL/);
  });

  it('names a setting in its environment that is not a number (exit 1)', async () => {
    const run = await collector(['--port', '0'], {
      DATABASE_URL: `postgres://postgres@127.0.0.1:${pgServer.port}/postgres`,
      COLLECTOR_KEEP_DAYS: 'a month',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /COLLECTOR_KEEP_DAYS 须为不小于 1 的整数 \/ must be a whole number of at least 1 \(got "a month"\)/,
    );
  });

  it('names the database it cannot reach, without the password (exit 1)', async () => {
    const run = await collector(
      ['--database', `postgres://district:s3cret@127.0.0.1:${pgServer.port}/missing_db`, '--port', '0'],
      {},
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^gate-kiosk: cannot prepare the collector database .*missing_db/);
    expect(run.stderr).not.toContain('s3cret');
  });
});

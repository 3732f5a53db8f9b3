import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningCollector, startCollector } from '../../server/collector/collector.ts';
import { createLogger } from '../../server/logger.ts';

const PG_ROOT = '/usr/lib/postgresql';

/** A throwaway PostgreSQL cluster: its own data directory and port, gone after `stop()`. */
export interface TestPostgres {
  port: number;
  /** URL of the cluster's `postgres` database. */
  url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian's server binaries (`/usr/lib/postgresql/<version>/bin`), newest version first. */
export function postgresBinDir(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest) {
    throw new Error(
      `the PostgreSQL server is not installed (no ${PG_ROOT}/<version>/bin/initdb): ` +
        'run `apt-get install -y postgresql` (npm test does it through scripts/test-setup.mjs)',
    );
  }
  return join(PG_ROOT, newest, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (made by
 * Debian's package) and its commands run through `runuser`; as anyone else, as that user.
 */
function runner(): { run(cmd: string, args: string[]): void; owner: { uid: number; gid: number } | null } {
  if (process.getuid?.() !== 0) {
    return { run: (cmd, args) => execFileSync(cmd, args, { stdio: 'pipe' }), owner: null };
  }
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) {
    throw new Error(
      'there is no `postgres` user to run the test cluster as: run `apt-get install -y postgresql`',
    );
  }
  const uid = Number(id.stdout.trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return {
    run: (cmd, args) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }),
    owner: { uid, gid },
  };
}

/**
 * Starts a cluster for one test file: trust auth on 127.0.0.1, no fsync (its data is thrown away),
 * unless `durable` asks for a server that syncs its commits as a real one does (for benchmarks).
 */
export async function startPostgres(opts: { durable?: boolean } = {}): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const { run, owner } = runner();
  const dir = mkdtempSync(join(tmpdir(), 'gk-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const pgCtl = join(bin, 'pg_ctl');
  const fail = (what: string, err: unknown): never => {
    const e = err as { stderr?: Buffer; message?: string };
    const serverLog = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${what} failed: ${e.stderr?.toString() || e.message}\n${serverLog}`);
  };
  try {
    run(join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
  } catch (err) {
    fail('initdb', err);
  }
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses='127.0.0.1'",
      ...(opts.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
      '-c max_connections=60',
    ].join(' ');
    try {
      run(pgCtl, ['start', '-w', '-t', '30', '-D', data, '-l', logFile, '-o', options]);
      break;
    } catch (err) {
      if (attempt >= 2) fail('pg_ctl start', err);
    }
  }
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    port,
    url,
    async createDatabase(name = `test_${process.pid}_${++databases}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.off('exit', stopNow);
      stopNow();
    },
  };
}

/** A throwaway cluster with a collector (in this process, on a free port) on a fresh database of it. */
export async function startTestCollector(): Promise<{ pgServer: TestPostgres; collector: RunningCollector }> {
  const pgServer = await startPostgres();
  const collector = await startCollector({
    databaseUrl: await pgServer.createDatabase(),
    port: 0,
    logger: createLogger('silent'),
  });
  return { pgServer, collector };
}

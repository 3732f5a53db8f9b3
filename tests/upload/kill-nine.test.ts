import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import { DATABASE_FILE } from '../../kiosk/store/database.ts';
import type { RunningCollector } from '../../server/collector/collector.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';
import { KioskProcess } from '../helpers/kiosk-process.ts';
import { startTestCollector, type TestPostgres } from '../helpers/postgres.ts';
import { collectorRecords } from './records.ts';

const BIN = resolve('bin/gate-kiosk.js');
const SCHOOL = 'kill-nine-school';
const PASSWORD = 'kill-nine-password-long';
const TRIALS = 6;

/** What the gate display showed: every decided screening id, as a guard would have seen it. */
class Watcher {
  readonly socket: Socket;
  constructor(url: string, cookie: string, shown: Set<string>) {
    this.socket = io(`${url}/display`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie },
    });
    this.socket.on('lane:update', (u: LaneUpdate) => {
      if (u.state === 'decided' && u.screeningId) shown.add(u.screeningId);
    });
  }
  close(): void {
    this.socket.close();
  }
}

async function login(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'kill-tester', password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  const token = /gk_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: `gk_session=${token}`, csrf: csrfToken };
}

function runCli(args: string[], stdin: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    proc.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`gate-kiosk ${args[0]}: ${err}`)),
    );
    proc.stdin.end(stdin);
  });
}

describe('a kiosk killed with SIGKILL while lanes stream and the uploader sends', () => {
  const dir = tempDir('gk-kill-');
  const data = join(dir.path, 'data');
  const config = join(dir.path, 'kiosk.yaml');
  let pgServer: TestPostgres;
  let collector: RunningCollector;
  let kiosk: KioskProcess | null = null;

  beforeAll(async () => {
    ({ pgServer, collector } = await startTestCollector());
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: SCHOOL, name: '断电测试学校', timezone: 'Asia/Shanghai' },
        rules: { pairWindowS: 10, decisionHoldS: 2 },
        lanes: ['1', '2'].map((id) => ({
          id,
          name: `lane ${id}`,
          devices: [
            { id: `t${id}`, role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
            { id: `s${id}`, role: 'scanner', model: 'line-scanner', port: 'simulated' },
          ],
        })),
        roster: resolve('fixtures/roster/test-roster.csv'),
        upload: { endpoint: collector.url, batchSize: 4 },
      }),
    );
    await runCli(
      ['user', 'add', '--name', 'kill-tester', '--role', 'admin', '--config', config, '--data', data],
      `${PASSWORD}\n`,
    );
  });
  afterAll(async () => {
    await kiosk?.kill('SIGKILL');
    await collector?.stop();
    await pgServer?.stop();
    dir.remove();
  });

  it(`keeps every screening the display showed, and the district gets each exactly once (${TRIALS} kills)`, async () => {
    const shown = new Set<string>();
    let arrival = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const k = await KioskProcess.start(config, data);
      kiosk = k;
      const { cookie, csrf } = await login(k.url);
      const watcher = new Watcher(k.url, cookie, shown);
      const stream = async (laneId: string) => {
        while (k.running) {
          try {
            await fetch(`${k.url}/api/sim/lanes/${laneId}/arrivals`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
              body: JSON.stringify({ identity: `VISITOR-${++arrival}`, temperatureC: 36.4 }),
            });
          } catch {
            return;
          }
          await new Promise((r) => setTimeout(r, 220 + Math.random() * 120));
        }
      };
      const lanes = Promise.all([stream('1'), stream('2')]);
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 2200));
      await k.kill('SIGKILL');
      await lanes;
      watcher.close();
    }
    const uploadedDuringTrials = (await collectorRecords(collector.pool, SCHOOL)).length;

    const last = await KioskProcess.start(config, data);
    kiosk = last;
    const db = new Database(join(data, DATABASE_FILE), { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const outboxIds = () =>
      (db.prepare('SELECT record_id FROM outbox ORDER BY seq').pluck().all() as string[]) ?? [];
    const pending = () =>
      db.prepare("SELECT count(*) FROM outbox WHERE status = 'pending'").pluck().get() as number;
    try {
      await waitUntil(
        async () =>
          pending() === 0 && (await collectorRecords(collector.pool, SCHOOL)).length === outboxIds().length,
        20_000,
        'the restarted kiosk uploading everything (is the uploader started from the config’s `upload` in server/app.ts?)',
      );
      await last.kill('SIGTERM');

      const screenings = new Set(db.prepare('SELECT id FROM screenings').pluck().all() as string[]);
      expect(shown.size).toBeGreaterThan(TRIALS * 2);
      expect([...shown].filter((id) => !screenings.has(id))).toEqual([]);

      const held = await collectorRecords(collector.pool, SCHOOL);
      expect(held.every((r) => r.copies === 1)).toBe(true);
      expect(held.map((r) => r.id).sort()).toEqual(outboxIds().sort());
      const heldIds = new Set(held.map((r) => r.id));
      expect([...shown].filter((id) => !heldIds.has(id))).toEqual([]);
      expect(pending()).toBe(0);
      // The kills fell while batches were going out, not only before the first one.
      expect(uploadedDuringTrials).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }, 90_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { deviceModels } from '../drivers/registry.ts';
import type { LaneUpdate } from '../kiosk/lanes/lane-update.ts';
import { newRecordId } from '../kiosk/store/ids.ts';
import { Outbox } from '../kiosk/upload/outbox.ts';
import { Uploader } from '../kiosk/upload/uploader.ts';
import { startKiosk } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { concat, loadConfig } from '../tests/helpers/gate-load.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { type Summary, summarize } from './stats.ts';

export interface DrainFigures {
  records: number;
  batchSize: number;
  drainMs: number;
  recordsPerS: number;
  lanes: number;
  /** Frame → display with an empty outbox, then while the backlog drains. */
  latencyIdleMs: Summary;
  latencyDrainingMs: Summary;
  eventLoopDelayP99Ms: number;
  postgres: string;
}

const screeningData = JSON.stringify({
  laneId: '1',
  session: 'morning',
  localDate: '2026-11-23',
  personId: 'S0001',
  temperatureC: 36.6,
  temperatureSource: 'device_body',
  objectC: null,
  ambientC: null,
  healthCode: 'green',
  decision: 'pass',
  reasons: [],
});

/**
 * A week offline: `records` screenings wait in the outbox, the district comes back (a collector on a
 * local PostgreSQL that syncs its commits), and they drain while every lane keeps streaming arrivals.
 * Reports the drain rate and the lanes' frame → display latency, idle and while draining.
 */
export async function measureBacklogDrain(
  dir: string,
  opts: { records?: number; lanes?: number; batchSize?: number; idleMs?: number } = {},
): Promise<DrainFigures> {
  const records = opts.records ?? 100_000;
  const laneCount = opts.lanes ?? 4;
  const batchSize = opts.batchSize ?? 500;
  const pgServer = await startPostgres({ durable: true });
  const collector = await collectorProcess(await pgServer.createDatabase('bench'));
  const configPath = join(dir, 'bench-drain.yaml');
  writeFileSync(
    configPath,
    JSON.stringify(
      loadConfig(laneCount, {
        school: { id: 'bench-drain', name: 'Bench' },
        rules: { pairWindowS: 10, decisionHoldS: 60 },
        simulation: { freshenRosterStatuses: true, demoAccounts: true },
      }),
    ),
  );
  const kiosk = await startKiosk({
    configPath,
    dataDir: join(dir, 'data-drain'),
    port: 0,
    logger: createLogger('silent'),
  });
  const insert = kiosk.db.prepare('INSERT INTO outbox (record_id, kind, at, data) VALUES (?, ?, ?, ?)');
  kiosk.db.transaction(() => {
    for (let i = 0; i < records; i++)
      insert.run(newRecordId(), 'screening', new Date().toISOString(), screeningData);
  })();
  const uploader = new Uploader({
    outbox: new Outbox(kiosk.db, kiosk.config.school.timezone),
    endpoint: collector.url,
    schoolId: kiosk.config.school.id,
    kioskId: 'bench-gate',
    batchSize,
  });

  const token = (kiosk as { demoDisplayToken?: string | null }).demoDisplayToken ?? undefined;
  const client = io(`${kiosk.url}/display`, {
    transports: ['websocket'],
    ...(token ? { auth: { token } } : {}),
  });
  await new Promise<void>((r) => client.once('connect', () => r()));
  const pending = new Map<string, { t: number; resolve: () => void }>();
  let draining = false;
  const idle: number[] = [];
  const whileDraining: number[] = [];
  client.on('lane:update', (u: LaneUpdate) => {
    if (u.state !== 'decided') return;
    const p = pending.get(u.laneId);
    if (!p) return;
    (draining ? whileDraining : idle).push(performance.now() - p.t);
    pending.delete(u.laneId);
    p.resolve();
  });

  const thermo = deviceModels['k3-ascii'].createSimulator({ seed: 3 });
  const scanner = deviceModels['line-scanner'].createSimulator({ seed: 4 });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let streaming = true;
  const lanesDone = Promise.all(
    kiosk.lanes.map(async (lane, i) => {
      const t = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'thermometer')?.simulator;
      const s = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'scanner')?.simulator;
      if (!t || !s) throw new Error(`lane ${lane.id} has no simulated devices`);
      let n = i;
      await sleep((i * 37) % 50);
      while (streaming) {
        // Visitors not on the roster: every arrival is a new record, so each sample includes its commit.
        s.inject(
          concat(scanner.emit({ kind: 'scan', text: `VISITOR-${lane.id}-${n++}` }).map((c) => c.bytes)),
        );
        await sleep(5);
        const chunks = thermo.emit({ kind: 'measure', bodyC: 36.0 + (n % 15) / 10 }).map((c) => c.bytes);
        const last = chunks.pop() as Uint8Array;
        t.inject(concat(chunks));
        const done = new Promise<void>((r) => pending.set(lane.id, { t: performance.now(), resolve: r }));
        const entry = pending.get(lane.id);
        if (entry) entry.t = performance.now();
        t.inject(last);
        await Promise.race([done, sleep(2_000)]);
        await sleep(20);
      }
    }),
  );

  await sleep(opts.idleMs ?? 3000);
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  draining = true;
  loopDelay.enable();
  const t0 = performance.now();
  uploader.start();
  while (uploader.status().uploadedToday < records) await sleep(20);
  const drainMs = performance.now() - t0;
  loopDelay.disable();
  draining = false;
  streaming = false;
  await lanesDone;
  await uploader.stop();
  client.close();
  await kiosk.stop();
  collector.proc.kill('SIGTERM');
  await new Promise((r) => collector.proc.once('exit', r));
  await pgServer.stop();
  return {
    records,
    batchSize,
    drainMs: Math.round(drainMs),
    recordsPerS: Math.round(records / (drainMs / 1000)),
    lanes: laneCount,
    latencyIdleMs: summarize(idle),
    latencyDrainingMs: summarize(whileDraining),
    eventLoopDelayP99Ms: Math.round((loopDelay.percentile(99) / 1e6) * 100) / 100,
    postgres: 'local PostgreSQL, fsync on',
  };
}

/** The collector in a process of its own, as at a district: its work must not count against the lanes. */
function collectorProcess(databaseUrl: string): Promise<{ url: string; proc: ChildProcess }> {
  const modules = (path: string) => JSON.stringify(new URL(`../${path}`, import.meta.url).href);
  const code = `
    import { startCollector } from ${modules('server/collector/collector.ts')};
    import { createLogger } from ${modules('server/logger.ts')};
    const c = await startCollector({ databaseUrl: process.env.DATABASE_URL, port: 0, logger: createLogger('silent') });
    process.stdout.write('collector ' + c.url + '\\n');
    process.once('SIGTERM', () => c.stop().then(() => process.exit(0)));`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /collector (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolveUrl({ url, proc });
    });
    proc.once('exit', (code) => reject(new Error(`the collector exited (${code}) before serving`)));
  });
}

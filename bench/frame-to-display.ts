import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { deviceModels } from '../drivers/registry.ts';
import type { LaneUpdate } from '../kiosk/lanes/lane-update.ts';
import { DisplayTokenStore } from '../kiosk/store/display-tokens.ts';
import { startKiosk } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { concat, demoRosterIds, loadConfig } from '../tests/helpers/gate-load.ts';
import { type Summary, summarize } from './stats.ts';

export interface LatencyFigures {
  lanes: number;
  /** The SQLite file encrypted (a key file named in the config). */
  encrypted: boolean;
  decisions: number;
  decisionsPerS: number;
  latencyMs: Summary;
  rssMB: number;
  readyMs: number;
  /** Screenings per SQLite transaction (each one fsync): decisions ready together commit together. */
  decisionsPerFsync: number;
  /** How late the event loop ran while lanes decided (commits included): what a port read may wait. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Decisions whose scan and reading could not be ordered (should be none: each scan comes 5 ms first). */
  orderUnknown: number;
  /** CPU time of the whole process (kiosk and display client) per decision: steadier than latency on a busy machine. */
  cpuMsPerDecision: number;
}

/**
 * Every lane streams arrivals at once: a scan, then a K3 reading whose last line completes the frame.
 * Latency runs from injecting that last chunk into the (simulated) serial port to the `lane:update`
 * for the decision reaching a socket.io display client; it includes the durable SQLite commit.
 * With `keyFile` the SQLite file is encrypted with the key in that file.
 */
export async function measureFrameToDisplay(
  lanes: number,
  dir: string,
  durationMs: number,
  options: { keyFile?: string } = {},
): Promise<LatencyFigures> {
  const variant = options.keyFile ? `${lanes}-encrypted` : `${lanes}`;
  const configPath = join(dir, `bench-${variant}.yaml`);
  writeFileSync(
    configPath,
    JSON.stringify(
      loadConfig(lanes, {
        school: { id: 'bench', name: 'Bench' },
        rules: { pairWindowS: 10, decisionHoldS: 60 },
        ...(options.keyFile ? { encryption: { keyFile: options.keyFile } } : {}),
      }),
    ),
  );
  const t0 = performance.now();
  const kiosk = await startKiosk({
    configPath,
    dataDir: join(dir, `data-${variant}`),
    port: 0,
    logger: createLogger('silent'),
  });
  const readyMs = performance.now() - t0;
  // The bench watches like a paired gate display.
  const { token } = new DisplayTokenStore(kiosk.db).add(
    'bench',
    kiosk.lanes.map((l) => l.id),
  );
  const client = io(`${kiosk.url}/display`, { transports: ['websocket'], auth: { token } });
  await new Promise<void>((r) => client.once('connect', () => r()));

  const pending = new Map<string, { t: number; resolve: () => void }>();
  const samples: number[] = [];
  client.on('lane:update', (u: LaneUpdate) => {
    if (u.state !== 'decided') return;
    const p = pending.get(u.laneId);
    if (!p) return;
    samples.push(performance.now() - p.t);
    pending.delete(u.laneId);
    p.resolve();
  });

  const people = demoRosterIds();
  const thermo = deviceModels['k3-ascii'].createSimulator({ seed: 3 });
  const scanner = deviceModels['line-scanner'].createSimulator({ seed: 4 });
  const cpu0 = process.cpuUsage();
  const end = performance.now() + durationMs;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  await Promise.all(
    kiosk.lanes.map(async (lane, i) => {
      const t = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'thermometer')?.simulator;
      const s = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'scanner')?.simulator;
      if (!t || !s) throw new Error(`lane ${lane.id} has no simulated devices`);
      let n = i;
      await sleep((i * 37) % 50);
      while (performance.now() < end) {
        const id = people[n++ % people.length] as string;
        s.inject(concat(scanner.emit({ kind: 'scan', text: id }).map((c) => c.bytes)));
        await sleep(5);
        const chunks = thermo.emit({ kind: 'measure', bodyC: 36.0 + (n % 15) / 10 }).map((c) => c.bytes);
        const last = chunks.pop() as Uint8Array;
        t.inject(concat(chunks));
        const done = new Promise<void>((resolve) => pending.set(lane.id, { t: performance.now(), resolve }));
        t.inject(last);
        const entry = pending.get(lane.id);
        if (entry) entry.t = performance.now();
        await Promise.race([done, sleep(2_000)]);
        // The next person scans more than the ports' skew (rules.portSkewMs, 50 ms) after this
        // reading: closer, a scan between two readings is sent to verify (kiosk/lanes/visits.ts).
        await sleep(60);
      }
    }),
  );
  loopDelay.disable();
  const cpu = process.cpuUsage(cpu0);
  const rssMB = Math.round(process.memoryUsage().rss / 1e6);
  const orderUnknown = kiosk.lanes.reduce((n, l) => n + l.counts.orderUnknown, 0);
  const { records, transactions } = kiosk.commits;
  client.close();
  await kiosk.stop();
  return {
    lanes,
    encrypted: options.keyFile !== undefined,
    decisions: samples.length,
    decisionsPerS: Math.round(samples.length / (durationMs / 1000)),
    cpuMsPerDecision:
      Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, samples.length)) * 1000) / 1000,
    latencyMs: summarize(samples),
    rssMB,
    readyMs: Math.round(readyMs),
    decisionsPerFsync: transactions ? Math.round((records / transactions) * 100) / 100 : 0,
    eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e4) / 100,
    eventLoopDelayMaxMs: Math.round(loopDelay.max / 1e4) / 100,
    orderUnknown,
  };
}

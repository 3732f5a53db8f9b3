import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { deviceModels } from '../drivers/registry.ts';
import type { LaneUpdate } from '../kiosk/lanes/lane-update.ts';
import { openDatabase } from '../kiosk/store/database.ts';
import { DisplayTokenStore } from '../kiosk/store/display-tokens.ts';
import { UserStore } from '../kiosk/store/users.ts';
import { startKiosk } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { concat, demoRosterIds, loadConfig } from '../tests/helpers/gate-load.ts';
import { rosterCsv, rosterWorkbook, zipBomb } from '../tests/helpers/roster-files.ts';
import { type Summary, summarize } from './stats.ts';

/** One kind of upload, sent again and again for a while as the lanes decide. */
export interface ImportPhase {
  what: string;
  /** The HTTP status of the answers (all the same, or the phase says so). */
  status: number;
  uploads: number;
  /** From sending the file to the answer. */
  answerMs: Summary;
  /** Frame → display while the uploads ran. */
  latencyMs: Summary;
  eventLoopDelayMaxMs: number;
  eventLoopDelayP99Ms: number;
}

export interface OwnProcessFigures {
  what: string;
  status: number;
  answerMs: number;
  healthzMaxMs: number;
  decisions: number;
}

export interface RosterImportFigures {
  lanes: number;
  phases: ImportPhase[];
  /** The bundled `gate-kiosk start` as its own process, lanes deciding on simulated arrivals. */
  ownProcess: { readyRssMB: number; peakRssMB: number; uploads: OwnProcessFigures[] };
}

interface Session {
  cookie: string;
  csrf: string;
}

async function login(url: string, name: string, password: string): Promise<Session> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (!res.ok) throw new Error(`login: ${res.status}`);
  const token = /gk_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: `gk_session=${token}`, csrf: csrfToken };
}

async function upload(url: string, s: Session, name: string, bytes: Uint8Array, dryRun: boolean) {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/roster/import?filename=${name}&dryRun=${dryRun}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * The kiosk (from the sources, in this process) with every lane streaming arrivals as in the
 * frame → display bench, while an admin uploads, one after another: nothing (idle), a 300,000-row
 * workbook, a 300,000-row CSV, a zip bomb, a 20,000-row school as a dry run and as an import. Then the
 * bundled command as its own process, for its resident memory through the same uploads.
 */
export async function measureRosterImport(
  dir: string,
  phaseMs: number,
  lanes = 4,
): Promise<RosterImportFigures> {
  const files = {
    workbook300k: rosterWorkbook(300_000),
    csv300k: rosterCsv(300_000),
    bomb: await zipBomb(350, true),
    school: rosterWorkbook(20_000),
  };
  const configPath = join(dir, `roster-import-${lanes}.yaml`);
  writeFileSync(
    configPath,
    JSON.stringify(
      loadConfig(lanes, {
        school: { id: 'bench', name: 'Bench' },
        rules: { pairWindowS: 10, decisionHoldS: 60 },
      }),
    ),
  );
  const dataDir = join(dir, `roster-import-data-${lanes}`);
  const kiosk = await startKiosk({ configPath, dataDir, port: 0, logger: createLogger('silent') });
  await new UserStore(kiosk.db).add('bench-admin', 'admin', 'bench-admin-password');
  const session = await login(kiosk.url, 'bench-admin', 'bench-admin-password');
  const { token } = new DisplayTokenStore(kiosk.db).add(
    'bench',
    kiosk.lanes.map((l) => l.id),
  );
  const client = io(`${kiosk.url}/display`, { transports: ['websocket'], auth: { token } });
  await new Promise<void>((r) => client.once('connect', () => r()));
  const pending = new Map<string, { t: number; resolve: () => void }>();
  let samples: number[] = [];
  client.on('lane:update', (u: LaneUpdate) => {
    const p = u.state === 'decided' ? pending.get(u.laneId) : undefined;
    if (!p) return;
    samples.push(performance.now() - p.t);
    pending.delete(u.laneId);
    p.resolve();
  });
  const people = demoRosterIds();
  const thermo = deviceModels['k3-ascii'].createSimulator({ seed: 3 });
  const scanner = deviceModels['line-scanner'].createSimulator({ seed: 4 });
  let streaming = true;
  const streams = kiosk.lanes.map(async (lane, i) => {
    const t = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'thermometer')?.simulator;
    const s = kiosk.devices.find((d) => d.laneId === lane.id && d.config.role === 'scanner')?.simulator;
    if (!t || !s) throw new Error(`lane ${lane.id} has no simulated devices`);
    let n = i;
    await sleep((i * 37) % 50);
    while (streaming) {
      s.inject(
        concat(
          scanner.emit({ kind: 'scan', text: people[n++ % people.length] as string }).map((c) => c.bytes),
        ),
      );
      await sleep(5);
      const chunks = thermo.emit({ kind: 'measure', bodyC: 36.0 + (n % 15) / 10 }).map((c) => c.bytes);
      const last = chunks.pop() as Uint8Array;
      t.inject(concat(chunks));
      const done = new Promise<void>((r) => pending.set(lane.id, { t: performance.now(), resolve: r }));
      t.inject(last);
      const entry = pending.get(lane.id);
      if (entry) entry.t = performance.now();
      await Promise.race([done, sleep(2_000)]);
      await sleep(20);
    }
  });

  const phases: ImportPhase[] = [];
  const phase = async (what: string, send: (() => Promise<{ status: number; ms: number }>) | null) => {
    await sleep(300);
    samples = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const answers: { status: number; ms: number }[] = [];
    const end = performance.now() + phaseMs;
    while (performance.now() < end) {
      if (send) answers.push(await send());
      else await sleep(50);
    }
    loop.disable();
    const statuses = [...new Set(answers.map((a) => a.status))];
    phases.push({
      what,
      status: statuses.length === 1 ? (statuses[0] as number) : -1,
      uploads: answers.length,
      answerMs: summarize(answers.map((a) => a.ms)),
      latencyMs: summarize(samples),
      eventLoopDelayMaxMs: round(loop.max / 1e6),
      eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
    });
  };
  const send = (name: string, bytes: Uint8Array, dryRun: boolean) => () =>
    upload(kiosk.url, session, name, bytes, dryRun);
  try {
    await phase('idle', null);
    await phase('300,000-row workbook', send('all.xlsx', files.workbook300k, true));
    await phase('300,000-row CSV', send('all.csv', files.csv300k, true));
    await phase('zip bomb, 350 MB stated as 1 KB', send('bomb.xlsx', files.bomb, true));
    await phase('20,000-row workbook, dry run', send('school.xlsx', files.school, true));
    await phase('20,000-row workbook, import', send('school.xlsx', files.school, false));
  } finally {
    streaming = false;
    await Promise.all(streams);
    client.close();
    await kiosk.stop();
  }
  return { lanes, phases, ownProcess: await measureOwnProcess(dir, files) };
}

/** The bundled command in its own process: its resident memory, and /healthz while it answers uploads. */
async function measureOwnProcess(
  dir: string,
  files: { workbook300k: Uint8Array; csv300k: Uint8Array; bomb: Uint8Array; school: Uint8Array },
): Promise<RosterImportFigures['ownProcess']> {
  const config = join(dir, 'roster-import-own.yaml');
  const data = join(dir, 'roster-import-own-data');
  writeFileSync(
    config,
    JSON.stringify({
      school: { id: 'bench', name: 'Bench' },
      lanes: ['1', '2'].map((id) => ({
        id,
        name: `lane ${id}`,
        devices: [
          { id: `t${id}`, role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
          { id: `s${id}`, role: 'scanner', model: 'line-scanner', port: 'simulated' },
        ],
      })),
      roster: resolve('fixtures/roster/demo-roster.csv'),
      simulation: { autoArrivalsPerMin: 120, freshenRosterStatuses: true },
    }),
  );
  const db = openDatabase(data);
  await new UserStore(db).add('bench-admin', 'admin', 'bench-admin-password');
  const { token } = new DisplayTokenStore(db).add('bench', ['1', '2']);
  db.close();
  const child = spawn(
    'node',
    ['dist/gate-kiosk.js', 'start', '--config', config, '--data', data, '--port', '0'],
    { env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const memory = (key: 'VmRSS' | 'VmHWM') => {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  };
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /serving (http:\/\/[^/\s]+)\//.exec(out);
        if (m?.[1]) done(m[1]);
      });
      child.once('exit', (code) => fail(new Error(`gate-kiosk exited ${code} before serving`)));
    });
    const session = await login(url, 'bench-admin', 'bench-admin-password');
    const client = io(`${url}/display`, { transports: ['websocket'], auth: { token } });
    await new Promise<void>((r) => client.once('connect', () => r()));
    let decisions = 0;
    client.on('lane:update', (u: LaneUpdate) => {
      if (u.state === 'decided') decisions++;
    });
    await sleep(2000);
    const readyRssMB = memory('VmRSS');
    const uploads: OwnProcessFigures[] = [];
    const cases: [string, string, Uint8Array, boolean][] = [
      ['300,000-row workbook', 'all.xlsx', files.workbook300k, true],
      ['300,000-row CSV', 'all.csv', files.csv300k, true],
      ['zip bomb, 350 MB stated as 1 KB', 'bomb.xlsx', files.bomb, true],
      ['20,000-row workbook, dry run', 'school.xlsx', files.school, true],
      ['20,000-row workbook, import', 'school.xlsx', files.school, false],
    ];
    for (const [what, name, bytes, dryRun] of cases) {
      await sleep(500);
      let probing = true;
      let healthzMax = 0;
      const probe = (async () => {
        while (probing) {
          const t0 = performance.now();
          await fetch(`${url}/healthz`);
          healthzMax = Math.max(healthzMax, performance.now() - t0);
          await sleep(10);
        }
      })();
      const before = decisions;
      const answer = await upload(url, session, name, bytes, dryRun);
      probing = false;
      await probe;
      uploads.push({
        what,
        status: answer.status,
        answerMs: Math.round(answer.ms),
        healthzMaxMs: round(healthzMax),
        decisions: decisions - before,
      });
    }
    client.close();
    return { readyRssMB, peakRssMB: memory('VmHWM'), uploads };
  } finally {
    child.kill('SIGTERM');
  }
}

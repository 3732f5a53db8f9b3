// `npm run bench:collector`: the district collector at a province's scale, against a local PostgreSQL
// that syncs its commits. Prints figures (never pass/fail) and writes them to bench/results/collector.json.
// BENCH_COLLECTOR_SCALE (default 1) shrinks every size for a quick look, e.g. 0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { zonedMoment } from '../kiosk/time/zoned.ts';
import { postBatch } from '../kiosk/upload/post-batch.ts';
import { collectorMigrations, migrateCollector } from '../server/collector/migrations.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { type Summary, summarize } from './stats.ts';
import {
  BATCH,
  batchOf,
  KIOSK_TIMEOUT_MS,
  newTally,
  type SendTally,
  sendLikeAKiosk,
} from './storm-kiosks.ts';

const SCALE = Number(process.env.BENCH_COLLECTOR_SCALE ?? 1);
/** BENCH_COLLECTOR_PARTS: which of storm, overview, replay, throughput, upgrade (default all, in that order). */
const parts = new Set(
  (process.env.BENCH_COLLECTOR_PARTS ?? 'storm,overview,replay,throughput,upgrade').split(','),
);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const TIME_ZONE = 'Asia/Shanghai';
const today = zonedMoment(new Date(), TIME_ZONE).date;

interface Collector {
  url: string;
  proc: ChildProcess;
}

/** The collector in its own process, as at a district: its memory and CPU are its own. */
function collectorProcess(databaseUrl: string): Promise<Collector> {
  const modules = (path: string) => JSON.stringify(new URL(`../${path}`, import.meta.url).href);
  const code = `
    import { startCollector } from ${modules('server/collector/collector.ts')};
    import { createLogger } from ${modules('server/logger.ts')};
    const c = await startCollector({ databaseUrl: process.env.DATABASE_URL, port: 0, logger: createLogger('warn') });
    process.stdout.write('collector ' + c.url + '\\n');
    process.once('SIGTERM', () => c.stop().then(() => process.exit(0)));`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /collector (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, proc });
    });
    proc.once('exit', (code) => reject(new Error(`the collector exited (${code}) before serving`)));
  });
}

/** Peak and current resident memory of a process, MB. */
function memoryMB(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: Math.round(kb('VmHWM') / 1024), now: Math.round(kb('VmRSS') / 1024) };
}

/** CPU seconds a process has used (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One batch of a school's kiosk, of today. */
const batchFor = (school: string, kiosk: string, session: string, firstPupil: number) =>
  batchOf(school, kiosk, session, firstPupil, BATCH, today);

/**
 * A reconnect storm from `processes` load processes of `kiosks / processes` kiosks each (kiosks are
 * separate machines: one event loop for all of them would measure itself). Each builds its batches,
 * then all start at the same moment.
 */
async function storm(url: string, kiosks: number, processes: number): Promise<SendTally> {
  const share = Math.ceil(kiosks / processes);
  const procs = Array.from({ length: processes }, (_, i) =>
    spawn(process.execPath, ['--import', 'tsx', new URL('./storm-kiosks.ts', import.meta.url).pathname], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        STORM_URL: url,
        STORM_FIRST: String(i * share),
        STORM_KIOSKS: String(Math.max(0, Math.min(share, kiosks - i * share))),
        STORM_DATE: today,
      },
    }),
  );
  const readers = procs.map((p) => {
    const lines: string[] = [];
    let buffered = '';
    const waiters: (() => void)[] = [];
    p.stdout?.on('data', (c: Buffer) => {
      buffered += c.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        lines.push(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
      for (const w of waiters.splice(0)) w();
    });
    p.once('exit', () => {
      for (const w of waiters.splice(0)) w();
    });
    return async (): Promise<string> => {
      while (lines.length === 0) {
        if (p.exitCode !== null) throw new Error(`a storm process exited (${p.exitCode})`);
        await new Promise<void>((r) => waiters.push(r));
      }
      return lines.shift() as string;
    };
  });
  for (const next of readers)
    if ((await next()) !== 'ready') throw new Error('a storm process did not get ready');
  for (const p of procs) p.stdin?.write('go\n');
  const tallies = await Promise.all(readers.map(async (next) => JSON.parse(await next()) as SendTally));
  const total = newTally();
  for (const t of tallies) {
    total.answered += t.answered;
    total.busy += t.busy;
    total.timeouts += t.timeouts;
    total.broken += t.broken;
    total.latencyMs.push(...t.latencyMs);
    total.maxBusyWaitMs = Math.max(total.maxBusyWaitMs, t.maxBusyWaitMs);
    for (const [m, n] of Object.entries(t.failures)) total.failures[m] = (total.failures[m] ?? 0) + n;
  }
  return total;
}

async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** `kiosks` kiosks each sending `batches` batches of 500 one after another; 4 kiosks per school. */
async function throughput(url: string, kiosks: number, batches: number, tag: string) {
  const tally = newTally();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: kiosks }, async (_, k) => {
      const school = `${tag}-school-${Math.floor(k / 4)}`;
      for (let b = 0; b < batches; b++) {
        await sendLikeAKiosk(url, batchFor(school, `gate-${k % 4}`, `s${b}`, (k % 4) * BATCH), tally);
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return {
    kiosks,
    records: kiosks * batches * BATCH,
    seconds: round(s, 1),
    recordsPerS: Math.round((kiosks * batches * BATCH) / s),
    busy: tally.busy,
    batchMs: summarize(tally.latencyMs),
  };
}

async function timeOverview(url: string, viewers: number, rounds: number): Promise<Summary> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: viewers }, async () => {
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        const res = await fetch(`${url}/v1/district/day?date=${today}`);
        await res.text();
        if (res.status !== 200) throw new Error(`the overview answered ${res.status}`);
        times.push(performance.now() - t0);
      }
    }),
  );
  return summarize(times);
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const fmt = (s: Summary) =>
  `p50 ${s.p50.toFixed(1)} ms p99 ${s.p99.toFixed(1)} ms max ${s.max.toFixed(1)} ms`;

const pgServer = await startPostgres({ durable: true });
const databaseUrl = await pgServer.createDatabase('bench_collector');
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const collector = await collectorProcess(databaseUrl);
const pid = collector.proc.pid as number;
// Stopped early (Ctrl-C): the collector and the database go too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    collector.proc.kill('SIGTERM');
    pgServer.stop().finally(() => process.exit(130));
  });
}
const results: Record<string, unknown> = {
  at: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  scale: SCALE,
};
try {
  console.log(
    `gate-kiosk collector bench · ${cpus().length} cores · PostgreSQL with fsync on, collector in its own process · scale ${SCALE}\n`,
  );

  // 1. A reconnect storm: every kiosk of the district sends its morning's batch at the same moment.
  const stormKiosks = scaled(2000);
  if (parts.has('storm')) {
    console.log(
      `storm: ${stormKiosks} kiosks (4 per school) × ${BATCH} records of ${today} at once, kiosk timeout 30 s`,
    );
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    const stormTally = await storm(collector.url, stormKiosks, 4);
    const stormS = (performance.now() - t0) / 1000;
    const stored = await db.query<{ n: number; distinct: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT (school_id, id))::int AS distinct FROM records',
    );
    const stormFigures = {
      kiosks: stormKiosks,
      records: stormKiosks * BATCH,
      seconds: round(stormS, 1),
      recordsPerS: Math.round((stormKiosks * BATCH) / stormS),
      answered: stormTally.answered,
      busyAnswers: stormTally.busy,
      longestBusyWaitS: round(stormTally.maxBusyWaitMs / 1000, 1),
      timeouts: stormTally.timeouts,
      broken: stormTally.broken,
      stored: stored.rows[0]?.n,
      storedTwice: (stored.rows[0]?.n ?? 0) - (stored.rows[0]?.distinct ?? 0),
      batchMs: summarize(stormTally.latencyMs),
      collectorPeakMB: memoryMB(pid).peak,
      collectorCpuS: round(cpuSeconds(pid) - cpu0, 1),
      /** At the collector: from admission to the answer sent. */
      collectorAnswerMs: (
        (await (await fetch(`${collector.url}/healthz`)).json()) as { uploads: { answerMs: unknown } }
      ).uploads.answerMs,
      failures: stormTally.failures,
    };
    results.storm = stormFigures;
    console.log(
      `  ${stormFigures.records} records in ${stormFigures.seconds} s (${stormFigures.recordsPerS}/s): ${stormFigures.answered} batches answered, ` +
        `${stormFigures.busyAnswers} busy answers (503 + Retry-After, longest wait ${stormFigures.longestBusyWaitS} s), ` +
        `${stormFigures.timeouts} timeouts, ${stormFigures.broken} broken\n` +
        `  stored ${stormFigures.stored}, ${stormFigures.storedTwice} twice; an admitted batch ${fmt(stormFigures.batchMs)}; ` +
        `collector peak ${stormFigures.collectorPeakMB} MB resident, ${stormFigures.collectorCpuS} CPU s; ` +
        `at the collector, admission → answer ${JSON.stringify(stormFigures.collectorAnswerMs)} ms` +
        (Object.keys(stormFigures.failures).length > 0
          ? `\n  failures: ${JSON.stringify(stormFigures.failures)}`
          : ''),
    );
  }
  if (parts.has('overview')) {
    // 2. The overview of that day, then with the day at three checks' worth.
    const at1M = {
      one: await timeOverview(collector.url, 1, 20),
      four: await timeOverview(collector.url, 4, 10),
    };
    console.log(
      `\noverview of a day of ${(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records')).rows[0]?.n} records: one viewer ${fmt(at1M.one)}; four at once ${fmt(at1M.four)}`,
    );
    const fillKiosks = stormKiosks;
    console.log(
      `filling the day with the noon and afternoon checks (${fillKiosks * BATCH * 2} more records, 16 kiosks at a time) ...`,
    );
    const fill = newTally();
    const tFill = performance.now();
    const jobs = ['noon', 'afternoon'].flatMap((session) =>
      Array.from({ length: fillKiosks }, (_, k) => ({ session, k })),
    );
    await inParallel(jobs, 16, async ({ session, k }) => {
      const school = `school-${String(Math.floor(k / 4)).padStart(4, '0')}`;
      await sendLikeAKiosk(collector.url, batchFor(school, `gate-${k % 4}`, session, (k % 4) * BATCH), fill);
    });
    const fillS = (performance.now() - tFill) / 1000;
    const dayRows = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records')).rows[0]?.n ?? 0;
    const size = await db.query<{ records: number; people: number }>(
      `SELECT (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('records'))::float8 / 1048576 AS records,
              (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('check_people'))::float8 / 1048576 AS people`,
    );
    const mbPerMillion = {
      records: Math.round(((size.rows[0]?.records ?? 0) * 1e6) / Math.max(1, dayRows)),
      checkPeople: Math.round(((size.rows[0]?.people ?? 0) * 1e6) / Math.max(1, dayRows)),
    };
    const at3M = {
      one: await timeOverview(collector.url, 1, 20),
      four: await timeOverview(collector.url, 4, 10),
    };
    const tOld = performance.now();
    await db.query(
      `SELECT school_id, count(DISTINCT coalesce(data->>'personId', id)) FILTER (WHERE data->>'decision' NOT IN ('retake', 'not_measured')),
            count(DISTINCT coalesce(data->>'personId', id)) FILTER (WHERE data->>'decision' IN ('fever', 'code_yellow', 'code_red'))
     FROM records WHERE local_date = $1::date AND kind = 'screening' AND NOT data ? 'resolves' GROUP BY school_id`,
      [today],
    );
    const countedS = (performance.now() - tOld) / 1000;
    results.overview = {
      rows1: (results.storm as { stored?: number } | undefined)?.stored,
      at1M,
      rows3: dayRows,
      at3M,
      countedFromRecordsS: round(countedS, 2),
      mbPerMillionRecords: mbPerMillion,
      fillRecordsPerS: Math.round((fillKiosks * BATCH * 2) / fillS),
    };
    console.log(
      `  (${Math.round((fillKiosks * BATCH * 2) / fillS)} records/s)\noverview of a day of ${dayRows} records: one viewer ${fmt(at3M.one)}; four at once ${fmt(at3M.four)}\n` +
        `  for comparison, counting that day from its records instead: ${round(countedS, 2)} s\n` +
        `  on disk per million records: records ${mbPerMillion.records} MB, check_people ${mbPerMillion.checkPeople} MB (with indexes)`,
    );
  }
  if (parts.has('replay')) {
    // 3. A resend: the same bytes (answered from the key), the same records in other bytes, and a first send.
    const sample = batchFor('replay-school', 'gate-1', 'morning', 0);
    const firstTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const b = batchFor(`first-school-${i}`, 'gate-1', 'morning', 0);
      const t = performance.now();
      await postBatch(collector.url, b.batchId, b.body, KIOSK_TIMEOUT_MS);
      firstTimes.push(performance.now() - t);
    }
    await postBatch(collector.url, sample.batchId, sample.body, KIOSK_TIMEOUT_MS);
    const replayCount = 300;
    const replayTimes: number[] = [];
    const cpuR = cpuSeconds(pid);
    for (let i = 0; i < replayCount; i++) {
      const t = performance.now();
      const outcome = await postBatch(collector.url, sample.batchId, sample.body, KIOSK_TIMEOUT_MS);
      replayTimes.push(performance.now() - t);
      if (outcome.kind !== 'answer' || outcome.answer.accepted.length !== BATCH)
        throw new Error('a replay was not answered as at first');
    }
    const replayCpuMs = ((cpuSeconds(pid) - cpuR) * 1000) / replayCount;
    const respaced = JSON.stringify(JSON.parse(sample.body), null, 1);
    const otherBytes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await postBatch(collector.url, sample.batchId, respaced, KIOSK_TIMEOUT_MS);
      otherBytes.push(performance.now() - t);
    }
    // The floor: the same bytes posted where nothing reads them (HTTP and the body on the wire alone).
    const floorTimes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await (await fetch(`${collector.url}/v1/nowhere`, { method: 'POST', body: sample.body })).text();
      floorTimes.push(performance.now() - t);
    }
    results.replay = {
      first: summarize(firstTimes),
      replay: summarize(replayTimes),
      replayCollectorCpuMs: round(replayCpuMs, 2),
      otherBytes: summarize(otherBytes),
      httpFloor: summarize(floorTimes),
    };
    console.log(
      `\na batch of ${BATCH} (${Math.round(sample.body.length / 1024)} KB), one request at a time, time to the answer at the kiosk:\n` +
        `  first send         ${fmt(summarize(firstTimes))}\n` +
        `  resent, same bytes ${fmt(summarize(replayTimes))} (collector CPU ${round(replayCpuMs, 2)} ms each)\n` +
        `  same records, other bytes ${fmt(summarize(otherBytes))}\n` +
        `  (the same bytes posted to a path nobody answers: ${fmt(summarize(floorTimes))})`,
    );
  }
  if (parts.has('throughput')) {
    // 4. Records per second at 1, 10 and 200 kiosks, each sending batches of 500 one after another.
    console.log(`\nthroughput (batches of ${BATCH}, each kiosk one batch at a time):`);
    const rates = [];
    for (const [kiosks, batches] of [
      [1, scaled(40)],
      [10, scaled(10)],
      [200, Math.max(1, scaled(2))],
    ] as const) {
      const r = await throughput(collector.url, kiosks, batches, `tp${kiosks}`);
      rates.push(r);
      console.log(
        `  ${String(kiosks).padStart(3)} kiosks: ${r.recordsPerS} records/s (${r.records} in ${r.seconds} s; a batch ${fmt(r.batchMs)}; ${r.busy} busy)`,
      );
    }
    // The same 10 kiosks while four viewers reload the overview without pause.
    let viewing = true;
    const viewerTimes: number[] = [];
    const viewers = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (viewing) {
          const t = performance.now();
          await (await fetch(`${collector.url}/`)).text();
          viewerTimes.push(performance.now() - t);
        }
      }),
    );
    const watched = await throughput(collector.url, 10, scaled(10), 'tpv');
    viewing = false;
    await viewers;
    rates.push({ ...watched, viewers: 4, pageMs: summarize(viewerTimes) });
    console.log(
      `   10 kiosks with 4 viewers reloading the page: ${watched.recordsPerS} records/s; the page ${fmt(summarize(viewerTimes))}`,
    );
    results.throughput = rates;
  }
  results.collectorPeakMB = memoryMB(pid).peak;

  // 5. Upgrading a collector database of schema 1 that holds a day of records.
  if (parts.has('upgrade')) {
    const rows = scaled(1_000_000);
    const oldUrl = await pgServer.createDatabase('bench_collector_v1');
    const old = new pg.Pool({ connectionString: oldUrl, max: 1 });
    const v1 = collectorMigrations[0] as { version: number; name: string; sql: string };
    await old.query(`CREATE TABLE collector_schema (version integer PRIMARY KEY, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await old.query(v1.sql);
    await old.query('INSERT INTO collector_schema (version, name) VALUES ($1, $2)', [v1.version, v1.name]);
    await old.query(`INSERT INTO schools (id) SELECT 'school-' || n FROM generate_series(0, 499) AS n`);
    await old.query(
      `INSERT INTO records (school_id, id, kind, at, local_date, kiosk_id, batch_key, data)
       SELECT 'school-' || (n % 500), 'r-' || n, 'screening', now() - (n % 3600) * interval '1 second', $2::date,
              'gate-1', 'b-' || (n / 500),
              jsonb_build_object('laneId', '1', 'session', 'morning', 'localDate', $3::text,
                'personId', 'S' || (n / 500), 'temperatureC', 36.5, 'healthCode', 'green',
                'decision', CASE WHEN n % 97 = 0 THEN 'fever' ELSE 'pass' END, 'reasons', '[]'::jsonb)
       FROM generate_series(0, $1 - 1) AS n`,
      [rows, today, today],
    );
    await old.end();
    const migrating = new pg.Pool({ connectionString: oldUrl, max: 1 });
    const tUp = performance.now();
    await migrateCollector(migrating, { timeZone: TIME_ZONE });
    const upgradeS = (performance.now() - tUp) / 1000;
    await migrating.end();
    results.upgrade = { records: rows, seconds: round(upgradeS, 1) };
    console.log(`
upgrade from schema 1 with ${rows} records of a day: ${round(upgradeS, 1)} s`);
  }
} finally {
  await db.end();
  collector.proc.kill('SIGTERM');
  await new Promise((r) => collector.proc.once('exit', r));
  await pgServer.stop();
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/collector.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten to bench/results/collector.json');

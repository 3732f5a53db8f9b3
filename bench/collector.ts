// `npm run bench:collector`: the district collector at a province's scale, against a local PostgreSQL
// that syncs its commits. Prints figures (never pass/fail) and writes them to bench/results/collector.json.
// BENCH_COLLECTOR_SCALE (default 1) shrinks every size for a quick look, e.g. 0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { zonedMoment } from '../kiosk/time/zoned.ts';
import { busyDelayMs, retryDelayMs } from '../kiosk/upload/backoff.ts';
import { batchIdFor } from '../kiosk/upload/batch.ts';
import { postBatch } from '../kiosk/upload/post-batch.ts';
import { startPostgres } from '../tests/helpers/postgres.ts';
import { type Summary, summarize } from './stats.ts';

const SCALE = Number(process.env.BENCH_COLLECTOR_SCALE ?? 1);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const TIME_ZONE = 'Asia/Shanghai';
const today = zonedMoment(new Date(), TIME_ZONE).date;
const KIOSK_TIMEOUT_MS = 30_000;
const BATCH = 500;

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

let recordNo = 0;
/** One kiosk's batch of screenings: each of the school's pupils once at `session`. */
function batchOf(school: string, kiosk: string, session: string, firstPupil: number, size: number) {
  const at = new Date().toISOString();
  const records = Array.from({ length: size }, (_, i) => {
    const n = firstPupil + i;
    return {
      id: `${school}-${session}-${n}-${++recordNo}`,
      kind: 'screening',
      at,
      data: {
        laneId: '1',
        session,
        localDate: today,
        personId: `${school}-S${n}`,
        temperatureC: 36.5,
        temperatureSource: 'device_body',
        objectC: null,
        ambientC: null,
        healthCode: 'green',
        decision: n % 97 === 0 ? 'fever' : 'pass',
        reasons: [],
      },
    };
  });
  const sender = { schoolId: school, kioskId: kiosk };
  const batchId = batchIdFor(
    sender,
    records.map((r) => r.id),
  );
  return {
    batchId,
    body: JSON.stringify({ schoolId: school, kioskId: kiosk, batchId, records }),
    ids: records.map((r) => r.id),
  };
}

interface SendTally {
  answered: number;
  busy: number;
  timeouts: number;
  broken: number;
  latencyMs: number[];
  maxBusyWaitMs: number;
}

/** Sends one batch as a kiosk's uploader does: busy → wait Retry-After (spread); failure → backoff. */
async function sendLikeAKiosk(
  url: string,
  b: { batchId: string; body: string },
  tally: SendTally,
): Promise<void> {
  for (let failures = 0; ; ) {
    const t0 = performance.now();
    const outcome = await postBatch(url, b.batchId, b.body, KIOSK_TIMEOUT_MS);
    if (outcome.kind === 'answer') {
      tally.answered++;
      tally.latencyMs.push(performance.now() - t0);
      return;
    }
    if (outcome.kind === 'busy') {
      tally.busy++;
      const wait = busyDelayMs(outcome.retryAfterMs);
      tally.maxBusyWaitMs = Math.max(tally.maxBusyWaitMs, wait);
      await sleep(wait);
      continue;
    }
    if (outcome.kind === 'failed' && /within/.test(outcome.message)) tally.timeouts++;
    else tally.broken++;
    if (++failures > 20) throw new Error(`a batch failed 20 times: ${JSON.stringify(outcome)}`);
    await sleep(retryDelayMs(failures, { initialMs: 1000, maxMs: 30_000 }));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newTally = (): SendTally => ({
  answered: 0,
  busy: 0,
  timeouts: 0,
  broken: 0,
  latencyMs: [],
  maxBusyWaitMs: 0,
});

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
        await sendLikeAKiosk(url, batchOf(school, `gate-${k % 4}`, `s${b}`, (k % 4) * BATCH, BATCH), tally);
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
  console.log(
    `storm: ${stormKiosks} kiosks (4 per school) × ${BATCH} records of ${today} at once, kiosk timeout 30 s`,
  );
  const storm = newTally();
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: stormKiosks }, (_, k) => {
      const school = `school-${String(Math.floor(k / 4)).padStart(4, '0')}`;
      return sendLikeAKiosk(
        collector.url,
        batchOf(school, `gate-${k % 4}`, 'morning', (k % 4) * BATCH, BATCH),
        storm,
      );
    }),
  );
  const stormS = (performance.now() - t0) / 1000;
  const stored = await db.query<{ n: number; distinct: number }>(
    'SELECT count(*)::int AS n, count(DISTINCT (school_id, id))::int AS distinct FROM records',
  );
  const stormFigures = {
    kiosks: stormKiosks,
    records: stormKiosks * BATCH,
    seconds: round(stormS, 1),
    recordsPerS: Math.round((stormKiosks * BATCH) / stormS),
    answered: storm.answered,
    busyAnswers: storm.busy,
    longestBusyWaitS: round(storm.maxBusyWaitMs / 1000, 1),
    timeouts: storm.timeouts,
    broken: storm.broken,
    stored: stored.rows[0]?.n,
    storedTwice: (stored.rows[0]?.n ?? 0) - (stored.rows[0]?.distinct ?? 0),
    batchMs: summarize(storm.latencyMs),
    collectorPeakMB: memoryMB(pid).peak,
    collectorCpuS: round(cpuSeconds(pid) - cpu0, 1),
  };
  results.storm = stormFigures;
  console.log(
    `  ${stormFigures.records} records in ${stormFigures.seconds} s (${stormFigures.recordsPerS}/s): ${stormFigures.answered} batches answered, ` +
      `${stormFigures.busyAnswers} busy answers (503 + Retry-After, longest wait ${stormFigures.longestBusyWaitS} s), ` +
      `${stormFigures.timeouts} timeouts, ${stormFigures.broken} broken\n` +
      `  stored ${stormFigures.stored}, ${stormFigures.storedTwice} twice; an admitted batch ${fmt(stormFigures.batchMs)}; ` +
      `collector peak ${stormFigures.collectorPeakMB} MB resident, ${stormFigures.collectorCpuS} CPU s`,
  );

  // 2. The overview of that day, then with the day at three checks' worth.
  const at1M = {
    one: await timeOverview(collector.url, 1, 20),
    four: await timeOverview(collector.url, 4, 10),
  };
  console.log(
    `\noverview of a day of ${stormFigures.stored} records: one viewer ${fmt(at1M.one)}; four at once ${fmt(at1M.four)}`,
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
    await sendLikeAKiosk(
      collector.url,
      batchOf(school, `gate-${k % 4}`, session, (k % 4) * BATCH, BATCH),
      fill,
    );
  });
  const fillS = (performance.now() - tFill) / 1000;
  const dayRows = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records')).rows[0]?.n ?? 0;
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
    rows1: stormFigures.stored,
    at1M,
    rows3: dayRows,
    at3M,
    countedFromRecordsS: round(countedS, 2),
    fillRecordsPerS: Math.round((fillKiosks * BATCH * 2) / fillS),
  };
  console.log(
    `  (${Math.round((fillKiosks * BATCH * 2) / fillS)} records/s)\noverview of a day of ${dayRows} records: one viewer ${fmt(at3M.one)}; four at once ${fmt(at3M.four)}\n` +
      `  for comparison, counting that day from its records instead: ${round(countedS, 2)} s`,
  );

  // 3. A resend: the same bytes (answered from the key), the same records in other bytes, and a first send.
  const sample = batchOf('replay-school', 'gate-1', 'morning', 0, BATCH);
  const firstTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const b = batchOf(`first-school-${i}`, 'gate-1', 'morning', 0, BATCH);
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
  results.collectorPeakMB = memoryMB(pid).peak;
} finally {
  await db.end();
  collector.proc.kill('SIGTERM');
  await new Promise((r) => collector.proc.once('exit', r));
  await pgServer.stop();
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/collector.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\nwritten to bench/results/collector.json');

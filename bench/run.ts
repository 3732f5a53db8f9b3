// `npm run bench`: prints figures (never pass/fail) and writes them to bench/results/latest.json.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureBacklogDrain } from './backlog-drain.ts';
import { measureAllCodecs } from './codec-throughput.ts';
import { measureCommand } from './command.ts';
import { measureContinuousIngest } from './continuous-ingest.ts';
import { measureFootprint } from './footprint.ts';
import { type LatencyFigures, measureFrameToDisplay } from './frame-to-display.ts';
import { measurePortOrder, type PortOrderFigures, socatAvailable } from './port-order.ts';
import { measureRosterImport } from './roster-import.ts';

const durationMs = Number(process.env.BENCH_SECONDS ?? 6) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'gk-bench-'));
try {
  console.log(
    `gate-kiosk bench · node ${process.version} · ${cpus().length} cores · ${new Date().toISOString()}\n`,
  );
  // A relay only receives: it has nothing to decode.
  const codecs = measureAllCodecs().filter((c) => c.model !== 'lcus-relay');
  console.log('codec decode (real device output, 64-byte chunks, best of 5)');
  for (const c of codecs) {
    console.log(
      `  ${c.model.padEnd(14)} ${String(c.framesPerS).padStart(10)} frames/s  ${String(c.eventsPerS).padStart(9)} events/s  ${c.mbPerS} MB/s`,
    );
  }

  console.log(
    `\nframe → display: last byte at the serial port → lane:update at a socket.io client (incl. SQLite commit, synchronous=FULL), ${durationMs / 1000} s per run`,
  );
  const latency: LatencyFigures[] = [];
  for (const lanes of [1, 4, 16]) {
    const f = await measureFrameToDisplay(lanes, dir, durationMs);
    latency.push(f);
    const l = f.latencyMs;
    console.log(
      `  ${String(lanes).padStart(2)} lanes: p50 ${l.p50.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  max ${l.max.toFixed(2)} ms` +
        `  (${f.decisions} decisions, ${f.decisionsPerS}/s, ${f.decisionsPerFsync} per fsync, ${f.orderUnknown} order unknown; ` +
        `event-loop delay p99 ${f.eventLoopDelayP99Ms} ms max ${f.eventLoopDelayMaxMs} ms; ready in ${f.readyMs} ms; rss ${f.rssMB} MB)`,
    );
  }

  console.log(
    `\nport order: a scan written into one socat pty 5 ms before its reading is written into another, 100 pairs/s per lane, read by the kiosk's reader thread alone, ${durationMs / 1000} s per run`,
  );
  const portOrder: PortOrderFigures[] = [];
  if (!socatAvailable()) console.log('  skipped: socat is missing (apt-get install -y socat)');
  else {
    for (const busy of [0, 2]) {
      for (const lanes of [1, 4, 16]) {
        const o = await measurePortOrder(lanes, durationMs, busy);
        portOrder.push(o);
        console.log(
          `  ${String(lanes).padStart(2)} lanes, ${busy} other busy processes: ${o.scanAfterReading} of ${o.pairs} scans read after their own reading ` +
            `(up to ${o.maxLateMs} ms), ${o.sameTurn} in the same turn, ${o.nextScanFirst} next scans before the reading`,
        );
      }
    }
  }

  console.log(
    '\nframe → display, the SQLite file plain and encrypted (SQLCipher 4: AES-256, HMAC-SHA512 per page), runs alternating',
  );
  const keyFile = join(dir, 'bench.key');
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const encryption: LatencyFigures[] = [];
  for (const lanes of [4, 16]) {
    for (const keyed of [false, true, false, true]) {
      const f = await measureFrameToDisplay(lanes, dir, durationMs, keyed ? { keyFile } : {});
      encryption.push(f);
      const l = f.latencyMs;
      console.log(
        `  ${String(lanes).padStart(2)} lanes ${keyed ? 'encrypted' : 'plain    '}: p50 ${l.p50.toFixed(2)} ms  p99 ${l.p99.toFixed(2)} ms  max ${l.max.toFixed(2)} ms` +
          `  CPU ${f.cpuMsPerDecision.toFixed(2)} ms/decision  (${f.decisions} decisions; ready in ${f.readyMs} ms)`,
      );
    }
  }

  console.log(
    `\ncontinuous ingest: gy-mcu90614 at 115200 baud, transport + codec + presence detection, ${durationMs / 1000} s`,
  );
  const ingest = await measureContinuousIngest(16, dir, durationMs);
  console.log(
    `  ${ingest.lanes} lanes × ${ingest.framesPerSPerLane} frames/s: ${ingest.keptUp ? 'kept up' : 'FELL BEHIND'} ` +
      `(${ingest.framesDecoded}/${ingest.framesSent} frames decoded), CPU ${ingest.cpuPercentOfOneCore}% of one core, ` +
      `event-loop delay p99 ${ingest.eventLoopDelayP99Ms} ms, ${ingest.readingsMeasured} readings measured`,
  );

  console.log(
    '\nbacklog drain: 100,000 waiting records → collector (own process) → PostgreSQL (fsync on), 4 lanes streaming',
  );
  const drain = await measureBacklogDrain(dir);
  const idle = drain.latencyIdleMs;
  const busy = drain.latencyDrainingMs;
  console.log(
    `  ${drain.records} records in ${(drain.drainMs / 1000).toFixed(1)} s: ${drain.recordsPerS} records/s (batches of ${drain.batchSize})\n` +
      `  frame → display idle p50 ${idle.p50.toFixed(2)} ms p99 ${idle.p99.toFixed(2)} ms; while draining p50 ${busy.p50.toFixed(2)} ms ` +
      `p99 ${busy.p99.toFixed(2)} ms max ${busy.max.toFixed(2)} ms; event-loop delay p99 ${drain.eventLoopDelayP99Ms} ms`,
  );

  const footprint = await measureFootprint(dir);
  console.log(
    `\nfootprint: \`gate-kiosk start\` with ${footprint.lanes} forehead lanes streaming, its own process: ` +
      `ready in ${footprint.readyMs} ms, ${footprint.rssMB} MB resident`,
  );

  const roster = await measureRosterImport(dir, Math.max(3000, durationMs / 2));
  console.log(
    `\nroster uploads while ${roster.lanes} lanes stream arrivals (kiosk from the sources, this process): one upload after another for each`,
  );
  for (const p of roster.phases) {
    const answer = p.uploads
      ? `${p.uploads} × HTTP ${p.status}, answered p50 ${p.answerMs.p50.toFixed(0)} ms max ${p.answerMs.max.toFixed(0)} ms; `
      : '';
    console.log(
      `  ${p.what.padEnd(32)} ${answer}frame → display p50 ${p.latencyMs.p50.toFixed(2)} ms p99 ${p.latencyMs.p99.toFixed(2)} ms ` +
        `max ${p.latencyMs.max.toFixed(2)} ms (${p.latencyMs.n}); event-loop delay p99 ${p.eventLoopDelayP99Ms} ms max ${p.eventLoopDelayMaxMs} ms`,
    );
  }
  const own = roster.ownProcess;
  console.log(
    `  the bundled \`gate-kiosk start\` as its own process (2 lanes, simulated arrivals): ${own.readyRssMB} MB resident when ready, ` +
      `${own.peakRssMB} MB at its peak after these uploads`,
  );
  for (const u of own.uploads) {
    console.log(
      `    ${u.what.padEnd(32)} HTTP ${u.status} in ${u.answerMs} ms; /healthz max ${u.healthzMaxMs} ms; ${u.decisions} decisions meanwhile`,
    );
  }

  const command = await measureCommand(dir);
  console.log(
    '\nthe command (the demo, a data folder that has run before; medians): ' +
      `\`gate-kiosk --version\` ${command.versionMs.bin} ms (through npx ${command.versionMs.npx} ms); ` +
      `\`npx gate-kiosk start\` ready in ${command.readyMs.npx} ms, \`gate-kiosk start\` (the bundle) ${command.readyMs.bin} ms, ` +
      `the sources through tsx ${command.readyMs.sources} ms`,
  );

  const results = {
    at: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    codecs,
    latency,
    portOrder,
    encryption,
    ingest,
    drain,
    footprint,
    roster,
    command,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten to bench/results/latest.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

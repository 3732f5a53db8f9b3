// Port order: how often the kiosk's own reader thread reads a scanner's line after the reading that
// was written into another port 5 ms after it. Each port is a socat pty pair, as in the side-by-side
// harness; the reader is drivers/transport/serial-reader.ts and nothing else runs in this process.
// The figure behind rules.portSkewMs (docs/pairing.md): two ports do not keep the order of their bytes.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialReaderThread } from '../drivers/transport/serial-reader-thread.ts';
import { startWorker } from '../kiosk/threads/start-worker.ts';

export interface PortOrderFigures {
  lanes: number;
  /** Other processes keeping a core busy. */
  busy: number;
  /** Scan-reading pairs written, each scan 5 ms before its reading, the next scan 5 ms after it. */
  pairs: number;
  /** The scan came in a later turn than its reading: nothing read could tell it from a scan in order. */
  scanAfterReading: number;
  /** Read in the same turn: known to be of no known order. */
  sameTurn: number;
  /** The next pair's scan came before this reading. */
  nextScanFirst: number;
  /** The most a scan came after its own reading. */
  maxLateMs: number;
}

interface Lane {
  scanner: { proc: ChildProcess; fd: number; device: string };
  thermo: { proc: ChildProcess; fd: number; device: string };
  g: number;
  lastScan: { g: number; turn: number };
  lastReading: { g: number; turn: number; atMs: number };
  readingAt: Map<number, { atMs: number; turn: number }>;
}

export function socatAvailable(): boolean {
  return !spawnSync('socat', ['-V']).error;
}

async function ptyPair(
  dir: string,
  name: string,
): Promise<{ proc: ChildProcess; fd: number; device: string }> {
  const writer = join(dir, `${name}-w`);
  const device = join(dir, `${name}-d`);
  const proc = spawn('socat', [`pty,raw,echo=0,link=${writer}`, `pty,raw,echo=0,link=${device}`], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 5_000;
  while (!(existsSync(writer) && existsSync(device))) {
    if (Date.now() > deadline) throw new Error(`socat did not create ${writer}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    proc,
    fd: openSync(writer, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK),
    device,
  };
}

/**
 * `busy`: that many other processes keep a core busy meanwhile (3 ms of work, then 1 ms asleep), as
 * the kiosk's own threads and the harness do.
 */
export async function measurePortOrder(
  lanes: number,
  durationMs: number,
  busy = 0,
  ratePerS = 100,
): Promise<PortOrderFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'gk-order-'));
  const burners = Array.from({ length: busy }, () =>
    spawn(
      process.execPath,
      [
        '-e',
        'const s = new Int32Array(new SharedArrayBuffer(4)); for (;;) { const t = Date.now(); while (Date.now() - t < 3); Atomics.wait(s, 0, 0, 1); }',
      ],
      { stdio: 'ignore' },
    ),
  );
  const reader = new SerialReaderThread(() =>
    startWorker(new URL('../server/serial-reader', import.meta.url), import.meta.url, {
      name: 'serial reader',
    }),
  );
  const all: Lane[] = [];
  const figures: PortOrderFigures = {
    lanes,
    busy,
    pairs: 0,
    scanAfterReading: 0,
    sameTurn: 0,
    nextScanFirst: 0,
    maxLateMs: 0,
  };
  try {
    for (let i = 0; i < lanes; i++) {
      all.push({
        scanner: await ptyPair(dir, `s${i}`),
        thermo: await ptyPair(dir, `t${i}`),
        g: 0,
        lastScan: { g: 0, turn: 0 },
        lastReading: { g: 0, turn: 0, atMs: 0 },
        readingAt: new Map(),
      });
    }
    for (const lane of all) {
      for (const kind of ['scan', 'reading'] as const) {
        let rest = '';
        await reader.attach(kind === 'scan' ? lane.scanner.device : lane.thermo.device, {
          gone: () => {},
          chunk: (bytes, stamp) => {
            rest += bytes.toString('latin1');
            for (let k = rest.indexOf('\n'); k >= 0; k = rest.indexOf('\n')) {
              const g = Number(rest.slice(1, k).trim());
              rest = rest.slice(k + 1);
              if (kind === 'reading') {
                if (lane.lastScan.g > g) figures.nextScanFirst++;
                lane.lastReading = { g, turn: stamp.turn, atMs: stamp.atMs };
                lane.readingAt.set(g, stamp);
                continue;
              }
              lane.lastScan = { g, turn: stamp.turn };
              const own = lane.readingAt.get(g);
              if (!own) continue;
              if (own.turn === stamp.turn) figures.sameTurn++;
              else figures.scanAfterReading++;
              figures.maxLateMs = Math.max(figures.maxLateMs, stamp.atMs - own.atMs);
            }
          },
        });
      }
    }
    await new Promise((r) => setTimeout(r, 300));
    // The harness's schedule: a scan, its reading 5 ms later, the next scan 5 ms after that; lanes staggered.
    const period = 1000 / ratePerS;
    const start = performance.now() + 5;
    const end = start + durationMs;
    const plan = all.map((lane, i) => ({ lane, next: start + (i / lanes) * period, due: 0 }));
    await new Promise<void>((resolve) => {
      const tick = () => {
        let wake = Number.POSITIVE_INFINITY;
        const now = performance.now();
        for (const p of plan) {
          if (p.due && now >= p.due) {
            writeSync(p.lane.thermo.fd, `R${p.lane.g}\r\n`);
            p.due = 0;
            figures.pairs++;
          }
          if (!p.due && p.next < end && now >= p.next) {
            p.lane.g++;
            writeSync(p.lane.scanner.fd, `S${p.lane.g}\r\n`);
            p.due = p.next + Math.min(5, period / 2);
            p.next = Math.max(p.next + period, p.due + Math.min(5, period / 2));
          }
          if (p.due) wake = Math.min(wake, p.due);
          else if (p.next < end) wake = Math.min(wake, p.next);
        }
        if (wake === Number.POSITIVE_INFINITY) resolve();
        else setTimeout(tick, Math.max(0, wake - performance.now()));
      };
      tick();
    });
    await new Promise((r) => setTimeout(r, 300));
    figures.maxLateMs = Math.round(figures.maxLateMs * 10) / 10;
    return figures;
  } finally {
    for (const b of burners) b.kill('SIGKILL');
    await reader.stop();
    for (const lane of all) {
      for (const end of [lane.scanner, lane.thermo]) {
        closeSync(end.fd);
        end.proc.kill('SIGTERM');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

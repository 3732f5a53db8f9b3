// A share of a reconnect storm in a process of its own: STORM_KIOSKS kiosks from STORM_FIRST, each with
// one batch of 500 screenings, sent as the kiosk's uploader sends (the same postBatch, Retry-After and
// backoff). Prints "ready" once every body is built, starts on a line on stdin, and prints its tally
// as one JSON line at the end.
import { createInterface } from 'node:readline';
import { busyDelayMs, retryDelayMs } from '../kiosk/upload/backoff.ts';
import { batchIdFor } from '../kiosk/upload/batch.ts';
import { postBatch } from '../kiosk/upload/post-batch.ts';

export const BATCH = 500;
export const KIOSK_TIMEOUT_MS = 30_000;

export interface SendTally {
  answered: number;
  busy: number;
  timeouts: number;
  broken: number;
  latencyMs: number[];
  maxBusyWaitMs: number;
  /** Failures by message, for a look at what went wrong. */
  failures: Record<string, number>;
}

export const newTally = (): SendTally => ({
  answered: 0,
  busy: 0,
  timeouts: 0,
  broken: 0,
  latencyMs: [],
  maxBusyWaitMs: 0,
  failures: {},
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let recordNo = 0;
/** One kiosk's batch of screenings: pupils `firstPupil`… of the school, once each at `session`. */
export function batchOf(
  school: string,
  kiosk: string,
  session: string,
  firstPupil: number,
  size: number,
  localDate: string,
): { batchId: string; body: string } {
  const at = new Date().toISOString();
  const records = Array.from({ length: size }, (_, i) => {
    const n = firstPupil + i;
    return {
      id: `${school}-${session}-${n}-${process.pid}-${++recordNo}`,
      kind: 'screening',
      at,
      data: {
        laneId: '1',
        session,
        localDate,
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
  const batchId = batchIdFor(
    { schoolId: school, kioskId: kiosk },
    records.map((r) => r.id),
  );
  return { batchId, body: JSON.stringify({ schoolId: school, kioskId: kiosk, batchId, records }) };
}

/** Sends one batch as a kiosk's uploader does: busy → wait for Retry-After (spread); failure → backoff. */
export async function sendLikeAKiosk(
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
    const message = outcome.message.replace(/https?:\/\/\S+/g, 'URL').replace(/\d+ ms/, 'N ms');
    tally.failures[message] = (tally.failures[message] ?? 0) + 1;
    if (/within/.test(outcome.message)) tally.timeouts++;
    else tally.broken++;
    if (++failures > 20) throw new Error(`a batch failed 20 times: ${outcome.message}`);
    await sleep(retryDelayMs(failures, { initialMs: 1000, maxMs: 30_000 }));
  }
}

if (process.env.STORM_URL) {
  const url = process.env.STORM_URL;
  const first = Number(process.env.STORM_FIRST);
  const count = Number(process.env.STORM_KIOSKS);
  const localDate = process.env.STORM_DATE as string;
  const batches = Array.from({ length: count }, (_, i) => {
    const k = first + i;
    return batchOf(
      `school-${String(Math.floor(k / 4)).padStart(4, '0')}`,
      `gate-${k % 4}`,
      'morning',
      (k % 4) * BATCH,
      BATCH,
      localDate,
    );
  });
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((go) => lines.once('line', () => go()));
  const tally = newTally();
  await Promise.all(batches.map((b) => sendLikeAKiosk(url, b, tally)));
  process.stdout.write(`${JSON.stringify(tally)}\n`);
  lines.close();
}

// The worker thread `readRosterOffThread` starts: reads one roster file and posts what it read.
import { parentPort, workerData } from 'node:worker_threads';
import type { RosterLimits } from './roster-limits.ts';
import { readRoster } from './roster-read.ts';

const job = workerData as { bytes: Uint8Array; timeZone: string; limits: RosterLimits };
parentPort?.postMessage(await readRoster(job.bytes, job.timeZone, job.limits));

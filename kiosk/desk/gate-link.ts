import { readFileSync } from 'node:fs';
import type { KioskConfig } from '../config/schema.ts';
import type { RetryBackoff } from '../upload/backoff.ts';
import type { BatchTransport } from '../upload/post-batch.ts';
import { type DeskFetch, deskFetch } from './desk-fetch.ts';

/** The gate's token file is missing, unreadable or empty. */
export class GateTokenError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'GateTokenError';
  }
}

export function readGateToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new GateTokenError(
      `读不出大门令牌文件 desk.tokenFile（${file}）：${(err as Error).message}`,
      `cannot read the gate token file desk.tokenFile (${file}): ${(err as Error).message}`,
    );
  }
  if (!token) {
    throw new GateTokenError(
      `大门令牌文件 desk.tokenFile（${file}）是空的：写入总台 gate add 打印的令牌`,
      `the gate token file desk.tokenFile (${file}) is empty: put in the token gate add printed on the desk`,
    );
  }
  return token;
}

/** Where a kiosk's records go: the district's collector, or (a gate) its desk. */
export interface UploadTarget {
  endpoint: string | null;
  batchSize: number;
  /** The desk reads batches as JSON of at most 64 kB. */
  maxBatchBytes?: number;
  /** A gate says "nothing left" often, so the desk knows soon that all it made is in. */
  heartbeatMs?: number;
  /** The desk is on the school's own network: a gate tries again within seconds, not minutes. */
  backoff?: RetryBackoff;
  transport?: BatchTransport;
}

export interface GateLink {
  url: string;
  token: string;
  fetch: DeskFetch;
}

/** The gate's link to its desk, from `desk` in the config; null on a kiosk that is no gate. */
export function gateLinkOf(config: Pick<KioskConfig, 'desk'>): GateLink | null {
  if (!config.desk) return null;
  return {
    url: config.desk.url.replace(/\/+$/, ''),
    token: readGateToken(config.desk.tokenFile),
    fetch: deskFetch(config.desk.pinnedCert),
  };
}

export const GATE_MAX_BATCH_BYTES = 60_000;
export const GATE_HEARTBEAT_MS = 5_000;
export const GATE_BACKOFF: RetryBackoff = { initialMs: 1000, maxMs: 15_000 };

export function uploadTargetOf(config: Pick<KioskConfig, 'upload'>, link: GateLink | null): UploadTarget {
  if (!link) {
    return { endpoint: config.upload?.endpoint ?? null, batchSize: config.upload?.batchSize ?? 500 };
  }
  return {
    endpoint: link.url,
    batchSize: 150,
    maxBatchBytes: GATE_MAX_BATCH_BYTES,
    heartbeatMs: GATE_HEARTBEAT_MS,
    backoff: GATE_BACKOFF,
    transport: {
      path: '/v1/gate/batches',
      headers: { authorization: `Bearer ${link.token}` },
      fetch: link.fetch,
    },
  };
}

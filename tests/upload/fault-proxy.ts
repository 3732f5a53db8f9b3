import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What goes wrong with one request between the kiosk and the collector:
 * - `reset`: the connection is dropped before anything is read;
 * - `error500`: a 500 without the collector seeing the batch;
 * - `error500AfterStoring`: the collector stores the batch, then the kiosk gets a 500;
 * - `slow`: the collector stores the batch and the answer comes after the kiosk stopped waiting;
 * - `cutMidAnswer`: the collector stores the batch and the connection closes halfway through the answer;
 * - `partial`: the collector is given (and answers for) only the first half of the records;
 * - `captivePortal`: a 200 with an HTML page instead of an answer;
 * - `busy`: a 503 with `Retry-After: busyRetryAfter`, the collector never seeing the batch.
 */
export type Fault =
  | 'reset'
  | 'error500'
  | 'error500AfterStoring'
  | 'slow'
  | 'cutMidAnswer'
  | 'partial'
  | 'captivePortal'
  | 'busy';

export interface SeenRequest {
  batchId: string;
  recordIds: string[];
  fault: Fault | null;
  /** When the request came (ms since the epoch). */
  at: number;
}

/** An HTTP proxy in front of a real collector that injects faults, one per request, from a queue. */
export class FaultProxy {
  readonly faults: Fault[] = [];
  readonly seen: SeenRequest[] = [];
  slowMs = 1000;
  busyRetryAfter = '1';
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(private readonly target: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  /** Listens (again) on the same port as before, or a free one the first time. */
  async up(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => resolve());
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Nothing listens any more: connections are refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests that carried records (heartbeats left out). */
  get batches(): SeenRequest[] {
    return this.seen.filter((s) => s.recordIds.length > 0);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = JSON.parse(text) as { batchId: string; records: { id: string }[] };
    const recordIds = body.records.map((r) => r.id);
    const fault = recordIds.length > 0 ? (this.faults.shift() ?? null) : null;
    this.seen.push({ batchId: body.batchId, recordIds, fault, at: Date.now() });
    const key = req.headers['idempotency-key'] as string;
    switch (fault) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'error500':
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"internal"}}');
        return;
      case 'busy':
        res
          .writeHead(503, { 'content-type': 'application/json', 'retry-after': this.busyRetryAfter })
          .end('{"error":{"code":"busy","message":"the collector is busy"}}');
        return;
      case 'captivePortal':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>请登录 Wi-Fi</body></html>');
        return;
      case 'partial': {
        const half = {
          ...body,
          batchId: `${body.batchId}-part`,
          records: body.records.slice(0, Math.ceil(body.records.length / 2)),
        };
        const answer = await this.forward(JSON.stringify(half), `${key}-part`);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.text);
        return;
      }
      default:
        break;
    }
    const answer = await this.forward(text, key);
    if (fault === 'error500AfterStoring') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream timed out');
    } else if (fault === 'slow') {
      await new Promise((r) => setTimeout(r, this.slowMs));
      if (!res.destroyed)
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.text);
    } else if (fault === 'cutMidAnswer') {
      const bytes = Buffer.from(answer.text);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setTimeout(() => res.socket?.destroy(), 20);
    } else {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.text);
    }
  }

  private async forward(body: string, key: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.target}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body,
    });
    return { status: res.status, text: await res.text() };
  }
}

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { type Socket as ClientSocket, io } from 'socket.io-client';
import { gateKiosk } from './cli.ts';
import { tempDir } from './kiosk.ts';
import { KioskProcess } from './kiosk-process.ts';

export const SCHOOL_ID = 'multi-gate-school';
const PASSWORD = 'school-test-password-long';

const lanes = (prefix: string) =>
  ['1', '2'].map((id) => ({
    id,
    name: `${prefix} ${id}`,
    grades: id === '1' ? [1, 2, 3] : [4, 5, 6],
    devices: [
      { id: `t${id}`, role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
      { id: `s${id}`, role: 'scanner', model: 'line-scanner', port: 'simulated' },
    ],
  }));

/** A kiosk started as its own process (`gate-kiosk start`), logged in as an admin. */
export class SchoolKiosk extends KioskProcess {
  cookie = '';
  csrf = '';

  /** Started and logged in (an https kiosk with a certificate of its own is only started). */
  static async begin(config: string, data: string, port = 0): Promise<SchoolKiosk> {
    const { proc, url } = await KioskProcess.spawnKiosk(config, data, port);
    const k = new SchoolKiosk(proc, url);
    if (url.startsWith('http:')) await k.login();
    return k;
  }

  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }

  private async login(): Promise<void> {
    const res = await fetch(`${this.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'school-admin', password: PASSWORD }),
    });
    if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
    this.cookie = `gk_session=${/gk_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]}`;
    this.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { headers: { cookie: this.cookie } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie, 'x-csrf-token': this.csrf },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** A socket.io namespace of this kiosk, opened with the admin's session. */
  async socket(namespace: '/nurse' | '/display'): Promise<ClientSocket> {
    const socket = io(`${this.url}${namespace}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: this.cookie },
    });
    await new Promise<void>((done, fail) => {
      socket.once('connect', () => done());
      socket.once('connect_error', fail);
    });
    return socket;
  }

  /** A person scans and is measured on a simulated lane. */
  async arrive(laneId: string, identity: string, temperatureC: number): Promise<void> {
    const r = await this.post(`/api/sim/lanes/${laneId}/arrivals`, { identity, temperatureC });
    if (r.status !== 202) throw new Error(`arrival: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

export interface SchoolFiles {
  root: string;
  desk: { config: string; data: string };
  gates: { id: string; name: string; config: string; data: string; token: string }[];
  remove(): void;
}

/**
 * A desk (roster, two lanes of its own) and gates that name it, on one machine: config files, data
 * folders, an admin on each, and each gate's token made on the desk with `gate add`. The desk's
 * address must be known before the gates' configs are written, so the desk gets a fixed port.
 */
export async function makeSchool(opts: {
  deskPort: number;
  gates: { id: string; name: string }[];
  sessions?: unknown[];
  deskTls?: { cert: string; key: string };
  pinnedCert?: string;
  /** The desk's upload to the district. */
  deskUpload?: { endpoint: string; batchSize: number };
  /** A gate reaches the desk at another port (a link the test can cut). */
  gatePorts?: Record<string, number>;
}): Promise<SchoolFiles> {
  const dir = tempDir('gk-school-');
  const root = dir.path;
  const deskData = join(root, 'desk-data');
  const deskConfig = join(root, 'desk.yaml');
  const scheme = opts.deskTls ? 'https' : 'http';
  const common = {
    rules: { pairWindowS: 10, decisionHoldS: 1 },
    sessions: opts.sessions ?? [],
  };
  writeFileSync(
    deskConfig,
    JSON.stringify({
      school: { id: SCHOOL_ID, name: '多门测试学校', timezone: 'Asia/Shanghai' },
      ...common,
      lanes: lanes('总台'),
      roster: resolve('fixtures/roster/test-roster.csv'),
      simulation: { freshenRosterStatuses: true },
      ...(opts.deskTls ? { server: { tls: opts.deskTls } } : {}),
      ...(opts.deskUpload ? { upload: opts.deskUpload } : {}),
    }),
  );
  await addAdmin(deskConfig, deskData);
  const gates: SchoolFiles['gates'] = [];
  for (const g of opts.gates) {
    const added = await gateKiosk([
      'gate',
      'add',
      '--id',
      g.id,
      '--name',
      g.name,
      '--config',
      deskConfig,
      '--data',
      deskData,
    ]);
    if (added.code !== 0) throw new Error(`gate add: ${added.stderr}`);
    const token = added.stdout.trim().split('\n').at(-1) as string;
    const data = join(root, `${g.id}-data`);
    mkdirSync(data, { recursive: true });
    const tokenFile = join(root, `${g.id}.token`);
    writeFileSync(tokenFile, `${token}\n`);
    chmodSync(tokenFile, 0o600);
    const config = join(root, `${g.id}.yaml`);
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: SCHOOL_ID, name: '多门测试学校', timezone: 'Asia/Shanghai' },
        ...common,
        lanes: lanes(g.name),
        desk: {
          url: `${scheme}://127.0.0.1:${opts.gatePorts?.[g.id] ?? opts.deskPort}`,
          tokenFile,
          ...(opts.pinnedCert ? { pinnedCert: opts.pinnedCert } : {}),
        },
      }),
    );
    await addAdmin(config, data);
    gates.push({ ...g, config, data, token });
  }
  return { root, desk: { config: deskConfig, data: deskData }, gates, remove: dir.remove };
}

async function addAdmin(config: string, data: string): Promise<void> {
  const r = await gateKiosk(
    ['user', 'add', '--name', 'school-admin', '--role', 'admin', '--config', config, '--data', data],
    {
      input: `${PASSWORD}\n`,
    },
  );
  if (r.code !== 0) throw new Error(`user add: ${r.stderr}`);
}

/** A free TCP port on this machine. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
    s.on('error', fail);
  });
}

/** A TCP link between a gate and its desk that the test can cut and heal. */
export class CuttableLink {
  private cut = false;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async open(port: number, target: number): Promise<CuttableLink> {
    let link: CuttableLink | null = null;
    const server = createServer((inbound) => {
      if (!link || link.cut) {
        inbound.destroy();
        return;
      }
      const outbound = connect(target, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        link.sockets.add(s);
        s.on('close', () => link?.sockets.delete(s));
        s.on('error', () => {});
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    link = new CuttableLink(server);
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    return link;
  }

  /** Drops every connection and refuses new ones, as a pulled cable would. */
  sever(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  heal(): void {
    this.cut = false;
  }

  close(): Promise<void> {
    this.sever();
    return new Promise((done) => this.server.close(() => done()));
  }
}

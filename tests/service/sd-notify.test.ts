import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';
import { PtyPair } from '../helpers/pty-pair.ts';

/** What systemd would receive on $NOTIFY_SOCKET: each datagram, stamped when it arrived. */
class NotifySocket {
  readonly messages: { at: number; text: string }[] = [];
  private readonly proc: ChildProcess;

  constructor(readonly path: string) {
    // One line per datagram (newlines inside a message become spaces).
    const script =
      'use Socket; socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or die "socket: $!"; ' +
      'bind($s, pack_sockaddr_un($ARGV[0])) or die "bind: $!"; $| = 1; print "bound\\n"; ' +
      'while (defined(recv($s, my $m, 65536, 0))) { $m =~ s/\\n/ /g; print "$m\\n"; }';
    this.proc = spawn('perl', ['-e', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let rest = '';
    this.proc.stdout?.on('data', (c: Buffer) => {
      const lines = (rest + c.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) this.messages.push({ at: Date.now(), text });
    });
  }

  async bound(): Promise<void> {
    await waitUntil(() => this.messages.some((m) => m.text === 'bound'), 5000, 'the notify socket');
  }

  count(text: string, from = 0, to = Number.POSITIVE_INFINITY): number {
    return this.messages.filter((m) => m.text.includes(text) && m.at >= from && m.at <= to).length;
  }

  close(): void {
    this.proc.kill('SIGTERM');
  }
}

interface Kiosk {
  proc: ChildProcess;
  log: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function startKiosk(config: string, data: string, env: NodeJS.ProcessEnv): Kiosk {
  const proc = spawn(process.execPath, [BIN, 'start', '--config', config, '--data', data, '--port', '0'], {
    env: { ...process.env, LOG_LEVEL: 'info', GATE_KIOSK_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: Record<string, unknown>[] = [];
  let rest = '';
  proc.stdout?.on('data', (c: Buffer) => {
    const lines = (rest + c.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) log.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
  return { proc, log, exited };
}

describe('systemd notification and watchdog (Type=notify, WatchdogSec)', () => {
  const dir = tempDir('gk-notify-');
  const thermometer = new PtyPair(join(dir.path, 'ttyKioskT'), join(dir.path, 'ttyDeviceT'));
  const scanner = new PtyPair(join(dir.path, 'ttyKioskS'), join(dir.path, 'ttyDeviceS'));
  const sockets: NotifySocket[] = [];
  const kiosks: Kiosk[] = [];
  let lookup: Server | null = null;
  afterAll(async () => {
    for (const k of kiosks) if (k.proc.exitCode === null) k.proc.kill('SIGKILL');
    for (const s of sockets) s.close();
    lookup?.closeAllConnections();
    lookup?.close();
    await thermometer.close();
    await scanner.close();
    dir.remove();
  });

  it('says READY=1, WATCHDOG=1 at half the interval, and STOPPING=1 on the way out', async () => {
    const socket = new NotifySocket(join(dir.path, 'notify-1'));
    sockets.push(socket);
    await socket.bound();
    const kiosk = startKiosk('fixtures/config/test.yaml', join(dir.path, 'data-1'), {
      NOTIFY_SOCKET: socket.path,
      WATCHDOG_USEC: '1000000',
    });
    kiosks.push(kiosk);
    await waitUntil(() => socket.count('READY=1') === 1, 20_000, 'READY=1');
    expect(socket.messages.find((m) => m.text.startsWith('READY=1'))?.text).toMatch(
      /^READY=1 STATUS=serving http:\/\/127\.0\.0\.1:\d+, 2 lanes$/,
    );
    await waitUntil(() => socket.count('WATCHDOG=1') >= 3, 10_000, 'three watchdog messages');
    kiosk.proc.kill('SIGTERM');
    expect(await kiosk.exited).toBe(0);
    await waitUntil(() => socket.count('STOPPING=1') === 1, 5_000, 'STOPPING=1');
    expect(socket.messages.at(-1)?.text).toBe('STOPPING=1');
  });

  it('feeds no watchdog that watches another process', async () => {
    const socket = new NotifySocket(join(dir.path, 'notify-2'));
    sockets.push(socket);
    await socket.bound();
    const kiosk = startKiosk('fixtures/config/test.yaml', join(dir.path, 'data-2'), {
      NOTIFY_SOCKET: socket.path,
      WATCHDOG_USEC: '200000',
      WATCHDOG_PID: '1',
    });
    kiosks.push(kiosk);
    await waitUntil(() => socket.count('READY=1') === 1, 20_000, 'READY=1');
    await new Promise((r) => setTimeout(r, 1000));
    expect(socket.count('WATCHDOG=1')).toBe(0);
    kiosk.proc.kill('SIGTERM');
    await kiosk.exited;
  });

  it('stops feeding the watchdog while a lane hangs on a decision, and feeds it again once the lane answers', async () => {
    // The online health lookup hears every request and answers none: the lane's decision waits
    // for its timeout (3 s), longer than the watchdog lets a lane take.
    lookup = createServer(() => {});
    await new Promise<void>((done) => lookup?.listen(0, '127.0.0.1', done));
    const lookupUrl = `http://127.0.0.1:${(lookup.address() as AddressInfo).port}/status`;
    await thermometer.open();
    await scanner.open();
    const config = join(dir.path, 'pty.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: 'notify-001', name: 'Notify' },
        lanes: [
          {
            id: '1',
            name: 'real lane',
            devices: [
              {
                id: 't1',
                role: 'thermometer',
                model: 'k3-ascii',
                port: thermometer.hostPath,
                baudRate: 115200,
              },
              { id: 's1', role: 'scanner', model: 'line-scanner', port: scanner.hostPath, baudRate: 9600 },
            ],
          },
        ],
        roster: resolve('fixtures/roster/test-roster.csv'),
        healthCodes: { lookup: { url: lookupUrl, timeoutMs: 3000 } },
        simulation: { freshenRosterStatuses: true },
      }),
    );
    const socket = new NotifySocket(join(dir.path, 'notify-3'));
    sockets.push(socket);
    await socket.bound();
    const kiosk = startKiosk(config, join(dir.path, 'data-3'), {
      NOTIFY_SOCKET: socket.path,
      WATCHDOG_USEC: '1000000',
    });
    kiosks.push(kiosk);
    await waitUntil(() => socket.count('WATCHDOG=1') >= 2, 20_000, 'the watchdog fed');
    await waitUntil(
      () => kiosk.log.filter((l) => l.msg === 'device state' && l.state === 'online').length === 2,
      10_000,
      'both devices online',
    );
    scanner.write(']Q1S0001\r\n');
    await new Promise((r) => setTimeout(r, 300));
    thermometer.write(
      'T Object = 34.320 C\r\nT body = 36.809 C, ambience compensate\r\nT body = 36.694 C, weak high\r\n',
    );
    const hung = () =>
      kiosk.log.find((l) => String(l.msg).startsWith('a lane or the database does not answer'));
    const back = () => kiosk.log.find((l) => String(l.msg).startsWith('the lanes answer again'));
    await waitUntil(() => back() !== undefined, 15_000, 'the lane answering again');
    expect(kiosk.log.some((l) => l.msg === 'screened' && l.lane === '1')).toBe(true);
    const from = Number(hung()?.time);
    const to = Number(back()?.time);
    expect(to).toBeGreaterThan(from);
    // Nothing told systemd the kiosk was well while the lane hung; before and after, it was told.
    expect(socket.count('WATCHDOG=1', from + 50, to - 50)).toBe(0);
    expect(socket.count('WATCHDOG=1', 0, from)).toBeGreaterThanOrEqual(2);
    await waitUntil(() => socket.count('WATCHDOG=1', to) >= 2, 5_000, 'the watchdog fed again');
    console.log(
      `watchdog not fed for ${to - from} ms while the lane waited on a lookup that never answered (3 s timeout)`,
    );
    kiosk.proc.kill('SIGTERM');
    await kiosk.exited;
    expect(existsSync(join(dir.path, 'data-3', 'gate-kiosk.pid'))).toBe(false);
  });
});

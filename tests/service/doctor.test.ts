import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../kiosk/store/database.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { selfSignedCert } from '../helpers/certificates.ts';
import { gateKiosk } from '../helpers/cli.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { PtyPair } from '../helpers/pty-pair.ts';

interface Report {
  ok: boolean;
  checkedAs: string;
  checks: {
    id: string;
    status: string;
    zh: string;
    en: string;
    next?: { zh: string; en: string };
    detail?: Record<string, unknown>;
  }[];
}

const EVERY_CHECK = [
  'config',
  'data.writable',
  'data.space',
  'data.permissions',
  'database.integrity',
  'database.wal',
  'device.1.t1',
  'device.1.s1',
  'font.chinese',
  'clock.sync',
  'clock.plausible',
  'district.reach',
  'district.certificate',
  'desk.link',
  'service',
  'backup.age',
];

const asRoot = process.getuid?.() === 0;

async function doctor(args: string[], opts: Parameters<typeof gateKiosk>[1] = {}) {
  const out = await gateKiosk(['doctor', '--json', ...args], opts);
  const report = JSON.parse(out.stdout) as Report;
  const check = (id: string) => report.checks.find((c) => c.id === id);
  return { ...out, report, check };
}

describe('gate-kiosk doctor', () => {
  const dir = tempDir('gk-doctor-');
  const thermometer = new PtyPair(join(dir.path, 'ttyKioskT'), join(dir.path, 'ttyDeviceT'));
  const district = createServer((_req, res) => res.end('ok'));
  let endpoint = '';
  const config = (name: string, over: Record<string, unknown> = {}) => {
    const file = join(dir.path, `${name}.yaml`);
    writeFileSync(
      file,
      JSON.stringify({
        school: { id: 'doc', name: '医生小学' },
        lanes: [
          {
            id: '1',
            name: '一号',
            devices: [
              { id: 't1', role: 'thermometer', model: 'k3-ascii', port: thermometer.hostPath },
              { id: 's1', role: 'scanner', model: 'line-scanner', port: 'simulated' },
            ],
          },
        ],
        upload: { endpoint },
        backup: { daily: '12:30', keep: 5 },
        ...over,
      }),
    );
    chmodSync(file, 0o644);
    return file;
  };
  beforeAll(async () => {
    chmodSync(dir.path, 0o755);
    await thermometer.open();
    await new Promise<void>((done) => district.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(district.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    district.close();
    await thermometer.close();
    dir.remove();
  });

  it('lists every check with its status, and passes what is in order', async () => {
    const data = join(dir.path, 'good-data');
    openDatabase(data).close();
    chmodSync(data, 0o700);
    const backups = join(data, 'backups');
    mkdirSync(backups);
    copyFileSync(
      join(data, 'gate-kiosk.sqlite'),
      join(backups, `gate-kiosk-${zonedMoment(new Date(), 'Asia/Shanghai').date}.sqlite`),
    );
    const { code, report, check } = await doctor([
      '--config',
      config('good'),
      '--data',
      data,
      '--as',
      userInfo().username,
    ]);
    expect(report.checks.map((c) => c.id)).toEqual(EVERY_CHECK);
    for (const id of [
      'config',
      'data.writable',
      'data.space',
      'data.permissions',
      'database.integrity',
      'database.wal',
      'device.1.t1',
      'clock.plausible',
      'district.reach',
      'backup.age',
    ])
      expect(check(id)?.status, `${id}: ${check(id)?.en}`).toBe('pass');
    expect(check('device.1.s1')?.status).toBe('skip');
    expect(check('district.certificate')?.status).toBe('skip');
    expect(check('desk.link')?.status).toBe('skip');
    for (const c of report.checks) {
      expect(c.zh).not.toBe('');
      expect(c.en).not.toBe('');
      if (c.status === 'fail' || c.status === 'warn') expect(c.next?.en, c.id).toBeTruthy();
    }
    // Exit 1 exactly when something failed (the font, the clock and the service depend on this machine).
    expect(report.ok).toBe(!report.checks.some((c) => c.status === 'fail'));
    expect(code).toBe(report.ok ? 0 : 1);
  });

  it('exits 1 on a broken config, naming each problem, and checks what it still can', async () => {
    const file = join(dir.path, 'broken.yaml');
    writeFileSync(file, 'school: { id: s }\nlanes: []\n');
    const { code, report, check } = await doctor(['--config', file, '--data', join(dir.path, 'nowhere')]);
    expect(code).toBe(1);
    expect(check('config')?.status).toBe('fail');
    expect(check('config')?.next?.en).toMatch(/lanes: at least one lane/);
    expect(check('device')?.status).toBe('skip');
    expect(check('font.chinese')).toBeDefined();
    expect(report.ok).toBe(false);
  });

  it('exits 1 on a device that is not there, and says what to do', async () => {
    const { code, check } = await doctor([
      '--config',
      config('missing', {
        lanes: [
          {
            id: '1',
            name: '一号',
            devices: [
              { id: 't1', role: 'thermometer', model: 'k3-ascii', port: join(dir.path, 'ttyUnplugged') },
            ],
          },
          {
            id: '2',
            name: '二号',
            devices: [
              {
                id: 't2',
                role: 'thermometer',
                model: 'k3-ascii',
                usb: { vendorId: 'fffe', productId: '0001' },
              },
            ],
          },
        ],
      }),
      '--data',
      join(dir.path, 'missing-data'),
    ]);
    expect(code).toBe(1);
    expect(check('device.1.t1')).toMatchObject({
      status: 'fail',
      en: expect.stringContaining('is not there'),
    });
    expect(check('device.1.t1')?.next?.en).toContain('gate-kiosk ports');
    expect(check('device.2.t2')).toMatchObject({
      status: 'fail',
      en: expect.stringContaining('usb fffe:0001'),
    });
  });

  it('exits 1 on a data folder others can read', async () => {
    const data = join(dir.path, 'open-data');
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    const { code, check } = await doctor(['--config', config('open'), '--data', data]);
    expect(code).toBe(1);
    expect(check('data.permissions')).toMatchObject({ status: 'fail' });
    expect(check('data.permissions')?.next?.en).toContain(`chmod 700 ${data}`);
  });

  it('exits 1 on a read-only data folder and a serial port the user may not open', async () => {
    // Root may write anywhere: the check runs as an ordinary user, as the service does.
    const data = join(dir.path, 'readonly-data');
    mkdirSync(data, { mode: 0o500 });
    chmodSync(data, 0o500);
    const user = asRoot ? 'nobody' : null;
    if (user) {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }));
      chownSync(data, uid, gid);
    }
    const { code, check, report } = await doctor(
      ['--config', config('readonly'), '--data', data],
      user ? { runAs: user } : {},
    );
    expect(code).toBe(1);
    expect(report.checkedAs).toBe(user ?? report.checkedAs);
    expect(check('data.writable')).toMatchObject({ status: 'fail' });
    expect(check('data.writable')?.en).toContain(`cannot write in the data folder ${data}`);
    if (user) {
      // The pty is root's, group tty: as the kiosk's own serial port would be without dialout.
      expect(check('device.1.t1')).toMatchObject({
        status: 'fail',
        en: expect.stringContaining('cannot open it'),
      });
      expect(check('device.1.t1')?.next?.en).toMatch(/sudo usermod -aG \S+ nobody/);
    }
  });

  it("checks an https district's certificate: trusted, and how long it has left", async () => {
    const { cert, key } = selfSignedCert(dir.path, '127.0.0.1', 'cert', {
      days: 12,
      subjectAltName: 'IP:127.0.0.1',
    });
    const https = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) =>
      res.end('ok'),
    );
    await new Promise<void>((done) => https.listen(0, '127.0.0.1', done));
    try {
      const file = config('tls', {
        upload: { endpoint: `https://127.0.0.1:${(https.address() as AddressInfo).port}` },
      });
      const untrusted = await doctor(['--config', file, '--data', join(dir.path, 'tls-data')]);
      expect(untrusted.code).toBe(1);
      expect(untrusted.check('district.certificate')).toMatchObject({
        status: 'fail',
        en: expect.stringContaining('not trusted'),
      });
      expect(untrusted.check('district.reach')?.status).toBe('fail');
      // Given the district's CA, as a kiosk that trusts it would be.
      const trusted = await doctor(['--config', file, '--data', join(dir.path, 'tls-data')], {
        env: { NODE_EXTRA_CA_CERTS: cert },
      });
      expect(trusted.check('district.reach')?.status).toBe('pass');
      expect(trusted.check('district.certificate')).toMatchObject({
        status: 'warn',
        en: expect.stringMatching(/expires in 1[01] days/),
      });
    } finally {
      https.close();
    }
  });
});

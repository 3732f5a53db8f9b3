import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gateKiosk, hasCommand } from '../helpers/cli.ts';
import { tempDir } from '../helpers/kiosk.ts';

const exec = promisify(execFile);
const hasAnalyze = await hasCommand('systemd-analyze');
const systemdRuns = existsSync('/run/systemd/system');

/** The directives of a unit's [Service] section, each name with its values in order. */
function directives(unit: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) out.set(m[1], [...(out.get(m[1]) ?? []), m[2] ?? '']);
  }
  return out;
}

describe('gate-kiosk service install --print', () => {
  const dir = tempDir('gk-unit-');
  afterAll(() => dir.remove());
  const config = join(dir.path, 'gate.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      school: { id: 'north', name: '北门小学' },
      lanes: [
        {
          id: '1',
          name: '一号',
          devices: [{ id: 't1', role: 'thermometer', model: 'k3-ascii', port: '/dev/ttyUSB0' }],
        },
      ],
      backup: { daily: '12:40', keep: 10, dir: join(dir.path, 'copies') },
    }),
  );

  it('prints a unit that restarts always, runs as its own user in dialout, keeps data 0700 and feeds a watchdog', async () => {
    const out = await gateKiosk(['service', 'install', '--print', '--config', config]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const d = directives(out.stdout);
    expect(d.get('ExecStart')?.[0]).toBe(
      `${process.execPath} ${resolve('bin/gate-kiosk.js')} start --config ${config} --data /var/lib/gate-kiosk`,
    );
    expect(d.get('Type')).toEqual(['notify']);
    expect(d.get('NotifyAccess')).toEqual(['all']);
    expect(d.get('Restart')).toEqual(['always']);
    expect(d.get('StartLimitIntervalSec')).toEqual(['0']);
    expect(d.get('User')).toEqual(['gate-kiosk']);
    expect(d.get('SupplementaryGroups')).toEqual(['dialout']);
    expect(d.get('StateDirectory')).toEqual(['gate-kiosk']);
    expect(d.get('StateDirectoryMode')).toEqual(['0700']);
    expect(Number(d.get('WatchdogSec')?.[0])).toBeGreaterThan(0);
    expect(d.get('ReadWritePaths')).toEqual([`-${join(dir.path, 'copies')}`]);
    expect(d.get('ProtectSystem')).toEqual(['strict']);
    expect(d.get('NoNewPrivileges')).toEqual(['yes']);
    // Each of these would keep serial adapters from opening: a device list, or no dialout group.
    for (const blocking of ['PrivateDevices', 'DevicePolicy', 'DeviceAllow', 'ProtectClock', 'PrivateUsers'])
      expect(d.has(blocking), blocking).toBe(false);

    const other = await gateKiosk(['service', 'install', '--print', '--config', config, '--user', 'kiosk2']);
    expect(directives(other.stdout).get('User')).toEqual(['kiosk2']);
  });

  it.skipIf(!hasAnalyze)('gives a unit that systemd-analyze verify accepts without a warning', async () => {
    const out = await gateKiosk(['service', 'install', '--print', '--config', config]);
    const units = join(dir.path, 'units');
    mkdirSync(units, { recursive: true });
    const file = join(units, 'gate-kiosk.service');
    writeFileSync(file, out.stdout);
    const verified = await exec('systemd-analyze', ['verify', file]).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(verified).toEqual({ code: 0, stderr: '' });

    // Offline exposure score (systemd 250 and later): printed, and held below "MEDIUM".
    const security = await exec('systemd-analyze', ['security', '--offline=true', file]).catch(() => null);
    const level = /Overall exposure level for gate-kiosk\.service: ([\d.]+)/.exec(
      security?.stdout ?? '',
    )?.[1];
    if (level !== undefined) {
      console.log(`systemd-analyze security --offline: exposure ${level}`);
      expect(Number(level)).toBeLessThan(4);
    }
  });

  it('prints the gate screen’s files with --display: autostart of the launcher, automatic login', async () => {
    const out = await gateKiosk(['service', 'install', '--print', '--display', '--config', config]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Exec=${resolve('scripts/gate-display.sh')}`);
    expect(out.stdout).toMatch(
      /# \/home\/gate-display\/\.config\/autostart\/gate-kiosk-display\.desktop \(0644\)/,
    );
    expect(out.stdout).toMatch(
      /# .*\/\.config\/gate-kiosk\/display-url \(0600\)\nhttp:\/\/127\.0\.0\.1:8080\/display\?token=/,
    );
    expect(out.stdout).toContain('[Seat:*]\nautologin-user=gate-display\n');
  });

  it('loads the database key as a systemd credential when the config asks for one', async () => {
    const encrypted = join(dir.path, 'encrypted.yaml');
    writeFileSync(
      encrypted,
      JSON.stringify({
        school: { id: 'north', name: '北门小学' },
        lanes: [
          {
            id: '1',
            name: '一号',
            devices: [{ id: 't1', role: 'thermometer', model: 'k3-ascii', port: 'simulated' }],
          },
        ],
        encryption: { credential: 'gate-kiosk-db-key' },
      }),
    );
    const out = await gateKiosk(['service', 'install', '--print', '--config', encrypted]);
    expect(out.code).toBe(0);
    expect(
      directives(out.stdout).get(
        existsSync('/etc/credstore/gate-kiosk-db-key') ? 'LoadCredential' : 'LoadCredentialEncrypted',
      ),
    ).toEqual([
      expect.stringMatching(/^gate-kiosk-db-key:\/etc\/credstore(\.encrypted)?\/gate-kiosk-db-key$/),
    ]);
  });

  it('accepts the example gate config the README starts from', async () => {
    const out = await gateKiosk([
      'service',
      'install',
      '--print',
      '--config',
      'fixtures/config/gate-example.yaml',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
  });

  it('refuses a user name that cannot be one, in both languages', async () => {
    const out = await gateKiosk(['service', 'install', '--print', '--config', config, '--user', 'Bad User']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('用户名 "Bad User" 不可用');
    expect(out.stderr).toContain('"Bad User" cannot be a user name');
  });

  it.skipIf(systemdRuns)(
    'says, without changing anything, that a machine without systemd gets no service',
    async () => {
      const install = await gateKiosk(['service', 'install', '--config', config]);
      expect(install.code).toBe(1);
      expect(install.stderr).toMatch(process.getuid?.() === 0 ? /systemd/ : /root/);
      expect(existsSync('/etc/systemd/system/gate-kiosk.service')).toBe(false);
      const status = await gateKiosk(['service', 'status', '--json']);
      expect(status.code).toBe(1);
      expect(JSON.parse(status.stdout)).toMatchObject({ ok: false, systemd: false });
    },
  );
});

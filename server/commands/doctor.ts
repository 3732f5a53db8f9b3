import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../kiosk/config/load.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { type DatabaseKey, readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { type CheckResult, pass, problem, type Subject } from '../doctor/check.ts';
import { backupCheck, databaseChecks, dataFolderChecks, noConfig } from '../doctor/data-checks.ts';
import { deskLinkCheck } from '../doctor/desk-checks.ts';
import { deviceChecks } from '../doctor/device-checks.ts';
import { districtCertificateCheck, districtReachCheck } from '../doctor/district-checks.ts';
import { clockPlausibleCheck, clockSyncCheck, fontCheck, serviceCheck } from '../doctor/system-checks.ts';
import { run, userExists } from '../service/system.ts';
import { DEFAULT_SERVICE_USER } from '../service/unit.ts';
import { CommandFailure, QuietExit } from './command-failure.ts';
import { type DataOptions, withDataOptions } from './kiosk-data.ts';

export interface DoctorReport {
  ok: boolean;
  config: string;
  dataDir: string | null;
  checkedAs: string;
  checks: CheckResult[];
}

/** Who the file and device checks are for: `--as`, else (as root) the service's user when it exists. */
function subjectOf(as: string | undefined): Subject {
  const me = run('id', ['-un']).stdout.trim() || String(process.getuid?.());
  const root = process.getuid?.() === 0;
  if (as !== undefined) {
    if (as === me) return { user: null, name: me };
    if (!root) {
      throw new CommandFailure(
        `只有 root 能替其他用户检查：sudo gate-kiosk doctor --as ${as}`,
        `only root can check for another user: sudo gate-kiosk doctor --as ${as}`,
      );
    }
    if (!userExists(as)) throw new CommandFailure(`没有用户 ${as}`, `there is no user ${as}`);
    return { user: as, name: as };
  }
  if (root && userExists(DEFAULT_SERVICE_USER))
    return { user: DEFAULT_SERVICE_USER, name: DEFAULT_SERVICE_USER };
  return { user: null, name: me };
}

/** Every check, in the order a maintainer reads them. */
export async function runDoctor(o: DataOptions & { as?: string }): Promise<DoctorReport> {
  const configPath = resolve(o.config);
  const subject = subjectOf(o.as);
  const checks: CheckResult[] = [];
  let config: KioskConfig | null = null;
  try {
    config = loadConfig(configPath);
    if (o.data !== undefined) config.dataDir = resolve(o.data);
    checks.push(
      pass('config', `配置有效：${configPath}`, `the config is valid: ${configPath}`, {
        lanes: config.lanes.length,
      }),
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push(
      problem(
        'config',
        'fail',
        { zh: `配置无效：${configPath}`, en: `the config is invalid: ${configPath}` },
        {
          zh: `逐条改正：${err.problems.join('；')}`,
          en: `correct each: ${err.problems.join('; ')}`,
        },
        { problems: err.problems },
      ),
    );
  }
  const dataDir = config?.dataDir ?? (o.data !== undefined ? resolve(o.data) : null);
  if (dataDir) {
    let key: DatabaseKey | null = null;
    let keyError: unknown = null;
    try {
      key = config ? readDatabaseKey(config.encryption) : null;
    } catch (err) {
      keyError = err;
    }
    checks.push(...dataFolderChecks(dataDir, subject));
    checks.push(...databaseChecks(dataDir, key, keyError));
  } else {
    for (const id of ['data.writable', 'database.integrity']) checks.push(noConfig(id));
  }
  if (config) checks.push(...(await deviceChecks(config, subject)));
  else checks.push(noConfig('device'));
  checks.push(fontCheck());
  checks.push(clockSyncCheck());
  let districtDate: number | null = null;
  if (config) {
    const reach = await districtReachCheck(config);
    districtDate = reach.date;
    checks.push(clockPlausibleCheck(Date.now(), districtDate));
    checks.push(reach.result);
    checks.push(await districtCertificateCheck(config));
    checks.push(await deskLinkCheck(config));
  } else {
    checks.push(clockPlausibleCheck(Date.now(), null));
    checks.push(noConfig('district.reach'));
    checks.push(noConfig('desk.link'));
  }
  checks.push(serviceCheck());
  checks.push(config ? backupCheck(config) : noConfig('backup.age'));
  return {
    ok: !checks.some((c) => c.status === 'fail'),
    config: configPath,
    dataDir,
    checkedAs: subject.name,
    checks,
  };
}

const MARK = { pass: '✓', warn: '!', fail: '✗', skip: '-' } as const;

/** `gate-kiosk doctor [--json]`: what is wrong with this gate PC, and what to do; exit 1 on any problem. */
export function registerDoctorCommand(program: Command): void {
  withDataOptions(
    program
      .command('doctor')
      .description(
        'check this gate PC: config, data folder, database, devices, Chinese font, clock, district, service, backups (exit 1 on any problem)',
      )
      .option('--as <user>', "check files and devices for this user (as root, default: the service's user)")
      .option('--json', 'print JSON'),
  ).action(async (o: DataOptions & { as?: string; json?: boolean }) => {
    const report = await runDoctor(o);
    if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const out: string[] = [
        `gate-kiosk doctor · 配置 config ${report.config} · 数据 data ${report.dataDir ?? '-'} · 检查对象 checked for ${report.checkedAs}`,
      ];
      for (const c of report.checks) {
        out.push(`${MARK[c.status]} ${c.zh}`, `  ${c.en}`);
        if (c.next && c.status !== 'pass') {
          out.push(`  → ${c.next.zh}`);
          if (c.next.en !== c.next.zh) out.push(`    ${c.next.en}`);
        }
      }
      const fails = report.checks.filter((c) => c.status === 'fail').length;
      const warns = report.checks.filter((c) => c.status === 'warn').length;
      out.push(
        fails === 0
          ? `结论：没有问题${warns ? `，${warns} 条提醒` : ''} / no problems${warns ? `, ${warns} warnings` : ''}`
          : `结论：${fails} 个问题${warns ? `，${warns} 条提醒` : ''} / ${fails} problems${warns ? `, ${warns} warnings` : ''}`,
      );
      process.stdout.write(`${out.join('\n')}\n`);
    }
    if (!report.ok) throw new QuietExit(1);
  });
}

import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../kiosk/config/load.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { DEFAULT_CONFIG, PROJECT_ROOT } from '../defaults.ts';
import {
  autostartFile,
  DISPLAY_USER,
  type DisplayFile,
  displayFiles,
  displayUrlFile,
  LIGHTDM_AUTOLOGIN,
  localDisplayBase,
} from '../service/display-setup.ts';
import { writeFileAtomic } from '../service/files.ts';
import { has, homeOf, run, systemdRunning, unitState, userExists } from '../service/system.ts';
import {
  credentialOf,
  DEFAULT_SERVICE_USER,
  renderUnit,
  SERVICE_DATA_DIR,
  SERVICE_NAME,
  UNIT_PATH,
} from '../service/unit.ts';
import { CommandFailure, QuietExit } from './command-failure.ts';

const BIN = join(PROJECT_ROOT, 'bin', 'gate-kiosk.js');
const LAUNCHER = join(PROJECT_ROOT, 'scripts', 'gate-display.sh');
/** A `gate-kiosk` on the PATH that runs this copy with the service's config and data by default. */
export const WRAPPER_PATH = '/usr/local/bin/gate-kiosk';
const WRAPPER_MARK = '# gate-kiosk service wrapper';
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

interface InstallOptions {
  config: string;
  user: string;
  display?: boolean;
  displayUser: string;
  print?: boolean;
}

const say = (zh: string, en: string) => process.stdout.write(`${zh}\n  ${en}\n`);

function userName(value: string): string {
  if (!USER_NAME.test(value)) {
    throw new CommandFailure(
      `用户名 "${value}" 不可用：小写字母、数字、"-"、"_"，不超过 32 个字符`,
      `"${value}" cannot be a user name: lower-case letters, digits, "-" and "_", at most 32`,
    );
  }
  return value;
}

/** `gate-kiosk service install|uninstall|status`: the kiosk as a systemd service, and the gate screen. */
export function registerServiceCommands(program: Command): void {
  const service = program
    .command('service')
    .description('run the kiosk at boot as a systemd service, and the gate screen (Debian/Ubuntu)');
  service
    .command('install')
    .description('write, enable and start the systemd unit (root); --print only prints it')
    .option(
      '--config <file>',
      'the config the service runs (env GATE_KIOSK_CONFIG)',
      process.env.GATE_KIOSK_CONFIG ?? DEFAULT_CONFIG,
    )
    .option(
      '--user <name>',
      'the user the service runs as (made if missing, in dialout)',
      DEFAULT_SERVICE_USER,
    )
    .option('--display', 'also set up the gate screen: Chromium full-screen at login of a display user')
    .option('--display-user <name>', 'the user the gate screen logs in as', DISPLAY_USER)
    .option('--print', 'print the unit (and with --display the screen’s files); change nothing')
    .action((o: InstallOptions) => install(o));
  service
    .command('uninstall')
    .description('stop, disable and remove the service and the gate screen’s autostart (root); data stays')
    .option('--display-user <name>', 'the gate screen’s user', DISPLAY_USER)
    .action((o: { displayUser: string }) => uninstall(o));
  service
    .command('status')
    .description('is the service installed, running, restarting; does the kiosk answer')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => status(o));
}

function install(o: InstallOptions): void {
  const user = userName(o.user);
  const displayUser = userName(o.displayUser);
  const configPath = resolve(o.config);
  const config = loadConfig(configPath);
  const credential =
    config.encryption && config.encryption.keyFile === undefined
      ? credentialOf(config.encryption.credential, existsSync)
      : null;
  const unit = renderUnit({
    node: process.execPath,
    bin: BIN,
    config: configPath,
    user,
    writable: [config.backup.dir, config.healthCodes.statusDir].filter((d): d is string => d !== undefined),
    readme: join(PROJECT_ROOT, 'README.md'),
    credential,
  });
  if (o.print) {
    process.stdout.write(unit);
    if (o.display) {
      const home = homeOf(displayUser) ?? `/home/${displayUser}`;
      const url = `${localDisplayBase(config.server)}/display?token=(made by install)`;
      for (const f of displayFiles({ home, user: displayUser, launcher: LAUNCHER, url }))
        process.stdout.write(`\n# ${f.path} (${f.mode.toString(8).padStart(4, '0')})\n${f.content}`);
    }
    return;
  }
  mustBeRootWithSystemd('install');

  if (credential && !existsSync(credential.file)) {
    throw new CommandFailure(
      `配置要求以 systemd 凭据 ${credential.name} 提供数据库密钥，但 ${credential.file} 不存在：sudo mkdir -p /etc/credstore.encrypted && sudo systemd-creds encrypt --name=${credential.name} 密钥文件 ${credential.file}`,
      `the config asks for the database key as the systemd credential ${credential.name}, but ${credential.file} does not exist: sudo mkdir -p /etc/credstore.encrypted && sudo systemd-creds encrypt --name=${credential.name} KEYFILE ${credential.file}`,
    );
  }
  ensurePagesBuilt();
  ensureServiceUser(user);
  checkReadableBy(user, configPath, config);
  writeFileAtomic(UNIT_PATH, unit, 0o644);
  say(`已写入 ${UNIT_PATH}`, `wrote ${UNIT_PATH}`);
  writeWrapper(configPath);
  systemctl(['daemon-reload']);
  systemctl(['enable', SERVICE_NAME]);
  say('正在启动服务（等它报告就绪）…', 'starting the service (waiting until it says it is ready)…');
  const started = run('systemctl', ['restart', SERVICE_NAME], 120_000);
  if (started.status !== 0) {
    const log = run('journalctl', ['-u', SERVICE_NAME, '-n', '30', '--no-pager', '-o', 'cat']);
    process.stderr.write(log.stdout);
    throw new CommandFailure(
      `服务没有启动（见上面的日志）。修正后再运行一次 gate-kiosk service install；gate-kiosk doctor 会指出常见问题`,
      `the service did not start (its log is above). Fix it and run gate-kiosk service install again; gate-kiosk doctor points at the usual causes`,
    );
  }
  say(
    `服务 ${SERVICE_NAME} 已启用并运行，开机自动启动`,
    `service ${SERVICE_NAME} enabled and running; it starts at boot`,
  );
  if (o.display) installDisplay(user, displayUser, configPath, config);
  say(
    '下一步：如果还没有管理员账号：sudo gate-kiosk user add --name 名字 --role admin；然后 sudo gate-kiosk doctor',
    'next: if there is no admin account yet, sudo gate-kiosk user add --name NAME --role admin; then sudo gate-kiosk doctor',
  );
}

function mustBeRootWithSystemd(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new CommandFailure(
      `需要 root 权限：sudo gate-kiosk service ${what} …`,
      `this needs root: sudo gate-kiosk service ${what} …`,
    );
  }
  if (!systemdRunning()) {
    throw new CommandFailure(
      '此机器没有以 systemd 启动，无法安装服务（用 --print 只打印单元文件）',
      'this machine was not booted with systemd, so no service can be installed (--print only prints the unit)',
    );
  }
}

function systemctl(args: string[]): void {
  const r = run('systemctl', args);
  if (r.status !== 0) {
    throw new CommandFailure(
      `systemctl ${args.join(' ')} 失败：${r.stderr.trim()}`,
      `systemctl ${args.join(' ')} failed: ${r.stderr.trim()}`,
    );
  }
}

function ensurePagesBuilt(): void {
  if (existsSync(join(PROJECT_ROOT, 'ui', 'dist'))) return;
  const r = run(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-ui.mjs')], 300_000);
  if (r.status !== 0) {
    throw new CommandFailure(
      `网页没有构建成功：请在 ${PROJECT_ROOT} 运行 npm run build`,
      `the browser pages did not build: run npm run build in ${PROJECT_ROOT}`,
    );
  }
}

function ensureServiceUser(user: string): void {
  if (!userExists(user)) {
    const made = run('useradd', [
      '--system',
      '--user-group',
      '--home-dir',
      SERVICE_DATA_DIR,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      '--comment',
      'gate-kiosk service',
      user,
    ]);
    if (made.status !== 0) {
      throw new CommandFailure(
        `无法创建用户 ${user}：${made.stderr.trim()}`,
        `cannot make the user ${user}: ${made.stderr.trim()}`,
      );
    }
    say(`已创建系统用户 ${user}`, `made the system user ${user}`);
  }
  const joined = run('usermod', ['-aG', 'dialout', user]);
  if (joined.status !== 0) {
    throw new CommandFailure(
      `无法把 ${user} 加入 dialout 组（串口）：${joined.stderr.trim()}`,
      `cannot add ${user} to the dialout group (serial ports): ${joined.stderr.trim()}`,
    );
  }
}

/** The service user must read the code, run node, and read the config and the files it names. */
function checkReadableBy(user: string, configPath: string, config: KioskConfig): void {
  const version = run('runuser', ['-u', user, '--', process.execPath, BIN, '--version']);
  if (version.status !== 0) {
    throw new CommandFailure(
      `用户 ${user} 无法运行 ${process.execPath} ${BIN}：请把程序放在所有用户可读的位置（如 /opt/gate-kiosk），Node.js 装在 /usr/bin 或 /usr/local/bin`,
      `the user ${user} cannot run ${process.execPath} ${BIN}: put the program where every user can read it (e.g. /opt/gate-kiosk) and Node.js in /usr/bin or /usr/local/bin`,
    );
  }
  const files = [configPath, config.roster, config.server.tls?.cert, config.server.tls?.key].filter(
    (f): f is string => f !== undefined,
  );
  const keyFile = config.encryption?.keyFile;
  if (keyFile !== undefined && run('runuser', ['-u', user, '--', 'test', '-r', keyFile]).status !== 0) {
    throw new CommandFailure(
      `用户 ${user} 读不到数据库密钥 ${keyFile}：sudo chown ${user}: ${keyFile} && sudo chmod 600 ${keyFile}，然后再运行一次`,
      `the user ${user} cannot read the database key ${keyFile}: sudo chown ${user}: ${keyFile} && sudo chmod 600 ${keyFile}, then run this again`,
    );
  }
  for (const file of files) {
    if (run('runuser', ['-u', user, '--', 'test', '-r', file]).status !== 0) {
      throw new CommandFailure(
        `用户 ${user} 读不到 ${file}：sudo chgrp ${user} ${file} && sudo chmod g+r ${file}（并让它所在的文件夹可进入）`,
        `the user ${user} cannot read ${file}: sudo chgrp ${user} ${file} && sudo chmod g+r ${file} (and let it enter the folders above)`,
      );
    }
  }
}

function writeWrapper(configPath: string): void {
  if (existsSync(WRAPPER_PATH) && !readFileSync(WRAPPER_PATH, 'utf8').includes(WRAPPER_MARK)) {
    say(
      `${WRAPPER_PATH} 已存在且不是本程序写的：没有改动它`,
      `${WRAPPER_PATH} exists and was not written by gate-kiosk: left as it is`,
    );
    return;
  }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileAtomic(
    WRAPPER_PATH,
    `#!/bin/sh
${WRAPPER_MARK}: written by \`gate-kiosk service install\`. Commands use the service's config and
# data folder unless told otherwise (--config, --data, or these variables).
export GATE_KIOSK_CONFIG="\${GATE_KIOSK_CONFIG:-${configPath.replace(/(["\\$`])/g, '\\$1')}}"
export GATE_KIOSK_DATA="\${GATE_KIOSK_DATA:-${SERVICE_DATA_DIR}}"
exec ${q(process.execPath)} ${q(BIN)} "$@"
`,
    0o755,
  );
  say(
    `已写入 ${WRAPPER_PATH}：gate-kiosk 命令默认使用服务的配置与数据`,
    `wrote ${WRAPPER_PATH}: the gate-kiosk command uses the service's config and data by default`,
  );
}

function installDisplay(user: string, displayUser: string, configPath: string, config: KioskConfig): void {
  if (!has('chromium') && !has('chromium-browser')) {
    throw new CommandFailure(
      '没有安装 Chromium：sudo apt-get install -y chromium unclutter fonts-noto-cjk，然后再运行一次',
      'Chromium is not installed: sudo apt-get install -y chromium unclutter fonts-noto-cjk, then run this again',
    );
  }
  if (!userExists(displayUser)) {
    const made = run('useradd', [
      '--create-home',
      '--shell',
      '/bin/bash',
      '--comment',
      'gate-kiosk display',
      displayUser,
    ]);
    if (made.status !== 0) {
      throw new CommandFailure(
        `无法创建用户 ${displayUser}：${made.stderr.trim()}`,
        `cannot make the user ${displayUser}: ${made.stderr.trim()}`,
      );
    }
    for (const group of ['autologin', 'nopasswdlogin'])
      if (run('getent', ['group', group]).status === 0) run('usermod', ['-aG', group, displayUser]);
    say(`已创建显示用户 ${displayUser}`, `made the display user ${displayUser}`);
  }
  const home = homeOf(displayUser) ?? `/home/${displayUser}`;
  const owner = statSync(home);
  const urlFile = displayUrlFile(home);
  let url = existsSync(urlFile) ? readFileSync(urlFile, 'utf8').trim() : '';
  if (!url) {
    const paired = run('runuser', [
      '-u',
      user,
      '--',
      process.execPath,
      BIN,
      'display',
      'add',
      '--config',
      configPath,
      '--data',
      SERVICE_DATA_DIR,
      '--lanes',
      config.lanes.map((l) => l.id).join(','),
      '--name',
      '本机闸机屏 gate screen',
      '--url',
      localDisplayBase(config.server),
    ]);
    url = paired.stdout.trim().split('\n').at(-1) ?? '';
    if (paired.status !== 0 || !url.includes('token=')) {
      throw new CommandFailure(
        `无法为闸机屏配对：${paired.stderr.trim()}`,
        `cannot pair the gate screen: ${paired.stderr.trim()}`,
      );
    }
  }
  const lightdm = existsSync('/etc/lightdm');
  const files: DisplayFile[] = displayFiles({ home, user: displayUser, launcher: LAUNCHER, url }).filter(
    (f) => lightdm || f.path !== LIGHTDM_AUTOLOGIN,
  );
  for (const f of files) {
    const who = f.owner === 'display' ? { uid: owner.uid, gid: owner.gid } : undefined;
    if (who) ensureDirsOwned(dirname(f.path), home, who);
    writeFileAtomic(f.path, f.content, f.mode, who);
    say(`已写入 ${f.path}`, `wrote ${f.path}`);
  }
  if (!lightdm) {
    say(
      `没有 LightDM：未设置自动登录。请让 ${displayUser} 开机自动登录（见 README“安装到闸机”中的其他桌面步骤）`,
      `no LightDM here: automatic login is not set. Make ${displayUser} log in at boot (README, "Installing at a gate", other desktops)`,
    );
  }
  if (!has('unclutter'))
    say(
      '建议安装 unclutter 以隐藏鼠标：sudo apt-get install -y unclutter',
      'to hide the mouse cursor: sudo apt-get install -y unclutter',
    );
  say(
    `闸机屏已设置：${displayUser} 登录后全屏显示；重启后生效（或 sudo systemctl restart lightdm）`,
    `the gate screen is set up: full screen once ${displayUser} logs in; reboot to see it (or sudo systemctl restart lightdm)`,
  );
}

function ensureDirsOwned(dir: string, home: string, who: { uid: number; gid: number }): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let d = dir; d.startsWith(home) && d !== home; d = dirname(d)) {
    run('chown', [`${who.uid}:${who.gid}`, d]);
  }
}

function uninstall(o: { displayUser: string }): void {
  if (process.getuid?.() !== 0) {
    throw new CommandFailure(
      '需要 root 权限：sudo gate-kiosk service uninstall',
      'this needs root: sudo gate-kiosk service uninstall',
    );
  }
  if (systemdRunning()) run('systemctl', ['disable', '--now', SERVICE_NAME], 120_000);
  const removed: string[] = [];
  const remove = (path: string, onlyIf?: (text: string) => boolean) => {
    if (!existsSync(path)) return;
    if (onlyIf && !onlyIf(readFileSync(path, 'utf8'))) return;
    rmSync(path, { force: true });
    removed.push(path);
  };
  remove(UNIT_PATH);
  remove(WRAPPER_PATH, (text) => text.includes(WRAPPER_MARK));
  remove(LIGHTDM_AUTOLOGIN, (text) => text.includes('gate-kiosk'));
  const home = homeOf(userName(o.displayUser));
  if (home) {
    remove(autostartFile(home));
    remove(displayUrlFile(home));
  }
  if (systemdRunning()) run('systemctl', ['daemon-reload']);
  for (const path of removed) say(`已删除 ${path}`, `removed ${path}`);
  say(
    `数据仍在 ${SERVICE_DATA_DIR}（含 backups/）；用户 ${DEFAULT_SERVICE_USER}、${o.displayUser} 仍在。彻底删除：sudo userdel ${o.displayUser}; sudo userdel ${DEFAULT_SERVICE_USER}; sudo rm -r ${SERVICE_DATA_DIR}`,
    `the data stays in ${SERVICE_DATA_DIR} (with backups/); the users ${DEFAULT_SERVICE_USER} and ${o.displayUser} stay. To remove everything: sudo userdel ${o.displayUser}; sudo userdel ${DEFAULT_SERVICE_USER}; sudo rm -r ${SERVICE_DATA_DIR}`,
  );
}

/** The config the installed unit runs (`--config` on its ExecStart line). */
function installedConfig(): string | null {
  if (!existsSync(UNIT_PATH)) return null;
  const exec = /^ExecStart=(.*)$/m.exec(readFileSync(UNIT_PATH, 'utf8'))?.[1] ?? '';
  const m = /--config (?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(exec);
  const raw = m?.[1]?.replace(/\\(.)/g, '$1') ?? m?.[2];
  return raw ? raw.replace(/%%/g, '%') : null;
}

async function status(o: { json?: boolean }): Promise<void> {
  const installed = existsSync(UNIT_PATH);
  const systemd = systemdRunning();
  const state = systemd ? unitState(SERVICE_NAME) : null;
  let answers: { url: string; version: string } | { url: string; error: string } | null = null;
  const configPath = installedConfig();
  if (configPath && state?.activeState === 'active') {
    try {
      const url = localDisplayBase(loadConfig(configPath).server);
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
      const body = (await res.json()) as { version?: string };
      answers = { url, version: body.version ?? '?' };
    } catch (err) {
      answers = { url: configPath, error: (err as Error).message };
    }
  }
  const ok = installed && state?.activeState === 'active' && (answers === null || 'version' in answers);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ok, installed, systemd, unit: UNIT_PATH, state, answers })}\n`);
  } else if (!systemd) {
    say(
      `此机器没有以 systemd 启动${installed ? `（单元文件 ${UNIT_PATH} 存在）` : ''}`,
      `this machine was not booted with systemd${installed ? ` (the unit ${UNIT_PATH} exists)` : ''}`,
    );
  } else if (!installed || !state?.loaded) {
    say(
      '服务未安装：sudo gate-kiosk service install --config 配置文件',
      'the service is not installed: sudo gate-kiosk service install --config FILE',
    );
  } else {
    const running = state.activeState === 'active';
    say(
      `服务 ${SERVICE_NAME}：${running ? '运行中' : `未运行（${state.activeState}/${state.subState}，结果 ${state.result}）`}` +
        `${state.since ? `，自 ${state.since}` : ''}；开机启动：${state.unitFileState === 'enabled' ? '是' : '否'}；` +
        `已自动重启 ${state.restarts} 次${state.mainPid ? `；主进程 ${state.mainPid}` : ''}`,
      `service ${SERVICE_NAME}: ${running ? 'running' : `not running (${state.activeState}/${state.subState}, result ${state.result})`}` +
        `${state.since ? ` since ${state.since}` : ''}; starts at boot: ${state.unitFileState === 'enabled' ? 'yes' : 'no'}; ` +
        `restarted ${state.restarts} times${state.mainPid ? `; main process ${state.mainPid}` : ''}`,
    );
    if (answers && 'version' in answers)
      say(
        `kiosk 在 ${answers.url} 应答（版本 ${answers.version}）`,
        `the kiosk answers at ${answers.url} (version ${answers.version})`,
      );
    else if (answers) say(`kiosk 没有应答：${answers.error}`, `the kiosk does not answer: ${answers.error}`);
    if (!running)
      say(
        `看日志：sudo gate-kiosk logs --since "1 hour ago"；或 journalctl -u ${SERVICE_NAME} -n 50`,
        `read its log: sudo gate-kiosk logs --since "1 hour ago"; or journalctl -u ${SERVICE_NAME} -n 50`,
      );
  }
  if (!ok) throw new QuietExit(1);
}

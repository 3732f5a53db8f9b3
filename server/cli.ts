import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { deviceModels, isDeviceModelName } from '../drivers/registry.ts';
import { parseTranscript, replayTranscript } from '../drivers/replay.ts';
import { ConfigError, loadConfig } from '../kiosk/config/load.ts';
import { describeRosterError, RosterImportError } from '../kiosk/identities/roster-sync.ts';
import { startKiosk } from './app.ts';
import { registerDisplayCommands, registerUserCommands } from './commands/accounts.ts';
import { registerBackupCommands } from './commands/backup.ts';
import { registerCollectorCommand } from './commands/collector.ts';
import { bilingual, CommandFailure, QuietExit } from './commands/command-failure.ts';
import { registerDatabaseCommands } from './commands/database.ts';
import { diagCommand } from './commands/diag.ts';
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerExportCommand } from './commands/export.ts';
import { firstAdminIfNone } from './commands/first-admin.ts';
import { registerGateCommands } from './commands/gates.ts';
import { registerLogsCommand } from './commands/logs.ts';
import { portsCommand } from './commands/ports.ts';
import { registerRosterCommand } from './commands/roster.ts';
import { registerServiceCommands } from './commands/service.ts';
import { DEFAULT_CONFIG } from './defaults.ts';
import { createLogger } from './logger.ts';
import { markRunning, runningKiosk } from './service/run-marker.ts';
import { superviseBySystemd } from './service/supervision.ts';
import { VERSION } from './version.ts';

export { DEFAULT_CONFIG } from './defaults.ts';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port number from 0 to 65535');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('seconds from 0 to 3600');
  return n;
}

/** Runs the command line; resolves to the exit code (0 ok, 1 failure, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('gate-kiosk')
    .description(
      'Gate-side health-screening kiosk: thermometers and scanners per lane, gate display, records.',
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('start')
    .description('serve the kiosk: devices, lanes, gate display and API')
    .option(
      '--config <file>',
      'config YAML (env GATE_KIOSK_CONFIG)',
      process.env.GATE_KIOSK_CONFIG ?? DEFAULT_CONFIG,
    )
    .option(
      '--port <n>',
      'HTTP port (env PORT)',
      portNumber,
      process.env.PORT ? portNumber(process.env.PORT) : undefined,
    )
    .option('--host <h>', 'address to listen on')
    .option('--data <dir>', 'data folder (env GATE_KIOSK_DATA)', process.env.GATE_KIOSK_DATA)
    .action(async (o: { config: string; port?: number; host?: string; data?: string }) => {
      const dataDir = o.data !== undefined ? resolve(o.data) : loadConfig(resolve(o.config)).dataDir;
      const other = runningKiosk(dataDir);
      if (other) {
        throw new CommandFailure(
          `另一个 kiosk（进程 ${other.pid}）正在使用数据文件夹 ${dataDir}`,
          `another kiosk (process ${other.pid}) is serving from the data folder ${dataDir}`,
        );
      }
      await firstAdminIfNone({ config: o.config, ...(o.data !== undefined ? { data: o.data } : {}) });
      const log = createLogger();
      const kiosk = await startKiosk({
        configPath: resolve(o.config),
        ...(o.data !== undefined ? { dataDir: resolve(o.data) } : {}),
        ...(o.port !== undefined ? { port: o.port } : {}),
        ...(o.host !== undefined ? { host: o.host } : {}),
        logger: log,
      });
      const unmark = markRunning(kiosk.config.dataDir);
      const systemd = superviseBySystemd(kiosk, log);
      process.stdout.write(
        `gate-kiosk ${VERSION} 已启动 ${kiosk.url}/（数据在 ${kiosk.config.dataDir}）\n` +
          `gate-kiosk ${VERSION} serving ${kiosk.url}/ (data in ${kiosk.config.dataDir})\n`,
      );
      if (kiosk.demoAccounts.length > 0) {
        process.stdout.write(
          '本次启动的演示账号（在 /login/ 登录）/ demo accounts for this start (log in at /login/):\n',
        );
        for (const a of kiosk.demoAccounts)
          process.stdout.write(`  ${a.role.padEnd(12)} ${a.name}  ${a.password}\n`);
        process.stdout.write(
          '  每个通道的门口显示屏（同一数据文件夹重启后仍有效）/ a gate display for every lane (kept across restarts of this data folder):\n' +
            `  ${kiosk.url}/display?token=${kiosk.demoDisplayToken ?? ''}\n`,
        );
      }
      if (kiosk.demoNotice) process.stdout.write(`${kiosk.demoNotice.zh}\n${kiosk.demoNotice.en}\n`);
      await new Promise<void>((done) => {
        const shutdown = () => {
          systemd.stopping();
          kiosk.stop().finally(unmark).then(done, done);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });

  registerRosterCommand(program);
  registerExportCommand(program);
  registerUserCommands(program);
  registerDisplayCommands(program);
  registerCollectorCommand(program);
  registerDatabaseCommands(program);
  registerBackupCommands(program);
  registerDoctorCommand(program);
  registerServiceCommands(program);
  registerLogsCommand(program);
  registerGateCommands(program);

  program
    .command('ports')
    .description('list serial ports: path, /dev/serial/by-id links, USB vendor/product ids')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await portsCommand(o);
    });

  program
    .command('diag')
    .description("open the config's devices: raw bytes, decoded events, self-tests, counters")
    .option(
      '--config <file>',
      'config YAML (env GATE_KIOSK_CONFIG)',
      process.env.GATE_KIOSK_CONFIG ?? DEFAULT_CONFIG,
    )
    .option('--device <id>', 'only this device')
    .option('--seconds <n>', 'how long to watch', seconds, 10)
    .option('--json', 'print JSON lines')
    .action(async (o: { config: string; device?: string; seconds: number; json?: boolean }) => {
      await diagCommand({ ...o, config: resolve(o.config) });
    });

  program
    .command('replay')
    .description("replay a fixture transcript through its model's codec and check the expected events")
    .argument('<file>', 'a fixtures/transcripts/*.jsonl file')
    .option('--json', 'print the result as JSON')
    .action((file: string, o: { json?: boolean }) => {
      let transcript: ReturnType<typeof parseTranscript>;
      try {
        transcript = parseTranscript(readFileSync(file, 'utf8'));
      } catch (err) {
        const why = (err as Error).message;
        throw new CommandFailure(`${file}：无法读取录制文件（${why}）`, `${file}: ${why}`);
      }
      const model = transcript.header.model;
      if (!isDeviceModelName(model)) {
        const known = Object.keys(deviceModels).join(', ');
        throw new CommandFailure(
          `${file}：未知型号 "${model}"；已知：${known}`,
          `${file}: unknown model "${model}"; known: ${known}`,
        );
      }
      const result = replayTranscript(transcript, deviceModels[model].createCodec());
      if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const c = result.counters;
        process.stdout.write(
          `${file}：${result.events.length} 个事件；帧 ${c.frames}，校验错误 ${c.badChecksums}，` +
            `跳过字节 ${c.bytesSkipped}，超长 ${c.oversize}\n` +
            `${file}: ${result.events.length} events; frames ${c.frames}, bad checksums ${c.badChecksums}, ` +
            `bytes skipped ${c.bytesSkipped}, oversize ${c.oversize}\n`,
        );
      }
      if (!result.ok) {
        const m = result.mismatch;
        const at = `${file}:${m?.line ?? '?'}`;
        const expected = JSON.stringify(m?.expected);
        const actual = JSON.stringify(m?.actual);
        throw new CommandFailure(
          `${at}：应为 ${expected}，实为 ${actual}`,
          `${at}: expected ${expected}, got ${actual}`,
        );
      }
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    exitCode = failureCode(err);
  }
  return exitCode;
}

function failureCode(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
      return 0;
    return 2;
  }
  if (err instanceof QuietExit) return err.code;
  if (err instanceof RosterImportError) {
    process.stderr.write(`gate-kiosk: 名单 ${err.zhHeadline} / roster ${err.message}\n`);
    for (const e of err.errors) {
      const said = describeRosterError(e);
      process.stderr.write(`  ${said.zh} / ${said.en}\n`);
    }
    return 1;
  }
  const both = bilingual(err);
  if (both) {
    process.stderr.write(`gate-kiosk: ${both.zh} / ${both.en}\n`);
    return 1;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`gate-kiosk: 配置无效 / invalid config ${err.message}\n`);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    process.stderr.write(
      `gate-kiosk: 端口已被占用（${e.message}），请用 --port 换一个 / the port is already in use (${e.message}); choose another with --port\n`,
    );
    return 1;
  }
  process.stderr.write(`gate-kiosk: ${e.message ?? String(err)}\n`);
  return 1;
}

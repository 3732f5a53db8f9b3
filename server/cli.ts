import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { deviceModels, isDeviceModelName } from '../drivers/registry.ts';
import { parseTranscript, replayTranscript } from '../drivers/replay.ts';
import { ConfigError, loadConfig } from '../kiosk/config/load.ts';
import { RosterImportError } from '../kiosk/identities/roster-sync.ts';
import { startKiosk } from './app.ts';
import { AccountFailure, registerDisplayCommands, registerUserCommands } from './commands/accounts.ts';
import { registerBackupCommands } from './commands/backup.ts';
import { registerCollectorCommand } from './commands/collector.ts';
import { bilingual, CommandFailure, QuietExit } from './commands/command-failure.ts';
import { registerDatabaseCommands } from './commands/database.ts';
import { DiagFailure, diagCommand } from './commands/diag.ts';
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
      process.stdout.write(`gate-kiosk ${VERSION} serving ${kiosk.url}/ (data in ${kiosk.config.dataDir})\n`);
      if (kiosk.demoAccounts.length > 0) {
        process.stdout.write('demo accounts for this start (log in at /login/):\n');
        for (const a of kiosk.demoAccounts)
          process.stdout.write(`  ${a.role.padEnd(12)} ${a.name}  ${a.password}\n`);
        process.stdout.write(
          `  a gate display for every lane: ${kiosk.url}/display?token=${kiosk.demoDisplayToken ?? ''}\n`,
        );
      }
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
        throw new CliFailure(`${file}: ${(err as Error).message}`);
      }
      const model = transcript.header.model;
      if (!isDeviceModelName(model)) {
        throw new CliFailure(
          `${file}: unknown model "${model}"; known: ${Object.keys(deviceModels).join(', ')}`,
        );
      }
      const result = replayTranscript(transcript, deviceModels[model].createCodec());
      if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const c = result.counters;
        process.stdout.write(
          `${file}: ${result.events.length} events; frames ${c.frames}, bad checksums ${c.badChecksums}, ` +
            `bytes skipped ${c.bytesSkipped}, oversize ${c.oversize}\n`,
        );
      }
      if (!result.ok) {
        const m = result.mismatch;
        throw new CliFailure(
          `${file}:${m?.line ?? '?'}: expected ${JSON.stringify(m?.expected)}, got ${JSON.stringify(m?.actual)}`,
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

class CliFailure extends Error {}

function failureCode(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
      return 0;
    return 2;
  }
  if (err instanceof QuietExit) return err.code;
  const both = bilingual(err);
  if (both) {
    process.stderr.write(`gate-kiosk: ${both.zh} / ${both.en}\n`);
    return 1;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`gate-kiosk: invalid config ${err.message}\n`);
    return 1;
  }
  if (err instanceof DiagFailure || err instanceof CliFailure || err instanceof AccountFailure) {
    process.stderr.write(`gate-kiosk: ${err.message}\n`);
    return 1;
  }
  if (err instanceof RosterImportError) {
    process.stderr.write(`gate-kiosk: roster ${err.message}\n`);
    for (const e of err.errors) process.stderr.write(`  row ${e.row}, ${e.field}: ${e.message}\n`);
    return 1;
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    process.stderr.write(
      `gate-kiosk: the port is already in use (${e.message}); choose another with --port\n`,
    );
    return 1;
  }
  process.stderr.write(`gate-kiosk: ${e.message ?? String(err)}\n`);
  return 1;
}

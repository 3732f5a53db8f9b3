import { type Command, InvalidArgumentError } from 'commander';
import { startCollector } from '../collector/collector.ts';
import { createLogger } from '../logger.ts';
import { VERSION } from '../version.ts';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('a port number from 0 to 65535');
  return n;
}

/** `gate-kiosk collector [--database URL] [--port N] [--host H]`: the district receiver on PostgreSQL. */
export function registerCollectorCommand(program: Command): void {
  program
    .command('collector')
    .description('the district receiver: stores kiosk uploads in PostgreSQL and serves the district view')
    .option('--database <url>', 'PostgreSQL URL, postgres://user:pass@host:5432/db (env DATABASE_URL)')
    .option('--port <n>', 'HTTP port', portNumber, 8090)
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option('--timezone <tz>', "the schools' time zone, for the district view's day", 'Asia/Shanghai')
    .action(async (o: { database?: string; port: number; host: string; timezone: string }, cmd: Command) => {
      const databaseUrl = o.database ?? process.env.DATABASE_URL;
      if (!databaseUrl) {
        cmd.error('gate-kiosk collector: no database: pass --database URL or set DATABASE_URL', {
          exitCode: 2,
          code: 'collector.noDatabase',
        });
      }
      const collector = await startCollector({
        databaseUrl: databaseUrl as string,
        port: o.port,
        host: o.host,
        timeZone: o.timezone,
        logger: createLogger(),
      });
      process.stdout.write(
        `gate-kiosk ${VERSION} 区级接收端已启动 ${collector.url}/\n` +
          `gate-kiosk ${VERSION} collector serving ${collector.url}/\n`,
      );
      await new Promise<void>((done) => {
        const shutdown = () => {
          collector.stop().then(done, done);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });
}

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../kiosk/config/load.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { DEFAULT_CONFIG } from '../defaults.ts';

export interface DataOptions {
  config: string;
  data?: string;
}

/** `--config F` and `--data DIR`, meaning what they mean for `start`. */
export function withDataOptions(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'config YAML (env GATE_KIOSK_CONFIG)',
      process.env.GATE_KIOSK_CONFIG ?? DEFAULT_CONFIG,
    )
    .option(
      '--data <dir>',
      'data folder (env GATE_KIOSK_DATA; default: the config’s dataDir)',
      process.env.GATE_KIOSK_DATA,
    );
}

export function openKioskData(o: DataOptions): { config: KioskConfig; db: Db } {
  const config = loadConfig(resolve(o.config));
  if (o.data !== undefined) config.dataDir = resolve(o.data);
  return { config, db: openDatabase(config.dataDir, readDatabaseKey(config.encryption)) };
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { TEST_CONFIG } from './kiosk.ts';

/** The test config with `server` keys added, written into `dir`; returns its path. */
export function testConfigWith(dir: string, server: Record<string, unknown>): string {
  const config = parse(readFileSync(TEST_CONFIG, 'utf8')) as Record<string, unknown>;
  config.roster = resolve('fixtures/roster/test-roster.csv');
  config.server = { ...(config.server as object | undefined), ...server };
  const file = join(dir, 'kiosk.yaml');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

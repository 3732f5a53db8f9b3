import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type KioskConfig } from './schema.ts';

/** A config that cannot be used; `problems` lists every one, each starting with its path. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`,
    );
    this.name = 'ConfigError';
  }
}

/** `lanes[1].devices[0].model` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/** Parses and validates YAML text; relative paths become relative to `baseDir`. */
export function parseConfig(text: string, file: string, baseDir: string): KioskConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) throw new ConfigError(file, describeIssues(result.error.issues));
  const config = result.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  config.dataDir = abs(config.dataDir);
  if (config.roster !== undefined) config.roster = abs(config.roster);
  if (config.encryption?.keyFile !== undefined) config.encryption.keyFile = abs(config.encryption.keyFile);
  if (config.server.tls)
    config.server.tls = { cert: abs(config.server.tls.cert), key: abs(config.server.tls.key) };
  if (config.backup.dir !== undefined) config.backup.dir = abs(config.backup.dir);
  if (config.healthCodes.statusDir !== undefined)
    config.healthCodes.statusDir = abs(config.healthCodes.statusDir);
  for (const lane of config.lanes) {
    for (const device of lane.devices)
      if (device.transcript !== undefined) device.transcript = abs(device.transcript);
  }
  return config;
}

export function loadConfig(file: string): KioskConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read the file: ${(err as Error).message}`]);
  }
  return parseConfig(text, file, dirname(resolve(file)));
}

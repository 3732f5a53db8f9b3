import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The key that opens an encrypted database, and where it was read from (for messages). */
export interface DatabaseKey {
  bytes: Buffer;
  from: string;
}

/** Where the key is: the config's `encryption` block (which names a file, never holds the key). */
export interface KeySource {
  keyFile?: string | undefined;
  credential: string;
}

/** The systemd credential read when the config names no key file. */
export const DEFAULT_KEY_CREDENTIAL = 'gate-kiosk-db-key';
export const MIN_KEY_LENGTH = 32;

/** A key that cannot be had or used; the message says so in Chinese, then English. */
export class DatabaseKeyError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} / ${en}`);
    this.name = 'DatabaseKeyError';
  }
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/**
 * Reads the database key: from the config's `keyFile` (which only the kiosk's user may read), else
 * from the systemd credential `credential` in `$CREDENTIALS_DIRECTORY` (`LoadCredential=` or
 * `LoadCredentialEncrypted=` in the unit). Null when encryption is not configured. A trailing line
 * break is not part of the key.
 */
export function readDatabaseKey(
  source: KeySource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DatabaseKey | null {
  if (!source) return null;
  if (source.keyFile !== undefined) return readKeyFile(source.keyFile, `key file ${source.keyFile}`, true);
  const dir = env.CREDENTIALS_DIRECTORY;
  if (!dir) {
    throw new DatabaseKeyError(
      `已开启数据库加密，但没有密钥：请在配置中设置 encryption.keyFile，或以 systemd 凭据 ${source.credential} 提供`,
      `encryption is on but there is no key: set encryption.keyFile in the config, or give the systemd ` +
        `credential ${source.credential} (LoadCredential=${source.credential}:/path/to/key)`,
    );
  }
  return readKeyFile(join(dir, source.credential), `systemd credential ${source.credential}`, false);
}

function readKeyFile(file: string, from: string, checkMode: boolean): DatabaseKey {
  let raw: Buffer;
  try {
    if (checkMode) {
      const mode = statSync(file).mode & 0o777;
      if (mode & 0o077) {
        throw new DatabaseKeyError(
          `密钥文件 ${file} 其他用户也能读取（0${mode.toString(8)}）：请执行 chmod 600 ${file}`,
          `the key file ${file} can be read by others (0${mode.toString(8)}): chmod 600 ${file}`,
        );
      }
    }
    raw = readFileSync(file);
  } catch (err) {
    if (err instanceof DatabaseKeyError) throw err;
    if (code(err) === 'ENOENT') {
      throw new DatabaseKeyError(
        `找不到数据库密钥（${from}）：可用 gate-kiosk db key --out ${file} 生成`,
        `no database key (${from}): make one with gate-kiosk db key --out ${file}`,
      );
    }
    throw new DatabaseKeyError(
      `无法读取数据库密钥（${from}）：${code(err)}`,
      `cannot read the database key (${from}): ${code(err)}`,
    );
  }
  const bytes = raw.subarray(0, raw.length - trailingBreak(raw));
  if (bytes.length < MIN_KEY_LENGTH) {
    throw new DatabaseKeyError(
      `数据库密钥（${from}）太短：至少 ${MIN_KEY_LENGTH} 个字符，可用 gate-kiosk db key 生成`,
      `the database key (${from}) is too short: at least ${MIN_KEY_LENGTH} characters; make one with gate-kiosk db key`,
    );
  }
  return { bytes: Buffer.from(bytes), from };
}

function trailingBreak(b: Buffer): number {
  if (b.at(-1) !== 0x0a) return 0;
  return b.at(-2) === 0x0d ? 2 : 1;
}

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../kiosk/config/load.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { DATABASE_FILE, encryptDatabase, openDatabase } from '../../kiosk/store/database.ts';
import { DatabaseKeyError, readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { PRIVATE_FILE_MODE } from '../../kiosk/store/private-files.ts';
import { type DataOptions, withDataOptions } from './kiosk-data.ts';

/**
 * `gate-kiosk db key --out F` writes a new random key (0600, never over an existing file);
 * `gate-kiosk db encrypt` encrypts the plain database with the key the config names.
 */
export function registerDatabaseCommands(program: Command): void {
  const db = program.command('db').description('the SQLite file: encryption at rest');
  db.command('key')
    .description('write a new random database key to a file only you may read (0600)')
    .requiredOption('--out <file>', 'the key file to make (it must not exist)')
    .action((o: { out: string }) => {
      newKeyCommand(o.out);
    });
  withDataOptions(
    db
      .command('encrypt')
      .description(
        'encrypt the plain database in place with the key the config names (stop the kiosk first)',
      ),
  ).action((o: DataOptions) => {
    encryptCommand(o);
  });
}

export function newKeyCommand(out: string, stdout = process.stdout): void {
  let fd: number;
  try {
    fd = openSync(out, 'wx', PRIVATE_FILE_MODE);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new DatabaseKeyError(
      code === 'EEXIST' ? `${out} 已存在：不会覆盖密钥文件` : `无法创建 ${out}：${code}`,
      code === 'EEXIST' ? `${out} exists: a key file is never overwritten` : `cannot create ${out}: ${code}`,
    );
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
    writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  stdout.write(`已生成密钥 ${out}（0600）/ wrote a new key to ${out} (0600)\n`);
}

export function encryptCommand(o: DataOptions, stdout = process.stdout): void {
  const config = loadConfig(resolve(o.config));
  const dataDir = o.data !== undefined ? resolve(o.data) : config.dataDir;
  const key = readDatabaseKey(config.encryption);
  if (!key) {
    throw new DatabaseKeyError(
      `${o.config} 没有 encryption 设置：请先加上 encryption.keyFile（或 systemd 凭据），再加密`,
      `${o.config} has no encryption block: add encryption.keyFile (or a systemd credential) first`,
    );
  }
  const { pages } = encryptDatabase(dataDir, key);
  // Opened as the kiosk will open it: proves the key works, and the encryption goes into the audit log.
  const db = openDatabase(dataDir, key);
  try {
    new AuditLog(db).append('cli', 'database_encrypt', { pages, key: key.from });
  } finally {
    db.close();
  }
  const file = resolve(dataDir, DATABASE_FILE);
  stdout.write(
    `已加密 ${file}（${pages} 页，密钥：${key.from}）/ encrypted ${file} (${pages} pages, key: ${key.from})\n`,
  );
}

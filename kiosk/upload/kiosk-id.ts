import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE, tightenFile } from '../store/private-files.ts';

export const KIOSK_ID_FILE = 'kiosk-id';

/**
 * This kiosk's name towards the district: made once (host name and a random suffix, so two gates
 * cloned from one image still differ) and kept beside the database, so it survives restarts. The
 * file is 0600, like everything in the data folder.
 */
export function kioskIdFor(dataDir: string): string {
  const file = join(dataDir, KIOSK_ID_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) {
      tightenFile(file);
      return existing;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const host =
    hostname()
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'kiosk';
  const id = `${host}-${randomBytes(3).toString('hex')}`;
  makePrivateDir(dataDir);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
    writeSync(fd, `${id}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return id;
}

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE, tightenOpenFile } from '../kiosk/store/private-files.ts';

/**
 * Small files the kiosk keeps beside its database (0600) from one start to the next: the demo
 * display's token, the demo's check windows. Written whole (a temporary file, fsync, rename).
 */
export function readKeptFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function keepFile(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    tightenOpenFile(fd);
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

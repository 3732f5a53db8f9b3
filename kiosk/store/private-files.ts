import { chmodSync, closeSync, fchmodSync, fstatSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Only the kiosk's own user may list, read or write the data folder: it holds pupils' health data. */
export const PRIVATE_DIR_MODE = 0o700;
/** Only the kiosk's own user may read or write a data file. */
export const PRIVATE_FILE_MODE = 0o600;

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/**
 * Makes the data folder, or tightens an existing one, to 0700 whatever the umask. Refuses a folder
 * anyone may write to (such as /tmp itself): the data needs a folder of its own.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const mode = statSync(dir).mode & 0o7777;
  if (mode & 0o002) {
    throw new Error(
      `${dir}: the data folder is writable by everyone (${octal(mode)}); give the kiosk a folder of its own`,
    );
  }
  if ((mode & 0o777) === PRIVATE_DIR_MODE) return;
  try {
    chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (err) {
    throw new Error(`${dir}: cannot make the data folder private (0700): ${code(err)}`);
  }
}

/** Sets a file that exists to 0600; a file that does not is left alone. */
export function tightenFile(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (err) {
    if (code(err) === 'ENOENT') return;
    throw err;
  }
  if (mode === PRIVATE_FILE_MODE) return;
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch (err) {
    throw new Error(`${file}: cannot make the file private (0600): ${code(err)}`);
  }
}

/** Creates the file empty at 0600 if it is not there, and sets it to 0600 if it is. */
export function makePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  tightenFile(file);
}

/** Sets an open file to 0600 if it is a regular file (not a pipe or terminal such as /dev/stdout). */
export function tightenOpenFile(fd: number): void {
  if (fstatSync(fd).isFile()) fchmodSync(fd, PRIVATE_FILE_MODE);
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

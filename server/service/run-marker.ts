import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Beside the database while a kiosk serves from it: its process id. */
export const RUN_MARKER = 'gate-kiosk.pid';

/** Marks the data folder as served by this process; the returned function takes the mark away. */
export function markRunning(dataDir: string): () => void {
  const file = join(dataDir, RUN_MARKER);
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // gone already
    }
  };
}

/**
 * The kiosk serving from `dataDir`, if one is: the marked process still exists and is a gate-kiosk
 * (a mark left by a kiosk that was killed, or a process id since reused, does not count).
 */
export function runningKiosk(dataDir: string): { pid: number } | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, RUN_MARKER), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('gate-kiosk')) return null;
  } catch {
    // another user's process hidden from us (ProtectProc=invisible): it exists, so count it
  }
  return { pid };
}

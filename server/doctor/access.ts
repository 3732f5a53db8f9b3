import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../service/system.ts';
import type { Subject } from './check.ts';

/** Whether the subject may read and write `path` (for another user, asked through `runuser`). */
export function canReadWrite(subject: Subject, path: string): boolean {
  if (subject.user)
    return run('runuser', ['-u', subject.user, '--', 'test', '-r', path, '-a', '-w', path]).status === 0;
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether the subject can make a file in `dir` (a read-only mount fails even for root). */
export function canWriteIn(subject: Subject, dir: string): { ok: boolean; error?: string } {
  const probe = join(dir, `.doctor-${process.pid}`);
  if (subject.user) {
    const r = run('runuser', ['-u', subject.user, '--', 'sh', '-c', 'touch "$1" && rm -f "$1"', 'sh', probe]);
    return r.status === 0 ? { ok: true } : { ok: false, error: r.stderr.trim() };
  }
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

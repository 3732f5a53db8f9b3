/** One finding of `gate-kiosk doctor`. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

import type { Bilingual } from '../../drivers/types.ts';

export type { Bilingual };

export interface CheckResult extends Bilingual {
  /** Stable name for machines, e.g. `data.space`, `device.1.t1`. */
  id: string;
  status: CheckStatus;
  /** What to do about it (problems and warnings). */
  next?: Bilingual;
  detail?: Record<string, unknown>;
}

export const pass = (id: string, zh: string, en: string, detail?: Record<string, unknown>): CheckResult => ({
  id,
  status: 'pass',
  zh,
  en,
  ...(detail ? { detail } : {}),
});

export const problem = (
  id: string,
  status: 'fail' | 'warn',
  message: Bilingual,
  next: Bilingual,
  detail?: Record<string, unknown>,
): CheckResult => ({ id, status, ...message, next, ...(detail ? { detail } : {}) });

export const skip = (id: string, zh: string, en: string): CheckResult => ({ id, status: 'skip', zh, en });

/** Who the checks of files and devices are made for: this process, or (as root) another user. */
export interface Subject {
  /** Null: this process's own user. */
  user: string | null;
  name: string;
}

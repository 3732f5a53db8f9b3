import type { Bilingual } from '../policy/types.ts';

export type StorageFaultCode = 'full' | 'read_only' | 'io_error';

/** Why the kiosk cannot write its records, worded for the guard's screen and the maintenance log. */
export interface StorageFault {
  code: StorageFaultCode;
  message: Bilingual;
  /** The error as the database reported it (`SQLITE_FULL: database or disk is full`). */
  detail: string;
  at: string;
}

const messages: Record<StorageFaultCode, Bilingual> = {
  full: {
    zh: '存储空间已满，记录无法保存：请立即清理磁盘或联系维护人员',
    en: 'Storage is full, records cannot be saved: free disk space or call maintenance now',
  },
  read_only: {
    zh: '数据库只读，记录无法保存：请联系维护人员',
    en: 'The database is read-only, records cannot be saved: call maintenance',
  },
  io_error: {
    zh: '存储读写出错，记录可能未保存：请联系维护人员',
    en: 'Storage read/write error, records may not be saved: call maintenance',
  },
};

/**
 * Tells a write that failed because of the disk (full, read-only, failing) from any other error, so
 * the kiosk can say so plainly instead of only logging a stack.
 */
export function classifyStorageError(err: unknown, at = new Date()): StorageFault | null {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  let kind: StorageFaultCode | null = null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') kind = 'full';
  else if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    kind = 'read_only';
  else if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'EIO') kind = 'io_error';
  if (!kind) return null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { code: kind, message: messages[kind], detail: `${code}: ${message}`, at: at.toISOString() };
}

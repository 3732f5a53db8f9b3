import { EventEmitter } from 'node:events';
import { classifyStorageError, type StorageFault } from './storage-fault.ts';

export interface StorageHealthEvents {
  /** A new kind of fault (the same fault again says nothing). */
  fault: [fault: StorageFault];
}

/**
 * Whether the kiosk can write its records. Any part whose write fails says so here (the lanes'
 * commits, the uploader's marks); the status pages, the display and /metrics read it. A fault is
 * cleared by a good write of the part that reported it, or by any lane's commit (a screening is the
 * write that matters most).
 */
export class StorageHealth extends EventEmitter<StorageHealthEvents> {
  private fault: StorageFault | null = null;
  /** Which part's write failed: its own next good write clears the fault. */
  private reportedBy: string | null = null;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  /** A write failed: if the disk is the cause, the fault stands until cleared. */
  note(err: unknown, by: string | null = null): StorageFault | null {
    const fault = classifyStorageError(err, new Date(this.now()));
    if (!fault) return null;
    const fresh = this.fault?.code !== fault.code;
    this.fault = fault;
    this.reportedBy = by;
    if (fresh) this.emit('fault', fault);
    return fault;
  }

  /** A write went through: clears every fault, or with `by` only one that part reported. */
  clear(by: string | null = null): void {
    if (by !== null && this.reportedBy !== by) return;
    this.fault = null;
    this.reportedBy = null;
  }

  current(): StorageFault | null {
    return this.fault;
  }
}

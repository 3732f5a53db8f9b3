/** Reconnect delays: start at `initialMs`, grow by `factor` each failure, never beyond `maxMs`. */
export interface BackoffOptions {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1000, factor: 1.5, maxMs: 30_000 };

export function backoffDelayMs(attempt: number, opts: BackoffOptions): number {
  return Math.min(opts.maxMs, Math.round(opts.initialMs * opts.factor ** Math.max(0, attempt)));
}

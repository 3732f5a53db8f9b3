/** A command failed for a reason a person can act on; said in Chinese, then English (exit 1). */
export class CommandFailure extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'CommandFailure';
  }
}

/** An error that carries its own message in both languages (`{zh, en}`). */
export function bilingual(err: unknown): { zh: string; en: string } | null {
  const e = err as { zh?: unknown; en?: unknown } | null;
  return e && typeof e.zh === 'string' && typeof e.en === 'string' ? { zh: e.zh, en: e.en } : null;
}

/** The command has said what it had to (a report with problems in it) and ends with this code. */
export class QuietExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'QuietExit';
  }
}

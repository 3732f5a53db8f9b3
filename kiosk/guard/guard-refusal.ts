import type { Bilingual } from '../policy/types.ts';

/**
 * A guard action that does not fit, or names a screening that does not exist: said in Chinese (`zh`)
 * and English (`message`).
 */
export class GuardRefusal extends Error {
  readonly zh: string;
  constructor(
    readonly kind: 'not_found' | 'conflict',
    readonly code: string,
    message: Bilingual,
  ) {
    super(message.en);
    this.zh = message.zh;
  }
}

import type { Bilingual } from '../policy/types.ts';

/**
 * A case change the rules do not allow, or a case that does not exist: the caller says which to the
 * user, in Chinese (`zh`) and English (`message`).
 */
export class CaseRefusal extends Error {
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

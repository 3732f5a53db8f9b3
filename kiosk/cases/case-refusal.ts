/** A case change the rules do not allow, or a case that does not exist: the caller says which to the user. */
export class CaseRefusal extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

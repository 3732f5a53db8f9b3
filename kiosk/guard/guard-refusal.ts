/** A guard action that does not fit, or names a screening that does not exist. */
export class GuardRefusal extends Error {
  constructor(
    readonly kind: 'not_found' | 'conflict',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

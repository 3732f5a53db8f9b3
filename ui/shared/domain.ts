// Vocabulary of the kiosk as the browser sees it (docs/architecture.md, "What the pages see"): the
// types are the wire contract's (contract/vocabulary.ts); the lists here let a page check a value.
import type * as Wire from '../../contract/vocabulary.ts';

export type * from '../../contract/vocabulary.ts';

/** Every value of `T`, once: the compiler refuses a list that misses one. */
export function every<T extends string>() {
  return <const L extends readonly T[]>(values: L & ([Exclude<T, L[number]>] extends [never] ? L : never)) =>
    values;
}

export const DECISIONS = every<Wire.Decision>()([
  'pass',
  'fever',
  'retake',
  'code_yellow',
  'code_red',
  'verify',
  'unknown_person',
  'no_identity',
  'not_measured',
]);

export const HEALTH_CODES = every<Wire.HealthCode>()(['green', 'yellow', 'red', 'unknown']);

/** A guard's answers at the gate to a decision that is not a pass. */
export const GUARD_ACTIONS = every<Wire.GuardAction>()([
  'admit_checked',
  'send_to_nurse',
  'register_visitor',
  'refuse',
  'measure_again',
]);

export const DEVICE_ROLES = every<Wire.DeviceRole>()(['thermometer', 'scanner', 'card-reader', 'relay']);

export const DEVICE_STATES = every<Wire.DeviceState>()(['online', 'offline', 'error']);

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** What the guard's tablet and the nurse's console call a health code. */
export const CODE_LABELS: Record<Wire.HealthCode, Wire.BilingualText> = {
  green: { zh: '绿码', en: 'green' },
  yellow: { zh: '黄码', en: 'yellow' },
  red: { zh: '红码', en: 'red' },
  unknown: { zh: '未知', en: 'unknown' },
};

// Vocabulary of the kiosk as the browser sees it (docs/architecture.md, "What the pages see").

export const DECISIONS = [
  'pass',
  'fever',
  'retake',
  'code_yellow',
  'code_red',
  'verify',
  'unknown_person',
  'no_identity',
  'not_measured',
] as const;
export type Decision = (typeof DECISIONS)[number];

export const HEALTH_CODES = ['green', 'yellow', 'red', 'unknown'] as const;
export type HealthCode = (typeof HEALTH_CODES)[number];

/** A guard's answers at the gate to a decision that is not a pass. */
export const GUARD_ACTIONS = [
  'admit_checked',
  'send_to_nurse',
  'register_visitor',
  'refuse',
  'measure_again',
] as const;
export type GuardAction = (typeof GUARD_ACTIONS)[number];

export const DEVICE_ROLES = ['thermometer', 'scanner', 'card-reader', 'relay'] as const;
export type DeviceRole = (typeof DEVICE_ROLES)[number];

export const DEVICE_STATES = ['online', 'offline', 'error'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

/** A short text shown to people at the gate: Chinese first, English below. */
export interface BilingualText {
  zh: string;
  en: string;
}

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

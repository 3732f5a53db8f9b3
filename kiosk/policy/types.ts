/** The names of the public contract: decisions, health codes. */
export const decisions = [
  'pass',
  'fever',
  'retake',
  'code_yellow',
  'code_red',
  'verify',
  'unknown_person',
  'no_identity',
] as const;
export type Decision = (typeof decisions)[number];

export const healthCodes = ['green', 'yellow', 'red', 'unknown'] as const;
export type HealthCode = (typeof healthCodes)[number];

export interface Bilingual {
  zh: string;
  en: string;
}

/** Why a decision was taken; `code` is stable for programs, the texts are for people. */
export interface Reason extends Bilingual {
  code: string;
}

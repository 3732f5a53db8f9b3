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
  'not_measured',
] as const;
export type Decision = (typeof decisions)[number];

/** Decisions that say nothing final about a person's check: a re-take follows, or no reading came. */
export const uncountedDecisions: readonly Decision[] = ['retake', 'not_measured'];

export const healthCodes = ['green', 'yellow', 'red', 'unknown'] as const;
export type HealthCode = (typeof healthCodes)[number];

import type { Bilingual } from '../../drivers/types.ts';

export type { Bilingual };

/** Why a decision was taken; `code` is stable for programs, the texts are for people. */
export interface Reason extends Bilingual {
  code: string;
}

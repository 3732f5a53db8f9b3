import type { Decision } from './types.ts';

/**
 * How serious a reading and a decision are: the one place the fever comparison and the ranking of
 * decisions live, for the gate's decision, the nurse's re-check and a repeat scan alike.
 */

/** Temperatures compared in hundredths, so 37.3 ≥ 37.3 holds whatever the float says. */
export const hundredths = (c: number): number => Math.round(c * 100);

/** A reading at or above the fever threshold is a fever (at the gate, and on the nurse's re-check). */
export function isFever(temperatureC: number, feverC: number): boolean {
  return hundredths(temperatureC) >= hundredths(feverC);
}

/** How serious each decision is, to tell whether a repeat scan found something new. */
const severity: Record<Decision, number> = {
  pass: 0,
  retake: 1,
  not_measured: 1,
  verify: 2,
  unknown_person: 2,
  no_identity: 2,
  code_yellow: 3,
  fever: 4,
  code_red: 5,
};

/** Whether `decision` says nothing more serious than `earlier` did. */
export function noMoreSerious(decision: Decision, earlier: Decision): boolean {
  return severity[decision] <= severity[earlier];
}

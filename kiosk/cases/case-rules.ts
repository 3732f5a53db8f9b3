import type { Decision } from '../policy/types.ts';

/** Decisions that hand the entrant to the nurse: each opens a case when it is committed. */
export const caseDecisions = ['fever', 'code_yellow', 'code_red', 'verify'] as const;
export type CaseDecision = (typeof caseDecisions)[number];

export const recheckMethods = ['axillary', 'oral', 'ear'] as const;
export type RecheckMethod = (typeof recheckMethods)[number];

export const dispositions = ['admitted', 'observation', 'sent_home', 'referred'] as const;
export type Disposition = (typeof dispositions)[number];

export function opensCase(decision: Decision): decision is CaseDecision {
  return (caseDecisions as readonly string[]).includes(decision);
}

/** A gate reading is a screening, not a diagnosis: a fever case closes only after a clinical re-check. */
export function needsRecheckToClose(decision: CaseDecision): boolean {
  return decision === 'fever';
}

/** Whoever was sent home or to a fever clinic shows a return certificate (复课证明) before the next pass. */
export function needsReturnCertificate(disposition: Disposition): boolean {
  return disposition === 'sent_home' || disposition === 'referred';
}

/** Monday of the school-local week a `YYYY-MM-DD` date falls in. */
export function weekStart(localDate: string): string {
  const day = new Date(`${localDate}T00:00:00Z`);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

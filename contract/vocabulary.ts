// The kiosk's vocabulary on the wire: decisions, health codes, a guard's answers, devices, symptoms,
// and the bilingual texts every refusal and message carries. Types only, each from the module that
// owns it: the server's routes and sockets and the pages import them from here, and nothing of this
// module reaches a page's bundle.
export type { DeviceRole, DeviceState } from '../drivers/types.ts';
export type { AbsenceReason } from '../kiosk/absences/reasons.ts';
export type { Disposition, RecheckMethod } from '../kiosk/cases/case-rules.ts';
export type { Symptom } from '../kiosk/cases/symptoms.ts';
/** A guard's answers at the gate to a decision that is not a pass. */
export type { GuardActionKind as GuardAction } from '../kiosk/guard/actions.ts';
/** `BilingualText`: a short text shown to people: Chinese first, English below. */
export type { Bilingual as BilingualText, Decision, HealthCode } from '../kiosk/policy/types.ts';

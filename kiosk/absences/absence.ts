import type { AbsenceReason, Symptom } from './reasons.ts';

/** A call or visit about an absent pupil (随访). */
export interface FollowUp {
  at: string;
  by: string;
  note: string;
}

/** A pupil expected at a check and not screened by its cut-off (因病缺勤缺课追踪). */
export interface Absence {
  id: string;
  localDate: string;
  session: string;
  personId: string;
  name: string;
  grade: number | null;
  className: string | null;
  listedAt: string;
  reason: AbsenceReason;
  symptoms: Symptom[];
  doctorSeen: boolean | null;
  diagnosis: string | null;
  followUps: FollowUp[];
  /** Closed by a screening after the cut-off: the pupil came late. */
  status: 'open' | 'arrived';
  arrivedAt: string | null;
  arrivalScreeningId: string | null;
  /** Chased on the console until a reason is known, unless the pupil has arrived. */
  chased: boolean;
  /** Increases with every change; each revision is one outbox record. */
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

/** What a nurse or head teacher records; fields left out keep their value. */
export interface AbsenceChange {
  reason: AbsenceReason;
  symptoms?: Symptom[];
  doctorSeen?: boolean | null;
  diagnosis?: string | null;
  followUps?: FollowUp[];
}

/** The outbox record id of one revision of an absence: stable, and new for every change. */
export function absenceRecordId(absenceId: string, revision: number): string {
  return `${absenceId}:${revision}`;
}

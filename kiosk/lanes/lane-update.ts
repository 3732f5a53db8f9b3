import type { GuardActionKind } from '../guard/actions.ts';
import type { Bilingual, Decision, HealthCode } from '../policy/types.ts';

/** What a gate display shows for one lane (the contract's `lane:update`). */
export interface LaneUpdate {
  laneId: string;
  seq: number;
  at: string;
  state: 'idle' | 'waiting' | 'decided';
  decision?: Decision;
  person?: { displayName: string; className: string };
  temperatureC?: number;
  healthCode?: HealthCode;
  message: Bilingual;
  /** A second line for the guard: the lane this person should use, or that they were already screened. */
  hint?: Bilingual;
  /** The person was already screened this session: this is their earlier decision, not a new record. */
  repeat?: boolean;
  screeningId?: string;
  /** A guard answered this decision by hand; `message` then says what was done. */
  action?: GuardActionKind;
  /** The account of the guard who acted. */
  resolvedBy?: string;
}

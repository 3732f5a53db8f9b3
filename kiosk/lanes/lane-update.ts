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
  screeningId?: string;
}

// A guard's answer at the gate, `POST /api/lanes/:laneId/guard-actions` (server/http/guard-routes.ts):
// what the guard's tablet sends. Types only, from the kiosk's guard desk that checks them.
import type { GuardActionInput } from '../kiosk/guard/guard-desk.ts';

export type { HandCheck, Visitor } from '../kiosk/guard/actions.ts';

/** The body of an answer: the action, with what it needs (what was checked, who the visitor is). */
export type GuardActionRequest = GuardActionInput;

/** The same, less the screening it answers: what a flag on the tablet chooses. */
export type GuardActionChoice = GuardActionInput extends infer A
  ? A extends GuardActionInput
    ? Omit<A, 'screeningId'>
    : never
  : never;

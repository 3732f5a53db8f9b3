// The guard page offers, for each decision, the answers the kiosk accepts for it: the page keeps its
// own table (it speaks only HTTP), and a button the server refuses would be a dead end at the gate.
import { describe, expect, it } from 'vitest';
import { actionsFor, guardActionKinds, handChecks } from '../../kiosk/guard/actions.ts';
import { ACTION_LABELS, ACTIONS_FOR, CHECK_LABELS, HAND_CHECKS, needsAnswer } from '../../ui/guard/labels.ts';
import { DECISIONS } from '../../ui/shared/domain.ts';

describe('the guard page and the kiosk agree on the answers', () => {
  it('offers exactly the answers the kiosk accepts, decision by decision', () => {
    for (const decision of DECISIONS)
      expect([decision, ACTIONS_FOR[decision]]).toEqual([decision, actionsFor[decision]]);
    expect(Object.keys(ACTIONS_FOR).sort()).toEqual(Object.keys(actionsFor).sort());
  });

  it('asks the guard for an answer only where the kiosk expects one', () => {
    for (const decision of DECISIONS) expect(needsAnswer(decision)).toBe(actionsFor[decision].length > 0);
  });

  it('names every answer and every check the kiosk knows, Chinese first', () => {
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...guardActionKinds].sort());
    expect([...HAND_CHECKS].sort()).toEqual([...handChecks].sort());
    expect(Object.keys(CHECK_LABELS).sort()).toEqual([...handChecks].sort());
    for (const label of [...Object.values(ACTION_LABELS), ...Object.values(CHECK_LABELS)])
      expect(label.zh).toMatch(/\p{Script=Han}/u);
  });
});

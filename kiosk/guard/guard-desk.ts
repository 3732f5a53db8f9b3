import type { CaseDesk } from '../cases/case-desk.ts';
import type { Bilingual } from '../policy/types.ts';
import type { CaseRecord } from '../store/cases.ts';
import type { GuardAction, GuardActionFilter, GuardActionStore } from '../store/guard-actions.ts';
import { newRecordId } from '../store/ids.ts';
import type { ScreeningStore } from '../store/screenings.ts';
import {
  actionMessages,
  actionNames,
  actionsFor,
  decisionNames,
  type GuardActionKind,
  type HandCheck,
  type Visitor,
} from './actions.ts';
import { GuardRefusal } from './guard-refusal.ts';

/** What the guard sent: the action, and what it needs (what was checked, who the visitor is). */
export type GuardActionInput =
  | { action: 'admit_checked'; screeningId: string; checked: HandCheck; note?: string | undefined }
  | { action: 'send_to_nurse'; screeningId: string; note?: string | undefined }
  | { action: 'register_visitor'; screeningId: string; visitor: Visitor }
  | { action: 'refuse'; screeningId: string; note?: string | undefined }
  | { action: 'measure_again'; screeningId: string };

/** The lane a tile belongs to, as far as a guard's answer is concerned. */
export interface GuardLane {
  readonly id: string;
  showGuardAction(
    screeningId: string,
    action: GuardActionKind,
    message: Bilingual,
    resolvedBy: string,
  ): boolean;
}

export interface GuardDeskDeps {
  store: GuardActionStore;
  screenings: Pick<ScreeningStore, 'get'>;
  cases: Pick<CaseDesk, 'closeAtGate' | 'announce'>;
  lanes: readonly GuardLane[];
}

export interface GuardActed {
  action: GuardAction;
  /** False when the lane tile had already moved on to someone else. */
  shown: boolean;
}

const handCheckLabels: Record<HandCheck, string> = {
  paper_certificate: '纸质证明 paper certificate',
  phone_code: '手机健康码 phone code',
  district_call: '致电教育局 call to the district',
};

/** The guard's answers at the gate: checked against the decision, stored, and shown on the tile. */
export class GuardDesk {
  constructor(private readonly deps: GuardDeskDeps) {}

  act(laneId: string, input: GuardActionInput, actor: string, at = new Date()): GuardActed {
    const lane = this.deps.lanes.find((l) => l.id === laneId);
    if (!lane) {
      throw new GuardRefusal('not_found', 'not_found', {
        zh: `没有通道“${laneId}”`,
        en: `no lane "${laneId}"`,
      });
    }
    const screening = this.deps.screenings.get(input.screeningId);
    if (!screening || screening.laneId !== laneId) {
      throw new GuardRefusal('not_found', 'not_found', {
        zh: `在通道“${laneId}”找不到这条检测记录（${input.screeningId}）`,
        en: `no screening "${input.screeningId}" at lane "${laneId}"`,
      });
    }
    const fits = actionsFor[screening.decision];
    if (!fits.includes(input.action)) {
      const decision = decisionNames[screening.decision];
      throw new GuardRefusal('conflict', 'action_does_not_fit', {
        zh:
          `“${actionNames[input.action].zh}”不适用于“${decision}”的结果` +
          (fits.length
            ? `（可用：${fits.map((f) => actionNames[f].zh).join('、')}）`
            : '（此结果由校医处理，门卫无需操作）'),
        en:
          `"${input.action}" does not answer a "${screening.decision}" decision` +
          (fits.length ? ` (use ${fits.join(' or ')})` : ' (no guard action does)'),
      });
    }
    const earlier = this.deps.store.byScreening(screening.id);
    if (earlier) {
      throw new GuardRefusal('conflict', 'already_answered', {
        zh: `这条已有人处理：${actionNames[earlier.action].zh}（${earlier.actor}）`,
        en: `screening "${screening.id}" was already answered (${earlier.action} by ${earlier.actor})`,
      });
    }
    if (input.action === 'register_visitor' && screening.reasons.some((r) => r.code === 'temperature_high')) {
      throw new GuardRefusal('conflict', 'fever_reading', {
        zh: '访客体温异常：请谢绝入校，不要登记',
        en: 'the visitor’s reading was a fever: refuse entry rather than register them',
      });
    }
    const action: GuardAction = {
      id: newRecordId(at.getTime()),
      at: at.toISOString(),
      localDate: screening.localDate,
      laneId,
      screeningId: screening.id,
      decision: screening.decision,
      action: input.action,
      checked: input.action === 'admit_checked' ? input.checked : null,
      visitor: input.action === 'register_visitor' ? input.visitor : null,
      note: 'note' in input && input.note !== undefined ? input.note : null,
      actor,
    };
    let closedCase = null as CaseRecord | null;
    this.deps.store.record(action, screening, () => {
      if (input.action !== 'admit_checked') return;
      closedCase = this.deps.cases.closeAtGate(screening.id, {
        note: `门卫人工核验 checked at the gate: ${handCheckLabels[input.checked]}${input.note ? ` · ${input.note}` : ''}`,
        guardianContact: null,
        at: action.at,
        recordedBy: actor,
      });
    });
    if (closedCase) this.deps.cases.announce(closedCase);
    const shown = lane.showGuardAction(screening.id, action.action, actionMessages[action.action], actor);
    return { action, shown };
  }

  list(filter: GuardActionFilter = {}): GuardAction[] {
    return this.deps.store.list(filter);
  }
}

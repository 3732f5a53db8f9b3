// What the guard page calls things, and which answers fit which decision (as the server checks).
import type { HandCheck } from '../../contract/guard.ts';
import { type Decision, every, type GuardAction } from '../shared/domain.ts';

export type { HandCheck };

type Label = { zh: string; en: string };

export const HAND_CHECKS = every<HandCheck>()(['paper_certificate', 'phone_code', 'district_call']);

export const ACTIONS_FOR: Record<Decision, readonly GuardAction[]> = {
  pass: [],
  fever: [],
  code_yellow: [],
  code_red: [],
  verify: ['admit_checked', 'send_to_nurse'],
  unknown_person: ['register_visitor', 'refuse'],
  no_identity: ['measure_again'],
  retake: ['measure_again'],
  not_measured: ['measure_again'],
};

export const ACTION_LABELS: Record<GuardAction, Label> = {
  admit_checked: { zh: '人工核验 放行', en: 'Checked by hand: admit' },
  send_to_nurse: { zh: '转校医', en: 'Send to nurse' },
  register_visitor: { zh: '访客登记', en: 'Register visitor' },
  refuse: { zh: '谢绝入校', en: 'Refuse' },
  measure_again: { zh: '重新测温', en: 'Measure again' },
};

export const CHECK_LABELS: Record<HandCheck, Label> = {
  paper_certificate: { zh: '纸质证明', en: 'Paper certificate' },
  phone_code: { zh: '手机健康码', en: 'Phone code' },
  district_call: { zh: '致电教育局', en: 'Called the district' },
};

export const DECISION_LABELS: Record<Decision, Label> = {
  pass: { zh: '通过', en: 'Pass' },
  fever: { zh: '发热 已转校医', en: 'Fever: with the nurse' },
  retake: { zh: '读数不可信', en: 'Reading not usable' },
  code_yellow: { zh: '黄码 已转校医', en: 'Yellow code: with the nurse' },
  code_red: { zh: '红码 禁止入校', en: 'Red code: no entry' },
  verify: { zh: '需人工核验', en: 'Verify by hand' },
  unknown_person: { zh: '名单中无此人', en: 'Not on the roster' },
  no_identity: { zh: '测温前未扫码', en: 'No scan before the reading' },
  not_measured: { zh: '扫码后未测温', en: 'Scanned, not measured' },
};

/** What a flag needs from the guard, per decision that needs an answer. */
export const NEEDS: Partial<Record<Decision, Label>> = {
  verify: {
    zh: '核验健康证明后放行，或转校医',
    en: 'Check their health proof by hand, or send them to the nurse',
  },
  unknown_person: {
    zh: '名单中无此人：登记访客，或谢绝入校',
    en: 'Not on the roster: register a visitor, or refuse',
  },
  no_identity: {
    zh: '有人未扫码就测温：请其扫码后重新测温',
    en: 'Someone measured without scanning: have them scan and measure again',
  },
  retake: { zh: '读数不可信：请其重新测温', en: 'The reading was not usable: have them measure again' },
  not_measured: {
    zh: '扫码后未测温就离开：请找回此人测温',
    en: 'Scanned but never measured: bring them back to measure',
  },
};

/** Decisions that wait in the guard's queue until answered: those some guard action answers. */
export function needsAnswer(decision: Decision): boolean {
  return ACTIONS_FOR[decision].length > 0;
}

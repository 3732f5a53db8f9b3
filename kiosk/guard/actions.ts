import type { Bilingual, Decision } from '../policy/types.ts';

/** What a guard can answer at the gate when a lane does not say pass. */
export const guardActionKinds = [
  'admit_checked',
  'send_to_nurse',
  'register_visitor',
  'refuse',
  'measure_again',
] as const;
export type GuardActionKind = (typeof guardActionKinds)[number];

/** How a guard checked a `verify` by hand. */
export const handChecks = ['paper_certificate', 'phone_code', 'district_call'] as const;
export type HandCheck = (typeof handChecks)[number];

export interface Visitor {
  name: string;
  phone: string;
  /** Whom they came to see. */
  visiting: string;
  reason: string;
}

/** The answers that fit each decision; a pass needs none, and the nurse takes every fever and code. */
export const actionsFor: Record<Decision, readonly GuardActionKind[]> = {
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

/** What the lane tile says once the guard has acted. */
export const actionMessages: Record<GuardActionKind, Bilingual> = {
  admit_checked: { zh: '已人工核验 放行', en: 'Checked by hand: admitted' },
  send_to_nurse: { zh: '已转校医 请到复检区', en: 'Sent to the nurse' },
  register_visitor: { zh: '访客已登记 放行', en: 'Visitor registered: admitted' },
  refuse: { zh: '谢绝入校', en: 'Entry refused' },
  measure_again: { zh: '请重新扫码测温', en: 'Scan and measure again' },
};

/** What each answer is called, in a refusal or a list. */
export const actionNames: Record<GuardActionKind, Bilingual> = {
  admit_checked: { zh: '人工核验放行', en: 'admit_checked' },
  send_to_nurse: { zh: '转校医', en: 'send_to_nurse' },
  register_visitor: { zh: '访客登记', en: 'register_visitor' },
  refuse: { zh: '谢绝入校', en: 'refuse' },
  measure_again: { zh: '重新测温', en: 'measure_again' },
};

/** What each decision is called in a guard's refusal. */
export const decisionNames: Record<Decision, string> = {
  pass: '通过',
  fever: '发热',
  retake: '读数不可信',
  code_yellow: '黄码',
  code_red: '红码',
  verify: '需人工核验',
  unknown_person: '名单中无此人',
  no_identity: '测温前未扫码',
  not_measured: '扫码后未测温',
};

import type { Decision } from '../shared/domain.ts';

export const DECISION_LABELS: Record<Decision, { zh: string; en: string }> = {
  pass: { zh: '通过', en: 'pass' },
  fever: { zh: '发热', en: 'fever' },
  retake: { zh: '重测', en: 'retake' },
  code_yellow: { zh: '黄码', en: 'yellow code' },
  code_red: { zh: '红码', en: 'red code' },
  verify: { zh: '人工核验', en: 'verify' },
  unknown_person: { zh: '未登记人员', en: 'unknown person' },
  no_identity: { zh: '未扫码', en: 'no identity' },
  not_measured: { zh: '未测温', en: 'not measured' },
};

export const REASON_LABELS = {
  sick: { zh: '因病', en: 'sick' },
  personal: { zh: '事假', en: 'personal' },
  unknown: { zh: '原因不明（待追踪）', en: 'unknown (being chased)' },
} as const;

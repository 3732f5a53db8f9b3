/** The contract's absence reasons and symptoms, with the words the school's forms use. */
export const absenceReasons = ['sick', 'personal', 'unknown'] as const;
export type AbsenceReason = (typeof absenceReasons)[number];

import { type Symptom, symptoms } from '../cases/symptoms.ts';

export { type Symptom, symptoms };

export const reasonLabels: Record<AbsenceReason, { zh: string; en: string }> = {
  sick: { zh: '因病', en: 'sick' },
  personal: { zh: '事假', en: 'personal' },
  unknown: { zh: '原因不明', en: 'unknown' },
};

export const symptomLabels: Record<Symptom, { zh: string; en: string }> = {
  fever: { zh: '发热', en: 'fever' },
  cough: { zh: '咳嗽', en: 'cough' },
  fatigue: { zh: '乏力', en: 'fatigue' },
  sore_throat: { zh: '咽痛', en: 'sore throat' },
  runny_nose: { zh: '流涕', en: 'runny nose' },
  diarrhoea: { zh: '腹泻', en: 'diarrhoea' },
  vomiting: { zh: '呕吐', en: 'vomiting' },
  rash: { zh: '皮疹', en: 'rash' },
  other: { zh: '其他', en: 'other' },
};

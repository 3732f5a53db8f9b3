// What the console calls things, in Chinese and English.
import type {
  AbsenceReason,
  Disposition,
  RecheckMethod as Method,
  Symptom,
} from '../../contract/vocabulary.ts';
import { type Decision, every } from '../shared/domain.ts';

export type { AbsenceReason, Disposition, Method, Symptom };

export const SYMPTOMS = every<Symptom>()([
  'fever',
  'cough',
  'fatigue',
  'sore_throat',
  'runny_nose',
  'diarrhoea',
  'vomiting',
  'rash',
  'other',
]);

export const METHODS = every<Method>()(['axillary', 'oral', 'ear']);

export const DISPOSITIONS = every<Disposition>()(['admitted', 'observation', 'sent_home', 'referred']);

export const ABSENCE_REASONS = every<AbsenceReason>()(['sick', 'personal', 'unknown']);

type Label = { zh: string; en: string };

export const REASON_LABELS: Record<AbsenceReason, Label> = {
  sick: { zh: '因病', en: 'sick' },
  personal: { zh: '事假', en: 'personal' },
  unknown: { zh: '原因不明', en: 'unknown' },
};

export const SYMPTOM_LABELS: Record<Symptom, Label> = {
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

export const METHOD_LABELS: Record<Method, Label> = {
  axillary: { zh: '腋温', en: 'axillary' },
  oral: { zh: '口温', en: 'oral' },
  ear: { zh: '耳温', en: 'ear' },
};

export const DISPOSITION_LABELS: Record<Disposition, Label> = {
  admitted: { zh: '返回班级', en: 'Admitted to class' },
  observation: { zh: '留观', en: 'Observation room' },
  sent_home: { zh: '家长接回', en: 'Sent home with guardian' },
  referred: { zh: '转诊发热门诊', en: 'Referred to a fever clinic' },
};

export const DECISION_LABELS: Record<Decision, Label> = {
  pass: { zh: '通过', en: 'pass' },
  fever: { zh: '发热', en: 'fever' },
  retake: { zh: '重测', en: 'retake' },
  code_yellow: { zh: '黄码', en: 'yellow code' },
  code_red: { zh: '红码', en: 'red code' },
  verify: { zh: '待核验', en: 'verify' },
  unknown_person: { zh: '未登记', en: 'unknown' },
  no_identity: { zh: '未扫码', en: 'no scan' },
  not_measured: { zh: '未测温', en: 'not measured' },
};

export const SESSION_LABELS: Record<string, string> = {
  morning: '晨检',
  noon: '午检',
  evening: '晚检',
  unscheduled: '时段外',
};

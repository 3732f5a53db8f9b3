/** The contract's symptom names, as a nurse records them at a re-check or for a sick absence. */
export const symptoms = [
  'fever',
  'cough',
  'fatigue',
  'sore_throat',
  'runny_nose',
  'diarrhoea',
  'vomiting',
  'rash',
  'other',
] as const;
export type Symptom = (typeof symptoms)[number];

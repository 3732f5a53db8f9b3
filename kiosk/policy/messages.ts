import type { Bilingual, Decision } from './types.ts';

/** The short instruction a guard and the entrant read on the lane tile, per decision. */
export const decisionMessages: Record<Decision, Bilingual> = {
  pass: { zh: '请通行', en: 'Please proceed' },
  fever: { zh: '体温异常 请到复检区', en: 'Fever: go to the re-check area' },
  retake: { zh: '请重新测温', en: 'Measure again' },
  code_yellow: { zh: '黄码 请到复检区', en: 'Yellow code: go to re-check' },
  code_red: { zh: '红码 禁止入校', en: 'Red code: entry refused' },
  verify: { zh: '请人工核验', en: 'Verify by hand' },
  unknown_person: { zh: '未登记 请找门卫', en: 'Not registered: see the guard' },
  no_identity: { zh: '请先扫码再测温', en: 'Scan your code, then measure' },
  not_measured: { zh: '扫码后未测温', en: 'Scanned, not measured' },
};

/**
 * What the tile says for a decision: a fever says 体温异常 and, in English, the reading (the tile shows
 * the temperature beside it in large figures); the others say `decisionMessages`.
 */
export function decisionMessage(decision: Decision, temperatureC: number | null): Bilingual {
  if (decision === 'fever' && temperatureC !== null) {
    const shown = (Math.round(temperatureC * 10) / 10).toFixed(1);
    return { zh: '体温异常 请到复检区', en: `Fever ${shown} °C: go to the re-check area` };
  }
  return decisionMessages[decision];
}

/** A reading came before any scan: the tile asks for the scan at once. */
export const heldMessage: Bilingual = { zh: '已测温 请扫码', en: 'Measured: now scan your code' };
/** The order of scans and readings could not be known: the people involved start again. */
export const ambiguousMessage: Bilingual = { zh: '请重新扫码测温', en: 'Scan and measure again' };

export const idleMessage: Bilingual = { zh: '请扫码', en: 'Scan your code' };
export const waitingMessage: Bilingual = { zh: '请测温', en: 'Measure your temperature' };

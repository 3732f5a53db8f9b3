// The short spoken prompts of the gate display, in Chinese, as commercial terminals say them. The
// browser speaks them where it has a zh-CN voice; elsewhere the display plays the clips made from
// the same texts with espeak-ng by scripts/make-voice-clips.mjs (ui/display/voice-*.wav).
import type { LaneUpdate } from '../../contract/display-events.ts';

export const PROMPTS = {
  pass: '请通行',
  fever: '体温异常，请到复检区',
  retake: '请重新测温',
  code_yellow: '黄码，请到复检区',
  code_red: '红码，禁止入校',
  verify: '请人工核验',
  unknown_person: '未登记，请找门卫',
  no_identity: '请先扫码，再测温',
  scan: '请扫码',
  again: '请重新扫码测温',
} as const;

export type PromptKey = keyof typeof PROMPTS;

/** The clip for a prompt, beside the page. */
export const clipFile = (key: PromptKey): string => `voice-${key.replace(/_/g, '-')}.wav`;

/** Said with the decision: the tile's own reading of it (`已测温 请扫码` asks for the scan). */
const AGAIN = '请重新扫码测温';
const HELD = '已测温 请扫码';

/** What to say for a tile update, or null: a guard's answer, an idle tile and a missed scan say nothing. */
export function promptFor(update: LaneUpdate): PromptKey | null {
  if (update.action) return null;
  if (update.state === 'waiting') return update.message.zh === HELD ? 'scan' : null;
  if (update.state !== 'decided' || !update.decision) return null;
  if (update.message.zh === AGAIN) return 'again';
  switch (update.decision) {
    case 'not_measured':
      return null;
    default:
      return update.decision;
  }
}

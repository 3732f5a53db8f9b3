// Spoken prompts on the gate display: the browser's speechSynthesis where it has a Chinese (zh-CN)
// voice, else the prompt's clip played through the alarm's AudioContext (so it sounds exactly when
// the alarms may). `?voice=off` in the display's URL turns voices off for that screen.
import type { AlertSound } from './alert-sound.ts';
import { clipFile, PROMPTS, type PromptKey } from './voice-prompts.ts';

export type VoiceMode = 'off' | 'speech' | 'clips';

/** Wait this long after an alarm's beeps before speaking, so the two do not overlap. */
const AFTER_BEEPS_S = { red: 0.95, amber: 0.55, none: 0 } as const;

function chineseVoice(): SpeechSynthesisVoice | null {
  if (typeof speechSynthesis === 'undefined') return null;
  const voices = speechSynthesis.getVoices();
  return (
    voices.find((v) => /^zh[-_]CN$/i.test(v.lang)) ??
    voices.find((v) => /^(zh|cmn)([-_]Hans)?([-_]|$)/i.test(v.lang) && !/HK|TW|yue/i.test(v.lang)) ??
    null
  );
}

export class VoicePrompts {
  private voice: SpeechSynthesisVoice | null = null;
  private readonly clips = new Map<PromptKey, AudioBuffer>();
  private loading: Promise<void> | null = null;
  private playing: AudioBufferSourceNode | null = null;
  private speechRefused = false;
  /** How many prompts were started, and the last one: for the page's data attributes. */
  spoken = 0;
  last: PromptKey | null = null;

  constructor(
    private readonly sound: AlertSound,
    private readonly on: boolean,
    private readonly onModeChange: (mode: VoiceMode) => void = () => {},
  ) {
    if (!on) {
      onModeChange('off');
      return;
    }
    this.voice = chineseVoice();
    if (typeof speechSynthesis !== 'undefined') {
      speechSynthesis.addEventListener('voiceschanged', () => {
        this.voice = chineseVoice();
        this.onModeChange(this.mode);
      });
    }
    onModeChange(this.mode);
  }

  get mode(): VoiceMode {
    if (!this.on) return 'off';
    return this.voice && !this.speechRefused ? 'speech' : 'clips';
  }

  /** Reads the clips once the alarm's AudioContext exists (they are small: ~10 s of speech in all). */
  load(): Promise<void> {
    const context = this.sound.audioContext;
    if (!this.on || !context) return Promise.resolve();
    this.loading ??= Promise.all(
      (Object.keys(PROMPTS) as PromptKey[]).map(async (key) => {
        try {
          const res = await fetch(new URL(clipFile(key), window.location.href));
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          this.clips.set(key, await context.decodeAudioData(await res.arrayBuffer()));
        } catch (err) {
          console.warn(`display: voice clip ${clipFile(key)} could not be read`, err);
        }
      }),
    ).then(() => {
      document.body.dataset.voiceClips = String(this.clips.size);
    });
    return this.loading;
  }

  /** Says the prompt after the alarm of `after` (if any); a newer prompt cuts an older one short. */
  say(key: PromptKey, after: 'red' | 'amber' | 'none' = 'none'): void {
    if (!this.on || !this.sound.enabled) return;
    this.spoken++;
    this.last = key;
    document.body.dataset.lastPrompt = key;
    document.body.dataset.promptsSpoken = String(this.spoken);
    const delayS = AFTER_BEEPS_S[after];
    if (this.mode === 'speech') this.speak(key, delayS);
    else this.playClip(key, delayS);
  }

  private speak(key: PromptKey, delayS: number): void {
    const utterance = new SpeechSynthesisUtterance(PROMPTS[key]);
    utterance.lang = 'zh-CN';
    try {
      if (this.voice) utterance.voice = this.voice;
    } catch {
      // A voice this browser will not take: the language alone picks one.
    }
    utterance.rate = 1.05;
    utterance.addEventListener('error', (event) => {
      // A browser that refuses speech without a gesture: the clips take over.
      if (event.error === 'not-allowed') {
        this.speechRefused = true;
        this.onModeChange(this.mode);
        this.playClip(key, 0);
      }
    });
    speechSynthesis.cancel();
    window.setTimeout(() => speechSynthesis.speak(utterance), delayS * 1000);
  }

  private playClip(key: PromptKey, delayS: number): void {
    const context = this.sound.audioContext;
    const clip = this.clips.get(key);
    if (!context || !clip) {
      void this.load();
      return;
    }
    try {
      this.playing?.stop();
    } catch {
      // Already ended.
    }
    const source = context.createBufferSource();
    source.buffer = clip;
    source.connect(context.destination);
    source.start(context.currentTime + delayS);
    this.playing = source;
  }
}

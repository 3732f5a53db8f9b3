// The alert sounds, made with WebAudio oscillators (no audio files): two tones repeated for a red
// decision, one soft tone for amber, silence for a pass. Sound is tried as soon as the page loads: a
// kiosk browser started with `--autoplay-policy=no-user-gesture-required` allows it at once; other
// browsers allow it only after a click, key or touch, and `enabled` stays false until then.
import type { Tone } from './labels.ts';

interface Beep {
  frequencyHz: number;
  startS: number;
  durationS: number;
  gain: number;
  type: OscillatorType;
}

const RED_ALERT: Beep[] = [0, 1].flatMap((round) => [
  { frequencyHz: 988, startS: round * 0.44, durationS: 0.18, gain: 0.32, type: 'square' as const },
  { frequencyHz: 659, startS: round * 0.44 + 0.2, durationS: 0.18, gain: 0.32, type: 'square' as const },
]);
const AMBER_ALERT: Beep[] = [{ frequencyHz: 740, startS: 0, durationS: 0.45, gain: 0.28, type: 'sine' }];
const ENABLED_BLIP: Beep[] = [{ frequencyHz: 880, startS: 0, durationS: 0.08, gain: 0.12, type: 'sine' }];

export class AlertSound {
  private context: AudioContext | null = null;
  private blipped = false;

  /** Called whenever sound becomes allowed or blocked. */
  constructor(private readonly onChange: (enabled: boolean) => void = () => {}) {}

  /** Sound is playing out: the browser allowed it. */
  get enabled(): boolean {
    return this.context?.state === 'running';
  }

  get audioContext(): AudioContext | null {
    return this.context;
  }

  /** Tries to start sound: at page load (allowed in kiosk mode) and again on every gesture until it runs. */
  async enable(): Promise<void> {
    if (!this.context) {
      if (typeof AudioContext === 'undefined') return;
      this.context = new AudioContext();
      this.context.addEventListener('statechange', () => this.changed());
    }
    if (this.context.state !== 'running') {
      // Without a gesture (or the kiosk flag) the browser keeps it suspended; resume() then waits.
      await Promise.race([
        this.context.resume().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 300)),
      ]);
    }
    this.changed();
  }

  private changed(): void {
    if (this.enabled && !this.blipped) {
      this.blipped = true;
      this.schedule(ENABLED_BLIP);
    }
    this.onChange(this.enabled);
  }

  alertFor(tone: Tone): void {
    if (tone === 'red') this.schedule(RED_ALERT);
    else if (tone === 'amber') this.schedule(AMBER_ALERT);
  }

  private schedule(beeps: Beep[]): void {
    const context = this.context;
    if (!context) return;
    if (context.state === 'suspended') void context.resume();
    const t0 = context.currentTime + 0.02;
    for (const beep of beeps) {
      const oscillator = context.createOscillator();
      const envelope = context.createGain();
      oscillator.type = beep.type;
      oscillator.frequency.value = beep.frequencyHz;
      const start = t0 + beep.startS;
      const end = start + beep.durationS;
      // Short ramps at both ends avoid clicks.
      envelope.gain.setValueAtTime(0, start);
      envelope.gain.linearRampToValueAtTime(beep.gain, start + 0.012);
      envelope.gain.setValueAtTime(beep.gain, end - 0.03);
      envelope.gain.linearRampToValueAtTime(0, end);
      oscillator.connect(envelope).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(end + 0.01);
    }
  }
}

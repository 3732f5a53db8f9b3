// A chime for something new that needs a person (a case for the nurse, a flag for the guard), made
// with WebAudio (no audio files). Browsers allow sound only after a user gesture, so nothing plays
// until enable() has been called from one; `blocked` says so for the page to show.

export class Chime {
  private context: AudioContext | null = null;

  get enabled(): boolean {
    return this.context !== null && this.context.state === 'running';
  }

  /** Tries to start sound; from a user gesture it succeeds, elsewhere only where autoplay is allowed. */
  async enable(): Promise<void> {
    if (!this.context) {
      if (typeof AudioContext === 'undefined') return;
      this.context = new AudioContext();
    }
    if (this.context.state === 'suspended') await this.context.resume().catch(() => undefined);
  }

  /** Three rising tones: distinct from the gate display's alarms. */
  play(): void {
    const context = this.context;
    if (!context) return;
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    const t0 = context.currentTime + 0.02;
    [660, 880, 1100].forEach((frequencyHz, i) => {
      const oscillator = context.createOscillator();
      const envelope = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequencyHz;
      const start = t0 + i * 0.16;
      const end = start + 0.22;
      // Short ramps at both ends avoid clicks.
      envelope.gain.setValueAtTime(0, start);
      envelope.gain.linearRampToValueAtTime(0.25, start + 0.015);
      envelope.gain.linearRampToValueAtTime(0, end);
      oscillator.connect(envelope).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(end + 0.01);
    });
  }
}

/**
 * Sound for a staff page: tries at once (a kiosk browser may allow it), else on the first click, key
 * or touch; `onChange(enabled)` lets the page show or hide its "sound is off" switch.
 */
export function enableOnGesture(chime: Chime, onChange: (enabled: boolean) => void): void {
  const events = ['pointerdown', 'keydown', 'touchstart'] as const;
  const attempt = (): void => {
    void chime.enable().then(() => {
      onChange(chime.enabled);
      if (!chime.enabled) return;
      for (const type of events) document.removeEventListener(type, attempt, true);
    });
  };
  for (const type of events) document.addEventListener(type, attempt, true);
  attempt();
}

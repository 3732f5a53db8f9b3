// A chime for a new case, made with WebAudio (no audio files). Browsers allow sound only after a
// user gesture, so nothing plays until enable() has been called from one.

export class CaseChime {
  private context: AudioContext | null = null;

  get enabled(): boolean {
    return this.context !== null;
  }

  async enable(): Promise<void> {
    if (!this.context) {
      if (typeof AudioContext === 'undefined') return;
      this.context = new AudioContext();
    }
    if (this.context.state === 'suspended') await this.context.resume();
  }

  /** Three rising tones: distinct from the gate display's alarms. */
  play(): void {
    const context = this.context;
    if (!context) return;
    if (context.state === 'suspended') void context.resume();
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

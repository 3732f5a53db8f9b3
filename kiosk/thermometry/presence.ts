export interface PresenceOptions {
  /** A forehead is there when the object reads at least this much above ambient... */
  presenceDeltaC: number;
  /** ...and at least this warm (a hot sunlit wall is not a person). */
  minObjectC: number;
  /** How long the reading must hold steady. */
  dwellMs: number;
  /** How steady: max − min over the dwell. */
  stableSpreadC: number;
  /** Someone who never holds still is measured anyway after this long, as unstable. */
  maxDwellMs: number;
}

export const defaultPresence: PresenceOptions = {
  presenceDeltaC: 1.5,
  minObjectC: 28,
  dwellMs: 600,
  stableSpreadC: 0.3,
  maxDwellMs: 3000,
};

export interface ForeheadSample {
  objectC: number;
  ambientC: number;
  atMs: number;
}

export interface ForeheadReading {
  /** Median forehead value over the steady dwell (or the whole stay when unstable). */
  objectC: number;
  ambientC: number;
  stable: boolean;
}

/**
 * Turns a module's continuous object/ambient stream into one reading per person: someone steps up
 * (object clearly above ambient), holds still for the dwell, and is measured once; the next reading
 * waits until they have stepped away (half the presence margin, so noise at the edge does not
 * measure twice).
 */
export class PresenceDetector {
  private state: 'absent' | 'present' | 'measured' = 'absent';
  private since = 0;
  /** Samples of the last `dwellMs`, oldest first, and monotonic deques of indices for min and max. */
  private readonly window = new SampleWindow();

  constructor(
    private readonly opts: PresenceOptions,
    private readonly onReading: (reading: ForeheadReading) => void,
  ) {}

  accept(sample: ForeheadSample): void {
    const o = this.opts;
    const delta = sample.objectC - sample.ambientC;
    if (this.state === 'measured') {
      if (delta < o.presenceDeltaC / 2 || sample.objectC < o.minObjectC) this.state = 'absent';
      return;
    }
    if (delta < o.presenceDeltaC || sample.objectC < o.minObjectC) {
      this.state = 'absent';
      this.window.clear();
      return;
    }
    if (this.state === 'absent') {
      this.state = 'present';
      this.since = sample.atMs;
      this.window.clear();
    }
    this.window.push(sample, sample.atMs - o.dwellMs);
    if (
      sample.atMs - this.since >= o.dwellMs &&
      this.window.size >= 3 &&
      this.window.spread() <= o.stableSpreadC
    ) {
      this.measure(true);
    } else if (sample.atMs - this.since >= o.maxDwellMs) this.measure(false);
  }

  private measure(stable: boolean): void {
    const samples = this.window.samples();
    this.state = 'measured';
    this.window.clear();
    this.onReading({
      objectC: median(samples.map((s) => s.objectC)),
      ambientC: median(samples.map((s) => s.ambientC)),
      stable,
    });
  }
}

/** A sliding time window with O(1) amortised min/max, for the per-frame hot path. */
class SampleWindow {
  private items: ForeheadSample[] = [];
  private head = 0;
  private mins: number[] = [];
  private maxs: number[] = [];
  private seq = 0;
  private firstSeq = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.mins = [];
    this.maxs = [];
    this.firstSeq = this.seq;
  }

  push(sample: ForeheadSample, dropBeforeMs: number): void {
    const at = this.seq++;
    this.items.push(sample);
    const v = sample.objectC;
    while (this.mins.length && this.value(this.mins[this.mins.length - 1] as number) >= v) this.mins.pop();
    this.mins.push(at);
    while (this.maxs.length && this.value(this.maxs[this.maxs.length - 1] as number) <= v) this.maxs.pop();
    this.maxs.push(at);
    while (this.size > 0 && (this.items[this.head] as ForeheadSample).atMs < dropBeforeMs) {
      this.head++;
      const dropped = this.firstSeq + this.head - 1;
      if (this.mins[0] === dropped) this.mins.shift();
      if (this.maxs[0] === dropped) this.maxs.shift();
    }
    if (this.head > 1024) {
      this.items = this.items.slice(this.head);
      this.firstSeq += this.head;
      this.head = 0;
    }
  }

  spread(): number {
    if (this.size === 0) return 0;
    return this.value(this.maxs[0] as number) - this.value(this.mins[0] as number);
  }

  samples(): ForeheadSample[] {
    return this.items.slice(this.head);
  }

  private value(seq: number): number {
    return (this.items[seq - this.firstSeq] as ForeheadSample).objectC;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const m = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return Math.round(m * 100) / 100;
}

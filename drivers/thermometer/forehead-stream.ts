import type { SimulatorOptions } from '../model.ts';
import { seededRandom } from '../sim-random.ts';
import type { DeviceSimulator, SimulatedAction, WireChunk } from '../types.ts';
import { NOMINAL_FOREHEAD_OFFSET_C } from '../types.ts';

const APPROACH = [0.15, 0.4, 0.65, 0.85, 0.95];
const STEADY_FRAMES = 15;
const LEAVE = [0.7, 0.45, 0.25, 0.1, 0.03];

export interface ForeheadStreamOptions extends SimulatorOptions {
  seed: number;
  /** Continuous output rate: one frame every `intervalMs`. */
  intervalMs: number;
  /** The model's frame for an object and an ambient temperature. */
  encode(objectC: number, ambientC: number): Uint8Array;
  /** Whether the second half of a split frame comes 1–4 ms late (else 1 ms). */
  jitterSplit: boolean;
}

/**
 * A forehead module in continuous mode: `idle()` is one frame of an empty lane (object ≈ ambient ≈
 * 24 °C); `measure` is a forehead coming into view, ~1 s steady at `objectC`, and leaving again, each
 * frame in one or two chunks.
 */
export function createForeheadStreamSimulator(opts: ForeheadStreamOptions): DeviceSimulator {
  const random = seededRandom(opts.seed);
  const between = (low: number, high: number): number => low + random() * (high - low);
  const roomC = 24 + between(-0.5, 0.5);

  function frameChunks(objectC: number, ambientC: number): WireChunk[] {
    const bytes = opts.encode(objectC, ambientC);
    if (random() < 0.5) return [{ delayMs: opts.intervalMs, bytes }];
    const cut = 1 + Math.floor(random() * (bytes.length - 1));
    return [
      { delayMs: opts.intervalMs, bytes: bytes.slice(0, cut) },
      { delayMs: opts.jitterSplit ? Math.round(between(1, 4)) : 1, bytes: bytes.slice(cut) },
    ];
  }

  return {
    idle() {
      const ambientC = roomC + between(-0.02, 0.02);
      return { intervalMs: opts.intervalMs, bytes: opts.encode(ambientC + between(-0.15, 0.15), ambientC) };
    },
    emit(action: SimulatedAction): WireChunk[] {
      if (action.kind !== 'measure') return [];
      const ambientC = action.ambientC ?? roomC;
      const targetC = action.objectC ?? action.bodyC - NOMINAL_FOREHEAD_OFFSET_C;
      const ambient = (): number => ambientC + between(-0.02, 0.02);
      const towards = (share: number): number => ambientC + (targetC - ambientC) * share;
      const chunks: WireChunk[] = [];
      for (const share of APPROACH) chunks.push(...frameChunks(towards(share), ambient()));
      for (let i = 0; i < STEADY_FRAMES; i++) {
        chunks.push(...frameChunks(targetC + between(-0.05, 0.05), ambient()));
      }
      for (const share of LEAVE) chunks.push(...frameChunks(towards(share), ambient()));
      return chunks;
    },
  };
}

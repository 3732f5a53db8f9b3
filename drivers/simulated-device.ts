import type { Transcript } from './replay.ts';
import type { SimulatedPorts } from './transport/port-factory.ts';
import type { DeviceSimulator, SimulatedAction, WireChunk } from './types.ts';

/**
 * A device that is not there: its simulator turns an action into the model's real bytes, which are
 * put on a simulated port chunk by chunk, with the gaps a real device leaves between them. Devices
 * that stream while nobody is there keep streaming; request/response devices answer what the host
 * writes; a recorded transcript can be played instead, once or in a loop.
 */
export class SimulatedDevice {
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private idleTimer: NodeJS.Timeout | null = null;
  private playing = 0;
  private stopped = false;

  constructor(
    private readonly ports: SimulatedPorts,
    readonly path: string,
    private readonly simulator: DeviceSimulator,
  ) {}

  /** Starts the idle stream of a continuous-mode device. */
  start(): void {
    const idle = this.simulator.idle?.();
    if (!idle || this.idleTimer) return;
    this.idleTimer = setInterval(() => {
      if (this.playing > 0) return;
      const frame = this.simulator.idle?.();
      if (frame) this.ports.inject(this.path, frame.bytes);
    }, idle.intervalMs);
  }

  /** Plays an action after the ones already playing; resolves when its last byte is on the wire. */
  play(action: SimulatedAction): Promise<void> {
    return this.playChunks(this.simulator.emit(action));
  }

  /** The host wrote to the device: a request/response device answers. */
  hostWrote(bytes: Uint8Array): void {
    const answer = this.simulator.respond?.(bytes);
    if (answer?.length) void this.playChunks(answer);
  }

  /** Plays a recorded transcript's device-to-host chunks with their original timing. */
  async playTranscript(transcript: Transcript, loop: boolean): Promise<void> {
    do {
      let lastT = 0;
      const chunks: WireChunk[] = [];
      for (const entry of transcript.entries) {
        if (entry.type !== 'chunk' || entry.dir !== 'rx') continue;
        chunks.push({ delayMs: Math.max(0, entry.tMs - lastT), bytes: entry.bytes });
        lastT = entry.tMs;
      }
      if (chunks.length === 0) return;
      await this.playChunks(chunks);
      if (loop) await this.sleep(500);
    } while (loop && !this.stopped);
  }

  /** Raw bytes straight onto the wire (benchmarks). */
  inject(bytes: Uint8Array): boolean {
    return this.ports.inject(this.path, bytes);
  }

  stop(): void {
    this.stopped = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private playChunks(chunks: WireChunk[]): Promise<void> {
    this.playing++;
    this.chain = this.chain.then(async () => {
      try {
        for (const chunk of chunks) {
          if (this.stopped) return;
          if (chunk.delayMs > 0) await this.sleep(chunk.delayMs);
          this.ports.inject(this.path, chunk.bytes);
        }
      } finally {
        this.playing--;
      }
    });
    return this.chain;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }
}

import type { SimulatedPorts } from './transport/port-factory.ts';
import type { DeviceSimulator, SimulatedAction } from './types.ts';

/**
 * A device that is not there: its simulator turns an action into the model's real bytes, which are
 * put on a simulated port chunk by chunk, with the gaps a real device leaves between them.
 */
export class SimulatedDevice {
  private chain: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ports: SimulatedPorts,
    readonly path: string,
    private readonly simulator: DeviceSimulator,
  ) {}

  /** Plays an action after the ones already playing; resolves when its last byte is on the wire. */
  play(action: SimulatedAction): Promise<void> {
    const chunks = this.simulator.emit(action);
    this.chain = this.chain.then(async () => {
      for (const chunk of chunks) {
        if (chunk.delayMs > 0) await this.sleep(chunk.delayMs);
        this.ports.inject(this.path, chunk.bytes);
      }
    });
    return this.chain;
  }

  /** Raw bytes straight onto the wire (fixtures, benchmarks). */
  inject(bytes: Uint8Array): boolean {
    return this.ports.inject(this.path, bytes);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
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

import { EventEmitter } from 'node:events';
import type { DeviceEvent, IdentityEvent } from '../../drivers/types.ts';
import type { LaneConfig } from '../config/schema.ts';
import type { GuardActionKind } from '../guard/actions.ts';
import { maskName } from '../identities/mask.ts';
import type { Person } from '../identities/person.ts';
import { decisionMessages, idleMessage, waitingMessage } from '../policy/messages.ts';
import type { Bilingual } from '../policy/types.ts';
import type { LaneContext, Screened, Screener } from '../screening/screener.ts';
import type { Calibration } from '../thermometry/calibration.ts';
import { LaneThermometry } from '../thermometry/lane-thermometry.ts';
import { defaultPresence, type PresenceOptions } from '../thermometry/presence.ts';
import type { Reading } from '../thermometry/reading.ts';
import type { LaneUpdate } from './lane-update.ts';
import { type Clock, LanePairing, type PairingOutput, systemClock } from './pairing.ts';

export interface LaneEvents {
  update: [update: LaneUpdate];
  screened: [screened: Screened];
  /** A decision could not be committed: nothing is shown as decided, the reading is not lost silently. */
  failure: [error: Error];
}

export interface LaneOptions {
  config: LaneConfig;
  /** Thresholds and grade assignments the screener applies at this lane. */
  context: LaneContext;
  screener: Screener;
  pairWindowMs: number;
  /** How long a decision stays on the tile before the lane shows idle again. */
  holdMs: number;
  presence?: PresenceOptions;
  /** The lane's current thermometer calibration (forehead modules only). */
  calibration?: () => Calibration | null;
  clock?: Clock;
}

/** One screening lane: pairs its devices' events, decides through the screener, and says what to show. */
export class Lane extends EventEmitter<LaneEvents> {
  readonly id: string;
  private readonly pairing: LanePairing<Reading>;
  private readonly thermometry: LaneThermometry;
  private readonly clock: Clock;
  private seq = 0;
  private current: LaneUpdate;
  /** The last decision shown, so a guard's answer to it can be shown with the same facts. */
  private lastDecided: LaneUpdate | null = null;
  private cancelHold: (() => void) | null = null;
  /** Decisions are shown in the order their readings came, even when a status lookup takes a while. */
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly opts: LaneOptions) {
    super();
    this.id = opts.config.id;
    this.clock = opts.clock ?? systemClock;
    this.pairing = new LanePairing<Reading>(opts.pairWindowMs, (out) => this.onPairing(out), this.clock);
    this.thermometry = new LaneThermometry({
      presence: opts.presence ?? defaultPresence,
      calibration: opts.calibration ?? (() => null),
      onReading: (reading) => this.pairing.onTemperature(reading),
    });
    this.current = this.make({ state: 'idle', message: idleMessage });
  }

  get config(): LaneConfig {
    return this.opts.config;
  }

  get latest(): LaneUpdate {
    return this.current;
  }

  accept(event: DeviceEvent): void {
    if (event.kind === 'identity') this.pairing.onIdentity(event);
    else this.thermometry.accept(event, this.clock.now());
  }

  dispose(): void {
    this.disposed = true;
    this.pairing.dispose();
    this.cancelHold?.();
  }

  /** Resolves once every reading paired so far has been decided and shown. */
  settled(): Promise<void> {
    return this.queue;
  }

  private onPairing(out: PairingOutput<Reading>): void {
    if (out.kind === 'waiting') {
      const person = this.opts.screener.whoIs(out.identity);
      this.show({
        state: 'waiting',
        message: waitingMessage,
        ...(person ? { person: personView(person) } : {}),
      });
      return;
    }
    if (out.kind === 'expired') {
      if (this.current.state === 'waiting') this.show({ state: 'idle', message: idleMessage });
      return;
    }
    const { identity, temperature, at } = out;
    this.queue = this.queue.then(() => this.decideAndShow(identity, temperature, at));
  }

  private async decideAndShow(identity: IdentityEvent | null, reading: Reading, atMs: number): Promise<void> {
    let screened: Screened;
    try {
      screened = await this.opts.screener.screen(this.opts.context, identity, reading, new Date(atMs));
    } catch (err) {
      this.emit('failure', err as Error);
      if (this.disposed) return;
      this.show({
        state: 'decided',
        decision: 'verify',
        message: { zh: '记录失败 请人工核验', en: 'Not recorded: verify by hand' },
      });
      return;
    }
    if (this.disposed) return;
    const { record, person, repeat } = screened;
    this.emit('screened', screened);
    const hint = repeat
      ? { zh: '本时段已检测', en: 'Already screened this session' }
      : record.reasons.find((r) => r.code === 'wrong_lane');
    this.show({
      state: 'decided',
      decision: record.decision,
      ...(person ? { person: personView(person) } : {}),
      ...(record.temperatureC !== null ? { temperatureC: Math.round(record.temperatureC * 10) / 10 } : {}),
      healthCode: record.healthCode,
      message: decisionMessages[record.decision],
      ...(hint ? { hint: { zh: hint.zh, en: hint.en } } : {}),
      ...(repeat ? { repeat: true } : {}),
      screeningId: record.id,
    });
    this.lastDecided = this.current;
    this.holdThenIdle();
  }

  /**
   * A guard answered a decision by hand: the tile says what was done, unless it has moved on to
   * someone else. Returns whether it was shown.
   */
  showGuardAction(
    screeningId: string,
    action: GuardActionKind,
    message: Bilingual,
    resolvedBy: string,
  ): boolean {
    const decided = this.lastDecided;
    if (this.disposed || decided?.screeningId !== screeningId) return false;
    if (this.current.state !== 'idle' && this.current.screeningId !== screeningId) return false;
    const { laneId: _laneId, seq: _seq, at: _at, hint: _hint, repeat: _repeat, ...facts } = decided;
    this.show({ ...facts, message, action, resolvedBy });
    this.holdThenIdle();
    return true;
  }

  private holdThenIdle(): void {
    this.cancelHold = this.clock.setTimer(this.opts.holdMs, () => {
      this.cancelHold = null;
      if (this.current.state === 'decided') this.show({ state: 'idle', message: idleMessage });
    });
  }

  private show(update: Omit<LaneUpdate, 'laneId' | 'seq' | 'at'>): void {
    if (update.state !== 'decided' || this.cancelHold) {
      this.cancelHold?.();
      this.cancelHold = null;
    }
    this.current = this.make(update);
    this.emit('update', this.current);
  }

  private make(update: Omit<LaneUpdate, 'laneId' | 'seq' | 'at'>): LaneUpdate {
    return { laneId: this.id, seq: ++this.seq, at: new Date(this.clock.now()).toISOString(), ...update };
  }
}

/** What a public screen may show of a person: masked name and class, nothing else. */
function personView(p: Person): { displayName: string; className: string } {
  const className =
    p.kind === 'staff'
      ? '教职工'
      : p.grade !== null && p.className
        ? `${p.grade}年级${p.className}`
        : (p.className ?? '');
  return { displayName: maskName(p.name), className };
}

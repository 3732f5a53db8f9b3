import { EventEmitter } from 'node:events';
import type { DeviceEvent } from '../../drivers/types.ts';
import type { LaneConfig } from '../config/schema.ts';
import type { GuardActionKind } from '../guard/actions.ts';
import { maskName } from '../identities/mask.ts';
import type { Person } from '../identities/person.ts';
import { readingNeedsRetake } from '../policy/decide.ts';
import {
  ambiguousMessage,
  decisionMessage,
  heldMessage,
  idleMessage,
  waitingMessage,
} from '../policy/messages.ts';
import type { Bilingual } from '../policy/types.ts';
import type { LaneContext, Screened, Screener } from '../screening/screener.ts';
import type { Calibration } from '../thermometry/calibration.ts';
import { LaneThermometry } from '../thermometry/lane-thermometry.ts';
import { defaultPresence, type PresenceOptions } from '../thermometry/presence.ts';
import type { Reading } from '../thermometry/reading.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { LaneUpdate } from './lane-update.ts';
import {
  type AmbiguityCause,
  LaneVisits,
  type VisitInput,
  type VisitOutput,
  type VisitRules,
} from './visits.ts';

export interface LaneEvents {
  update: [update: LaneUpdate];
  screened: [screened: Screened];
  /** A decision could not be committed: nothing is shown as decided, the reading is not lost silently. */
  failure: [error: Error];
  /** A decision for the guard that leaves the tile alone: someone scanned and was never measured. */
  flag: [update: LaneUpdate];
  /** The order of scans and readings could not be known: `people` verify, `readings` go on nobody. */
  ambiguous: [info: { people: number; readings: number; cause: AmbiguityCause }];
}

export interface LaneOptions {
  config: LaneConfig;
  /** Thresholds and grade assignments the screener applies at this lane. */
  context: LaneContext;
  screener: Screener;
  /** How scans and readings make visits (waits, re-take window, reading first, the order grace). */
  visits: VisitRules;
  /** How long a decision stays on the tile before the lane shows idle again. */
  holdMs: number;
  presence?: PresenceOptions;
  /** The lane's current thermometer calibration (forehead modules only). */
  calibration?: () => Calibration | null;
  clock?: Clock;
}

/** Where a lane event came from and when its bytes were read (see drivers/transport/read-stamp.ts). */
export interface EventSource {
  deviceId: string;
  atMs: number;
  /** Events of one turn from different devices came in no known order. */
  turn: number;
}

/**
 * One screening lane: turns its devices' events into visits (kiosk/lanes/visits.ts), decides through
 * the screener, commits, and says what to show. A decision is shown only after its commit, and the
 * lane's decisions are shown in the order their readings came.
 */
export class Lane extends EventEmitter<LaneEvents> {
  readonly id: string;
  /** Since start: times the order of scans and readings could not be known, and visits closed unmeasured. */
  readonly counts = { orderUnknown: 0, notMeasured: 0 };
  /** `orderUnknown` by why the order was not known. */
  readonly orderUnknownBy: Record<AmbiguityCause, number> = {
    same_turn: 0,
    scan_in_grace: 0,
    around_pair: 0,
    after_ambiguity: 0,
    between_readings: 0,
  };
  private readonly visits: LaneVisits<Reading>;
  private readonly thermometry: LaneThermometry;
  private readonly clock: Clock;
  private seq = 0;
  private current: LaneUpdate;
  /** The last decision shown, so a guard's answer to it can be shown with the same facts. */
  private lastDecided: LaneUpdate | null = null;
  private cancelHold: (() => void) | null = null;
  private cancelDeadline: (() => void) | null = null;
  /** This turn's events per device, in each device's order; given to the visits at the end of the turn. */
  private turn: { id: number; atMs: number; streams: Map<string, VisitInput<Reading>[]> } | null = null;
  private readingSource = '';
  /** Decisions are shown in the order their readings came, even when a status lookup takes a while. */
  private shown: Promise<void> = Promise.resolve();
  private disposed = false;
  private nextTurn = -1;

  constructor(private readonly opts: LaneOptions) {
    super();
    this.id = opts.config.id;
    this.clock = opts.clock ?? systemClock;
    const { feverC, minPlausibleC } = opts.context.rules;
    this.visits = new LaneVisits<Reading>(
      opts.visits,
      (r) => readingNeedsRetake(r.bodyC, r.stable, { feverC, minPlausibleC }),
      (identity) => opts.screener.keyOf(identity),
    );
    this.thermometry = new LaneThermometry({
      presence: opts.presence ?? defaultPresence,
      calibration: opts.calibration ?? (() => null),
      onReading: (reading) => this.buffer(this.readingSource, { kind: 'reading', reading }),
    });
    this.current = this.make({ state: 'idle', message: idleMessage });
  }

  get config(): LaneConfig {
    return this.opts.config;
  }

  get latest(): LaneUpdate {
    return this.current;
  }

  /**
   * A device's event. Events of one turn are gathered and handed over together at the end of the
   * turn; without a source (tests, the simulator) each event is a turn of its own.
   */
  accept(event: DeviceEvent, source?: EventSource): void {
    if (this.disposed) return;
    // Stamps are taken on the system clock; the lane's own clock (a test's may be set to a session) rules.
    const atMs = this.clock.now() - (source ? Math.max(0, Date.now() - source.atMs) : 0);
    const src = { deviceId: source?.deviceId ?? event.kind, atMs, turn: source?.turn ?? this.nextTurn-- };
    if (this.turn && this.turn.id !== src.turn) this.endTurn();
    if (!this.turn) {
      this.turn = { id: src.turn, atMs: src.atMs, streams: new Map() };
      if (source) setImmediate(() => this.endTurn());
    }
    this.turn.atMs = Math.max(this.turn.atMs, src.atMs);
    if (event.kind === 'identity') this.buffer(src.deviceId, { kind: 'scan', identity: event });
    else {
      this.readingSource = src.deviceId;
      this.thermometry.accept(event, src.atMs);
    }
    if (!source) this.endTurn();
  }

  /** Hands this turn's events to the visits. */
  endTurn(): void {
    const turn = this.turn;
    this.turn = null;
    if (!turn || this.disposed || turn.streams.size === 0) return;
    this.handle(this.visits.accept([...turn.streams.values()], Math.max(turn.atMs, this.clock.now())));
  }

  private buffer(deviceId: string, input: VisitInput<Reading>): void {
    const streams = this.turn?.streams;
    if (!streams) return;
    const list = streams.get(deviceId);
    if (list) list.push(input);
    else streams.set(deviceId, [input]);
  }

  dispose(): void {
    this.disposed = true;
    this.cancelDeadline?.();
    this.cancelHold?.();
  }

  /** Resolves once every reading handed over so far has been decided and shown. */
  settled(): Promise<void> {
    return this.shown;
  }

  private handle(outputs: VisitOutput<Reading>[]): void {
    for (const out of outputs) this.onVisit(out);
    this.cancelDeadline?.();
    this.cancelDeadline = null;
    const due = this.visits.nextDeadline();
    if (due !== null && !this.disposed) {
      this.cancelDeadline = this.clock.setTimer(Math.max(0, due - this.clock.now()), () => {
        this.cancelDeadline = null;
        if (!this.disposed) this.handle(this.visits.tick(Math.max(due, this.clock.now())));
      });
    }
  }

  private onVisit(out: VisitOutput<Reading>): void {
    const ctx = this.opts.context;
    const at = new Date(out.at);
    switch (out.kind) {
      case 'waiting': {
        const person = this.opts.screener.whoIs(out.identity);
        this.show({
          state: 'waiting',
          message: waitingMessage,
          ...(person ? { person: personView(person) } : {}),
        });
        return;
      }
      case 'held':
        this.show({ state: 'waiting', message: heldMessage });
        return;
      case 'idle':
        if (this.current.state === 'waiting' && !this.visits.open)
          this.show({ state: 'idle', message: idleMessage });
        return;
      case 'paired':
        this.decide(this.opts.screener.screen(ctx, out.identity, out.reading, at));
        return;
      case 'no_identity':
        this.decide(this.opts.screener.screen(ctx, null, out.reading, at));
        return;
      case 'not_measured':
        this.counts.notMeasured++;
        this.decide(this.opts.screener.withoutReading(ctx, out.identity, at, 'not_measured'), {
          quiet: true,
        });
        return;
      case 'ambiguous': {
        this.counts.orderUnknown++;
        this.orderUnknownBy[out.cause]++;
        this.emit('ambiguous', {
          people: out.identities.length,
          readings: out.readings.length,
          cause: out.cause,
        });
        for (const identity of out.identities) {
          this.decide(this.opts.screener.withoutReading(ctx, identity, at, 'ambiguous'), {
            message: ambiguousMessage,
          });
        }
        for (const reading of out.readings) {
          this.decide(this.opts.screener.screen(ctx, null, reading, at, { ambiguous: true }), {
            message: ambiguousMessage,
          });
        }
        return;
      }
    }
  }

  /**
   * Shows a decision once it is committed, after every decision handed over before it. `quiet`: recorded
   * and told to listeners, but the tile, which has moved on to the next person, is left alone.
   */
  private decide(pending: Promise<Screened>, opts: { quiet?: boolean; message?: Bilingual } = {}): void {
    pending.catch(() => {});
    this.shown = this.shown.then(async () => {
      let screened: Screened;
      try {
        screened = await pending;
      } catch (err) {
        this.emit('failure', err as Error);
        if (this.disposed || opts.quiet) return;
        this.show({
          state: 'decided',
          decision: 'verify',
          message: { zh: '记录失败 请人工核验', en: 'Not recorded: verify by hand' },
        });
        return;
      }
      if (this.disposed) return;
      this.emit('screened', screened);
      if (opts.quiet) this.emit('flag', this.make(this.decisionView(screened)));
      else this.showDecision(screened, opts.message);
    });
  }

  private showDecision(screened: Screened, message?: Bilingual): void {
    this.show(this.decisionView(screened, message));
    this.lastDecided = this.current;
    this.holdThenIdle();
  }

  private decisionView(
    { record, person, repeat }: Screened,
    message?: Bilingual,
  ): Omit<LaneUpdate, 'laneId' | 'seq' | 'at'> {
    const hint = repeat
      ? { zh: '本时段已检测', en: 'Already screened this session' }
      : record.reasons.find((r) => r.code === 'wrong_lane');
    return {
      state: 'decided',
      decision: record.decision,
      ...(person ? { person: personView(person) } : {}),
      ...(record.temperatureC !== null ? { temperatureC: Math.round(record.temperatureC * 10) / 10 } : {}),
      healthCode: record.healthCode,
      message: message ?? decisionMessage(record.decision, record.temperatureC),
      ...(hint ? { hint: { zh: hint.zh, en: hint.en } } : {}),
      ...(repeat ? { repeat: true } : {}),
      screeningId: record.id,
    };
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
    if (this.disposed) return;
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

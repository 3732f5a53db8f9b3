import type { IdentityEvent } from '../../drivers/types.ts';

/**
 * How one lane turns scans and readings into visits. A visit is one person at the lane, from their
 * scan to their decision:
 *
 * - A scan opens a visit; readings that come while it is open are that person's. A reading that
 *   needs a re-take keeps it open for `retakeWindowMs`, so the next reading is theirs too; any other
 *   reading closes it. A visit nobody measures within `scanWaitMs` closes as "scanned, not measured".
 * - A new scan while a visit is open starts a grace of `orderGraceMs`: the first person may still be
 *   measuring. A reading inside it could be either person's: both are sent to verify by hand and the
 *   reading is recorded with nobody. After the grace the first visit closes (not measured, unless it
 *   already had a reading) and the new person's visit is the open one.
 * - A reading with no visit open may pair with a scan that follows within `readingFirstMs`, only when
 *   the lane was quiet for that long before it (so it is not the last person measuring twice) and
 *   nothing else comes between; the pair is decided once `scanToMeasureMs` has passed with no second
 *   reading. A reading in that time is the scanning person's own (they measure after their scan) and
 *   the held one goes on nobody. Otherwise, and always for a reading that cannot stand (a hand waved
 *   at the sensor), the reading is decided at once with nobody.
 * - Events whose order cannot be known (read in the same turn from two ports) are tried in every
 *   order; when the orders disagree on who a reading belongs to, everyone involved is sent to verify.
 * - A scan less than `portSkewMs` after a reading that went to nobody is sent to verify with the
 *   reading that follows it on nobody (or, when none follows, once its visit closes, instead of "not
 *   measured"): the scanner's port may have been late, the reading theirs.
 *
 * A pure state machine over explicit times: the lane feeds it and arms one timer for `nextDeadline()`.
 */
export interface VisitRules {
  /** How long an open visit waits for its first reading. */
  scanWaitMs: number;
  /** How long a visit stays open for the same person after a reading that needs a re-take. */
  retakeWindowMs: number;
  /** How long a reading with no visit waits for its scan (0: scan first only). */
  readingFirstMs: number;
  /**
   * How long a person may take from their scan to the thermometer. A reading-first pair waits this
   * long: if the person measures after all, they were not that reading's person (or measured again),
   * and the reading they take now is theirs.
   */
  scanToMeasureMs: number;
  /** Inside this, the order of a scan and a reading from different people is not trusted. */
  orderGraceMs: number;
  /**
   * How much later one port's bytes may arrive than another's sent at the same moment (USB adapters
   * hold bytes for a few milliseconds, a relay more). A scan that comes less than this after a
   * reading that went to nobody may be that reading's person, late: the next reading may then be the
   * following person's, so it goes on nobody and the person verifies. A reading that went to an open
   * visit leaves the next scan alone: for it to have been the next person's, an earlier reading would
   * have had to go on nobody just before its own scan.
   */
  portSkewMs: number;
}

export type VisitInput<R> = { kind: 'scan'; identity: IdentityEvent } | { kind: 'reading'; reading: R };

export type VisitOutput<R> =
  /** A person scanned: the tile shows them waiting for their reading. */
  | { kind: 'waiting'; identity: IdentityEvent; at: number }
  /** A reading with no visit is held for a scan: the tile asks for the scan at once. */
  | { kind: 'held'; reading: R; at: number }
  /** A reading and the person it belongs to: decide. */
  | { kind: 'paired'; identity: IdentityEvent; reading: R; at: number }
  /** A reading nobody scanned for: decided with no person. */
  | { kind: 'no_identity'; reading: R; at: number }
  /** A person scanned and was never measured. */
  | { kind: 'not_measured'; identity: IdentityEvent; at: number }
  /** The order could not be known: these people verify by hand, these readings go on nobody. */
  | { kind: 'ambiguous'; identities: IdentityEvent[]; readings: R[]; at: number; cause: AmbiguityCause }
  /** Nothing is open any more (a re-take window ran out). */
  | { kind: 'idle'; at: number };

/**
 * Why the order was not known: events of two ports read in one turn (`same_turn`), a reading inside
 * the grace after a second person's scan (`scan_in_grace`), a second scan or reading around a
 * reading-first pair (`around_pair`), a reading soon after an ambiguity (`after_ambiguity`), or the
 * reading after a scan that came closer than the ports' skew behind a reading on nobody
 * (`between_readings`).
 */
export type AmbiguityCause =
  | 'same_turn'
  | 'scan_in_grace'
  | 'around_pair'
  | 'after_ambiguity'
  | 'between_readings';

interface Scanned {
  identity: IdentityEvent;
  key: string;
  at: number;
  /**
   * The scan came less than `portSkewMs` after a reading that went to no open visit, which may have
   * been this person's: their visit takes no reading, and ends in verify rather than "not measured".
   */
  late: boolean;
}

interface VisitState<R> {
  visit: (Scanned & { expiresAt: number; measured: boolean }) | null;
  /** Scans that came while `visit` was open, inside the grace that ends at `graceUntil`. */
  pending: Scanned[];
  graceUntil: number;
  /** A reading waiting for its scan. */
  held: { reading: R; at: number } | null;
  /** A reading-first pair waiting out the grace for a second reading. */
  pair: { scanned: Scanned; reading: R; decideAt: number } | null;
  /** Until then someone may still be measuring (a second try, a re-take): no reading waits for a scan. */
  busyUntil: number;
  /** Readings with no visit before this belong to the last ambiguity (its people may still measure). */
  ambiguousUntil: number;
  /** When the last reading that could stand and went to no open visit came (on nobody, held, ambiguous). */
  lastUnclaimedAt: number;
}

/** Beyond this many orders of one turn's events, the turn is ambiguous without trying them all. */
const MAX_ORDERS = 256;

export class LaneVisits<R> {
  private state: VisitState<R> = {
    visit: null,
    pending: [],
    graceUntil: 0,
    held: null,
    pair: null,
    busyUntil: Number.NEGATIVE_INFINITY,
    ambiguousUntil: Number.NEGATIVE_INFINITY,
    lastUnclaimedAt: Number.NEGATIVE_INFINITY,
  };
  private out: VisitOutput<R>[] = [];

  constructor(
    private readonly rules: VisitRules,
    /** Whether a reading, whoever it is, cannot stand and the person should measure again. */
    private readonly needsRetake: (reading: R) => boolean,
    /** Who a scan names (two scans of one person are one visit). */
    private readonly keyOf: (identity: IdentityEvent) => string = (identity) => identity.text,
  ) {}

  /** The earliest time something is due (a grace, a wait, a window), or null. */
  nextDeadline(): number | null {
    const s = this.state;
    let next = Number.POSITIVE_INFINITY;
    if (s.pair) next = Math.min(next, s.pair.decideAt);
    if (s.held) next = Math.min(next, s.held.at + this.rules.readingFirstMs);
    if (s.pending.length) next = Math.min(next, s.graceUntil);
    else if (s.visit) next = Math.min(next, s.visit.expiresAt);
    return next === Number.POSITIVE_INFINITY ? null : next;
  }

  /** Whether a scan is waiting for its reading (the tile shows a person). */
  get open(): boolean {
    return this.state.visit !== null || this.state.pair !== null;
  }

  /** Gives out whatever is due at `now`. */
  tick(now: number): VisitOutput<R>[] {
    this.advance(now);
    return this.take();
  }

  /** Events read in one turn, each list in the order its port gave them, the lists in no known order. */
  accept(streams: readonly (readonly VisitInput<R>[])[], now: number): VisitOutput<R>[] {
    this.advance(now);
    const nonEmpty = streams.filter((s) => s.length > 0);
    if (nonEmpty.length <= 1) {
      for (const stream of nonEmpty) for (const input of stream) this.feed(input, now);
      return this.take();
    }
    const orders = interleavings(nonEmpty, MAX_ORDERS);
    if (orders) {
      const tried = orders.map((order) => {
        const copy = this.copy();
        for (const input of order) copy.feed(input, now);
        return { copy, signature: copy.signature() };
      });
      const first = tried[0];
      if (first && tried.every((t) => t.signature === first.signature)) {
        // All orders agree; take one that decides now rather than one that waits out a grace.
        const chosen = tried.find((t) => t.copy.state.pair === null) ?? first;
        this.state = chosen.copy.state;
        this.out.push(...chosen.copy.out);
        return this.take();
      }
    }
    this.ambiguousTurn(nonEmpty, now);
    return this.take();
  }

  private take(): VisitOutput<R>[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private copy(): LaneVisits<R> {
    const c = new LaneVisits<R>(this.rules, this.needsRetake, this.keyOf);
    const s = this.state;
    c.state = {
      ...s,
      visit: s.visit ? { ...s.visit } : null,
      pending: [...s.pending],
      held: s.held ? { ...s.held } : null,
      pair: s.pair ? { ...s.pair } : null,
    };
    return c;
  }

  /** Who got which reading, who was closed unmeasured, and what is left open: equal for equal outcomes. */
  private signature(): string {
    const key = (r: R) => readingIndex(r);
    const parts = this.out
      .filter((o) => o.kind !== 'waiting' && o.kind !== 'held' && o.kind !== 'idle')
      .map((o) => {
        switch (o.kind) {
          case 'paired':
            return `p:${this.keyOf(o.identity)}:${key(o.reading)}`;
          case 'no_identity':
            return `n:${key(o.reading)}`;
          case 'not_measured':
            return `m:${this.keyOf(o.identity)}`;
          case 'ambiguous':
            return `a:${o.identities.map((i) => this.keyOf(i)).join(',')}:${o.readings.map(key).join(',')}`;
          default:
            return '';
        }
      });
    const s = this.state;
    // A reading-first pair waiting out its grace gives the same person the same reading.
    if (s.pair) parts.push(`p:${s.pair.scanned.key}:${key(s.pair.reading)}`);
    parts.sort();
    parts.push(
      `v:${s.visit ? `${s.visit.key}:${s.visit.measured}:${s.visit.late}` : ''}`,
      `q:${s.pending.map((p) => p.key).join(',')}`,
      `h:${s.held ? key(s.held.reading) : ''}`,
    );
    return parts.join('|');
  }

  private feed(input: VisitInput<R>, now: number): void {
    if (input.kind === 'scan') this.scan(input.identity, now);
    else this.reading(input.reading, now);
  }

  private scan(identity: IdentityEvent, now: number): void {
    const s = this.state;
    const scanned: Scanned = {
      identity,
      key: this.keyOf(identity),
      at: now,
      late: now - s.lastUnclaimedAt < this.rules.portSkewMs,
    };
    if (s.pair) {
      if (s.pair.scanned.key === scanned.key) return;
      this.ambiguous([s.pair.scanned.identity, identity], [s.pair.reading], now, 'around_pair');
      return;
    }
    if (s.pending.length) {
      if (s.pending.at(-1)?.key === scanned.key) return;
      s.pending.push(scanned);
      s.graceUntil = now + this.rules.orderGraceMs;
      this.out.push({ kind: 'waiting', identity, at: now });
      return;
    }
    if (s.visit) {
      if (s.visit.key === scanned.key) return;
      s.pending = [scanned];
      s.graceUntil = now + this.rules.orderGraceMs;
      this.out.push({ kind: 'waiting', identity, at: now });
      return;
    }
    if (s.held) {
      s.pair = {
        scanned,
        reading: s.held.reading,
        decideAt: now + this.rules.scanToMeasureMs,
      };
      s.held = null;
      this.out.push({ kind: 'waiting', identity, at: now });
      return;
    }
    s.visit = { ...scanned, expiresAt: now + this.waitFor(scanned), measured: false };
    this.out.push({ kind: 'waiting', identity, at: now });
  }

  /**
   * How long a visit waits for its reading. A late one takes none (the reading that comes goes on
   * nobody): it waits only as long as a person takes to reach the thermometer, then they verify.
   */
  private waitFor(scanned: Scanned): number {
    return scanned.late ? Math.min(this.rules.scanToMeasureMs, this.rules.scanWaitMs) : this.rules.scanWaitMs;
  }

  private reading(reading: R, now: number): void {
    const s = this.state;
    if (s.visit && !s.visit.late && s.pending.length === 0 && !s.pair) {
      this.out.push({ kind: 'paired', identity: s.visit.identity, reading, at: now });
      if (this.needsRetake(reading)) {
        s.visit.measured = true;
        s.visit.expiresAt = now + this.rules.retakeWindowMs;
      } else {
        s.visit = null;
        this.busy(now);
      }
      return;
    }
    if (s.pair) {
      const { scanned, reading: held } = s.pair;
      // Closer than the ports' skew behind the held reading, the scan may even be older than it: no
      // telling whose either reading is.
      if (scanned.late) {
        this.ambiguous([scanned.identity], [held, reading], now, 'around_pair');
        return;
      }
      // The person measured after their scan: this reading is theirs, the held one someone else's
      // (who walked on without scanning) or an earlier try of theirs; it goes on nobody.
      s.pair = null;
      this.out.push({ kind: 'no_identity', reading: held, at: now });
      s.visit = { ...scanned, expiresAt: scanned.at + this.rules.scanWaitMs, measured: false };
      this.reading(reading, now);
      return;
    }
    // From here on the reading goes to no open visit. One that needs a re-take does not make the next
    // scan late: had it been that person's, their next reading would be theirs too.
    if (!this.needsRetake(reading)) s.lastUnclaimedAt = now;
    if (s.pending.length) {
      const people = [...(s.visit ? [s.visit.identity] : []), ...s.pending.map((p) => p.identity)];
      this.ambiguous(people, [reading], now, 'scan_in_grace');
      return;
    }
    if (s.visit) {
      this.ambiguous([s.visit.identity], [reading], now, 'between_readings');
      return;
    }
    if (now < s.ambiguousUntil) {
      this.out.push({
        kind: 'ambiguous',
        identities: [],
        readings: [reading],
        at: now,
        cause: 'after_ambiguity',
      });
      s.ambiguousUntil = Math.max(s.ambiguousUntil, now + this.rules.orderGraceMs);
      return;
    }
    if (s.held) {
      this.out.push({ kind: 'no_identity', reading: s.held.reading, at: now });
      s.held = null;
      this.busy(now);
    }
    // A reading that cannot stand (a hand waved at the sensor) is nobody's and waits for no scan.
    const quiet = now >= s.busyUntil;
    if (this.rules.readingFirstMs > 0 && quiet && !this.needsRetake(reading)) {
      s.held = { reading, at: now };
      this.out.push({ kind: 'held', reading, at: now });
      return;
    }
    this.out.push({ kind: 'no_identity', reading, at: now });
    this.busy(now);
  }

  /** Fires every deadline up to `now`, in time order. */
  private advance(now: number): void {
    for (;;) {
      const due = this.nextDeadline();
      if (due === null || due > now) return;
      this.fire(due);
    }
  }

  private fire(at: number): void {
    const s = this.state;
    if (s.pair && s.pair.decideAt <= at) {
      const { scanned, reading } = s.pair;
      s.pair = null;
      this.out.push({ kind: 'paired', identity: scanned.identity, reading, at });
      if (this.needsRetake(reading)) {
        // Its scan came right after its own reading: not late, the re-take is theirs.
        s.visit = { ...scanned, expiresAt: at + this.rules.retakeWindowMs, measured: true, late: false };
      } else this.busy(at);
      return;
    }
    if (s.held && s.held.at + this.rules.readingFirstMs <= at) {
      this.out.push({ kind: 'no_identity', reading: s.held.reading, at });
      s.held = null;
      this.busy(at);
      return;
    }
    if (s.pending.length && s.graceUntil <= at) {
      if (s.visit && !s.visit.measured) this.unmeasured(s.visit, at);
      const last = s.pending.pop() as Scanned;
      for (const p of s.pending) this.unmeasured(p, at);
      s.pending = [];
      // The last one keeps its own lateness: a reading on nobody just before its scan may be theirs.
      s.visit = { ...last, expiresAt: last.at + this.waitFor(last), measured: false };
      if (s.visit.expiresAt <= at) s.visit.expiresAt = at;
      return;
    }
    if (s.visit && s.visit.expiresAt <= at) {
      if (!s.visit.measured) this.unmeasured(s.visit, at);
      else this.out.push({ kind: 'idle', at });
      s.visit = null;
      this.busy(at);
    }
  }

  /**
   * A scan that got no reading. A late one may have been measured (the reading on nobody just before
   * its scan may be theirs): that person verifies instead of being told "not measured".
   */
  private unmeasured(scanned: Scanned, at: number): void {
    if (scanned.late)
      this.out.push({
        kind: 'ambiguous',
        identities: [scanned.identity],
        readings: [],
        at,
        cause: 'between_readings',
      });
    else this.out.push({ kind: 'not_measured', identity: scanned.identity, at });
  }

  /** Something just closed: whoever it was may measure once more. */
  private busy(at: number): void {
    this.state.busyUntil = Math.max(this.state.busyUntil, at + this.rules.readingFirstMs);
  }

  private ambiguous(identities: IdentityEvent[], readings: R[], now: number, cause: AmbiguityCause): void {
    const s = this.state;
    const seen = new Set<string>();
    const people = identities.filter((i) => {
      const k = this.keyOf(i);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    this.out.push({ kind: 'ambiguous', identities: people, readings, at: now, cause });
    if (readings.some((r) => !this.needsRetake(r))) s.lastUnclaimedAt = Math.max(s.lastUnclaimedAt, now);
    s.visit = null;
    s.pending = [];
    s.pair = null;
    s.held = null;
    s.busyUntil = now + this.rules.retakeWindowMs;
    s.ambiguousUntil = now + Math.max(this.rules.orderGraceMs, this.rules.retakeWindowMs);
  }

  /** One turn whose orders disagree: everyone it touches verifies, every reading goes on nobody. */
  private ambiguousTurn(streams: readonly (readonly VisitInput<R>[])[], now: number): void {
    const s = this.state;
    const identities: IdentityEvent[] = [];
    const readings: R[] = [];
    if (s.visit) identities.push(s.visit.identity);
    for (const p of s.pending) identities.push(p.identity);
    if (s.pair) {
      identities.push(s.pair.scanned.identity);
      readings.push(s.pair.reading);
    }
    if (s.held) readings.push(s.held.reading);
    for (const stream of streams)
      for (const input of stream) {
        if (input.kind === 'scan') identities.push(input.identity);
        else readings.push(input.reading);
      }
    this.ambiguous(identities, readings, now, 'same_turn');
  }
}

/** Readings are told apart by identity while one turn's orders are compared. */
const indices = new WeakMap<object, number>();
let nextIndex = 0;
function readingIndex(reading: unknown): number {
  if (typeof reading !== 'object' || reading === null) return -1;
  let i = indices.get(reading);
  if (i === undefined) {
    i = nextIndex++;
    indices.set(reading, i);
  }
  return i;
}

/** Every merge of the streams that keeps each stream's own order, or null when there are more than `max`. */
export function interleavings<T>(streams: readonly (readonly T[])[], max: number): T[][] | null {
  const out: T[][] = [];
  const pos = streams.map(() => 0);
  const total = streams.reduce((n, s) => n + s.length, 0);
  const path: T[] = [];
  let overflow = false;
  const walk = () => {
    if (overflow) return;
    if (path.length === total) {
      out.push([...path]);
      if (out.length > max) overflow = true;
      return;
    }
    streams.forEach((stream, i) => {
      const p = pos[i] as number;
      const next = stream[p];
      if (p >= stream.length || next === undefined) return;
      pos[i] = p + 1;
      path.push(next);
      walk();
      path.pop();
      pos[i] = p;
    });
  };
  walk();
  return overflow ? null : out;
}

// One lane on the guard's tablet: what the lane shows now, its latest decision (kept after the tile
// has gone back to idle), and the queue of flags nobody has answered yet, oldest first. The next
// arrival never removes a flag: it only marks the ones the lane has moved past.
import type { LanePerson, LaneSnapshot, LaneUpdate } from '../../contract/display-events.ts';
import { el } from '../shared/dom.ts';
import { CODE_LABELS, type Decision } from '../shared/domain.ts';
import { FlagCard, type FlagContext } from './flag-card.ts';
import { DECISION_LABELS, needsAnswer } from './labels.ts';

export interface PanelContext extends Omit<FlagContext, 'onSettled'> {
  /** A flag joined this lane's queue; `alert` says whether it should sound. */
  onFlag(card: FlagCard, alert: boolean): void;
}

/** Flags that sound when they arrive: a person must decide something. Re-takes and missed scans do not. */
const ALERTING: readonly Decision[] = ['verify', 'unknown_person', 'not_measured'];

const samePerson = (a: LanePerson | undefined, b: LanePerson | undefined): boolean =>
  a !== undefined && b !== undefined && a.displayName === b.displayName && a.className === b.className;

export class LanePanel {
  readonly laneId: string;
  readonly element = el('section', 'lane-panel');
  private shownSeq = Number.NEGATIVE_INFINITY;
  private readonly cards = new Map<string, FlagCard>();
  /** What the lane's tile shows now (its screening), to tell which flags it has moved past. */
  private current: LaneUpdate | null = null;

  private readonly now = el('p', 'lane-now');
  private readonly count = el('span', 'lane-count');
  private readonly latest = el('p', 'lane-latest');
  private readonly queue = el('div', 'flag-queue');
  private readonly empty = el('p', 'queue-empty');

  constructor(
    snapshot: LaneSnapshot,
    private readonly ctx: PanelContext,
  ) {
    this.laneId = snapshot.id;
    this.element.dataset.laneId = snapshot.id;
    const head = el('header', 'panel-head');
    const name = el('h2', 'lane-name', snapshot.name);
    head.append(name, this.count, this.now);
    this.latest.hidden = true;
    this.empty.append(el('span', 'zh', '无待处理'), ' ', el('span', 'en', 'Nothing waiting'));
    this.queue.setAttribute('aria-label', `${snapshot.name} 待处理 · waiting`);
    this.element.append(head, this.latest, this.queue, this.empty);
    this.apply(snapshot.update, { quiet: true });
    this.showCount();
  }

  /** Flags not yet answered, oldest first. */
  get waiting(): FlagCard[] {
    return [...this.cards.values()].filter((c) => c.waiting);
  }

  /** A `lane:update`: what the tile shows. */
  apply(update: LaneUpdate, opts: { quiet?: boolean } = {}): void {
    if (update.laneId !== this.laneId || update.seq < this.shownSeq) return;
    this.shownSeq = update.seq;
    this.now.textContent = `${update.message.zh} · ${update.message.en}`;
    this.now.dataset.state = update.state;
    if (update.state === 'waiting' || (update.state === 'decided' && update.screeningId)) {
      this.movedOn(update);
      this.current = update;
    }
    if (update.state !== 'decided' || !update.decision || !update.screeningId) return;
    if (update.action) {
      this.cards.get(update.screeningId)?.answeredBy(update.action, update.resolvedBy ?? '');
      return;
    }
    this.showLatest(update);
    if (needsAnswer(update.decision)) this.add(update, { alert: !opts.quiet, movedPast: false });
  }

  /** A `lane:flag`: a decision for the guard that the tile never showed (the lane has moved on). */
  flag(update: LaneUpdate): void {
    if (update.laneId !== this.laneId || !update.decision || !update.screeningId) return;
    if (!needsAnswer(update.decision)) return;
    this.add(update, { alert: true, movedPast: true });
  }

  /** A flag kept from before the page was reloaded. */
  restore(update: LaneUpdate, movedPast: boolean): FlagCard | null {
    const still = this.current?.screeningId === update.screeningId;
    return this.add(update, { alert: false, movedPast: movedPast || !still });
  }

  tick(): void {
    for (const card of this.cards.values()) card.tick();
  }

  private add(update: LaneUpdate, opts: { alert: boolean; movedPast: boolean }): FlagCard | null {
    const id = update.screeningId;
    if (!id || !update.decision || this.cards.has(id)) return null;
    const card = new FlagCard(
      update,
      { ...this.ctx, onSettled: (c) => this.remove(c) },
      { movedPast: opts.movedPast },
    );
    this.cards.set(id, card);
    // Oldest first: a flag restored or arriving late goes before the newer ones.
    const after = [...this.cards.values()].find((c) => c !== card && c.update.at > update.at);
    if (after) this.queue.insertBefore(card.element, after.element);
    else this.queue.append(card.element);
    this.showCount();
    this.ctx.onFlag(card, opts.alert && ALERTING.includes(update.decision));
    return card;
  }

  private remove(card: FlagCard): void {
    card.dispose();
    card.element.remove();
    this.cards.delete(card.screeningId);
    this.showCount();
    this.ctx.onChange();
  }

  /** The tile now shows `update`: flags for others are marked as passed; a re-take measured again is done. */
  private movedOn(update: LaneUpdate): void {
    for (const card of this.cards.values()) {
      if (!card.waiting || card.screeningId === update.screeningId) continue;
      const flagged = card.update;
      const same = samePerson(flagged.person, update.person);
      if (same && flagged.decision === 'retake' && update.state === 'decided') {
        card.settleWithout({ zh: '已重新测温', en: 'Measured again' });
        continue;
      }
      if (!same) card.markMovedPast();
    }
    this.showCount();
  }

  private showLatest(u: LaneUpdate): void {
    if (!u.decision) return;
    const label = DECISION_LABELS[u.decision];
    const parts = [this.ctx.time.clockSeconds(u.at), label.zh];
    if (u.person) parts.push(`${u.person.displayName} ${u.person.className}`.trim());
    if (u.temperatureC !== undefined) parts.push(`${u.temperatureC.toFixed(1)} °C`);
    if (u.healthCode && u.healthCode !== 'green') parts.push(CODE_LABELS[u.healthCode].zh);
    this.latest.textContent = `最近 · Latest: ${parts.join(' · ')}`;
    this.latest.dataset.decision = u.decision;
    this.latest.hidden = false;
  }

  private showCount(): void {
    const n = this.waiting.length;
    this.element.dataset.waiting = String(n);
    this.count.textContent = n > 0 ? `待处理 ${n}` : '';
    this.count.hidden = n === 0;
    this.empty.hidden = this.cards.size > 0;
  }
}

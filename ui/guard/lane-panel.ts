// One lane on the guard's tablet: what the lane shows now, the latest decision (kept after the
// tile has gone back to idle), and, until someone has answered it, the actions that fit it.
import type { LaneSnapshot, LaneUpdate } from '../shared/display-events.ts';
import { bilingual, button, el, field } from '../shared/dom.ts';
import type { GuardAction } from '../shared/domain.ts';
import type { Session } from '../shared/session.ts';
import { type ActionBody, sendAction } from './guard-api.ts';
import {
  ACTION_LABELS,
  ACTIONS_FOR,
  CHECK_LABELS,
  CODE_LABELS,
  DECISION_LABELS,
  HAND_CHECKS,
} from './labels.ts';

export interface PanelContext {
  session: Session;
  formatTime(iso: string): string;
}

export class LanePanel {
  readonly laneId: string;
  readonly element = el('section', 'lane-panel');
  private shownSeq = Number.NEGATIVE_INFINITY;
  /** The latest decision on this lane that names a screening. */
  private latest: LaneUpdate | null = null;
  private answered: { action: GuardAction; by: string } | null = null;
  private busy = false;

  private readonly now = el('p', 'lane-now');
  private readonly decision = el('div', 'decision');
  private readonly decisionLabel = el('span', 'decision-label');
  private readonly decisionTime = el('time', 'decision-time');
  private readonly facts = el('p', 'decision-facts');
  private readonly reason = el('p', 'decision-message');
  private readonly actions = el('div', 'actions');
  private readonly done = el('p', 'answered');
  private readonly status = el('p', 'panel-status');

  constructor(
    snapshot: LaneSnapshot,
    private readonly ctx: PanelContext,
  ) {
    this.laneId = snapshot.id;
    this.element.dataset.laneId = snapshot.id;
    const head = el('header', 'panel-head');
    head.append(el('h2', 'lane-name', snapshot.name), this.now);
    const top = el('div', 'decision-top');
    top.append(this.decisionLabel, this.decisionTime);
    this.decision.append(top, this.facts, this.reason);
    this.status.setAttribute('role', 'status');
    this.element.append(head, this.decision, this.actions, this.done, this.status);
    this.apply(snapshot.update);
  }

  apply(update: LaneUpdate): void {
    if (update.laneId !== this.laneId || update.seq < this.shownSeq) return;
    this.shownSeq = update.seq;
    this.now.textContent = `${update.message.zh} · ${update.message.en}`;
    this.now.dataset.state = update.state;
    if (update.state === 'decided' && update.decision && update.screeningId) {
      const same = this.latest?.screeningId === update.screeningId;
      if (update.action) {
        if (!same) this.latest = update;
        this.answered = { action: update.action, by: update.resolvedBy ?? '' };
      } else if (!same) {
        this.latest = update;
        this.answered = null;
        this.say('');
      }
      this.render();
    }
  }

  private render(): void {
    const u = this.latest;
    const e = this.element;
    this.decision.hidden = u === null;
    if (!u?.decision || !u.screeningId) {
      e.dataset.decision = 'none';
      this.actions.replaceChildren();
      this.done.hidden = true;
      return;
    }
    e.dataset.decision = u.decision;
    e.dataset.screeningId = u.screeningId;
    e.dataset.answered = String(this.answered !== null);
    const label = DECISION_LABELS[u.decision];
    this.decisionLabel.replaceChildren(bilingual('', label.zh, label.en));
    this.decisionTime.textContent = this.ctx.formatTime(u.at);
    this.decisionTime.dateTime = u.at;
    const parts: string[] = [];
    if (u.person) parts.push(`${u.person.displayName} ${u.person.className}`.trim());
    if (u.temperatureC !== undefined) parts.push(`${u.temperatureC.toFixed(1)} °C`);
    if (u.healthCode) parts.push(CODE_LABELS[u.healthCode].zh);
    this.facts.textContent = parts.join(' · ');
    this.reason.textContent = u.hint ? `${u.hint.zh} · ${u.hint.en}` : '';
    this.reason.hidden = !u.hint;

    if (this.answered) {
      const a = ACTION_LABELS[this.answered.action];
      this.done.textContent = `已处理：${a.zh} · ${a.en}${this.answered.by ? ` · ${this.answered.by}` : ''}`;
      this.done.hidden = false;
      this.actions.replaceChildren();
      return;
    }
    this.done.hidden = true;
    this.actions.replaceChildren(...this.actionControls(u.decision));
  }

  private actionControls(decision: NonNullable<LaneUpdate['decision']>): HTMLElement[] {
    const controls: HTMLElement[] = [];
    for (const action of ACTIONS_FOR[decision]) {
      const label = ACTION_LABELS[action];
      if (action === 'admit_checked') {
        const group = el('fieldset', 'hand-check');
        group.append(el('legend', '', `${label.zh} · ${label.en}：核验了什么 what was checked`));
        for (const checked of HAND_CHECKS) {
          const b = button('action', CHECK_LABELS[checked].zh, CHECK_LABELS[checked].en);
          b.dataset.action = action;
          b.dataset.checked = checked;
          b.addEventListener('click', () => void this.send({ action, checked }));
          group.append(b);
        }
        controls.push(group);
      } else if (action === 'register_visitor') {
        controls.push(this.visitorForm());
      } else {
        const b = button('action', label.zh, label.en);
        b.dataset.action = action;
        if (action === 'refuse') b.classList.add('danger');
        b.addEventListener('click', () => void this.send({ action } as ActionBody));
        controls.push(b);
      }
    }
    return controls;
  }

  private visitorForm(): HTMLElement {
    const form = el('form', 'visitor-form');
    const input = (name: string, type = 'text') => {
      const i = el('input', `visitor-${name}`);
      i.type = type;
      i.name = name;
      i.required = true;
      i.maxLength = name === 'reason' ? 300 : 100;
      return i;
    };
    const name = input('name');
    const phone = input('phone', 'tel');
    const visiting = input('visiting');
    const reason = input('reason');
    const submit = button(
      'action',
      ACTION_LABELS.register_visitor.zh,
      ACTION_LABELS.register_visitor.en,
      'submit',
    );
    submit.dataset.action = 'register_visitor';
    form.append(
      field('姓名', 'Name', name),
      field('电话', 'Phone', phone),
      field('拜访谁', 'Visiting', visiting),
      field('事由', 'Reason', reason),
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send({
        action: 'register_visitor',
        visitor: {
          name: name.value.trim(),
          phone: phone.value.trim(),
          visiting: visiting.value.trim(),
          reason: reason.value.trim(),
        },
      });
    });
    return form;
  }

  private async send(body: ActionBody): Promise<void> {
    const screeningId = this.latest?.screeningId;
    if (!screeningId || this.busy) return;
    this.busy = true;
    for (const b of this.actions.querySelectorAll('button')) b.disabled = true;
    this.say('');
    const answer = await sendAction(this.ctx.session, this.laneId, screeningId, body);
    this.busy = false;
    if (this.latest?.screeningId !== screeningId) return;
    if (answer.ok) {
      this.answered = { action: answer.action, by: answer.actor };
      this.render();
      if (!answer.shown) this.say('闸机屏已显示下一位，处理已记录 · Recorded; the tile had moved on');
      return;
    }
    for (const b of this.actions.querySelectorAll('button')) b.disabled = false;
    this.say(`未记录：${answer.message} · Not recorded`, 'error');
  }

  private say(text: string, state: 'info' | 'error' = 'info'): void {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }
}

// One flag in a lane's queue: a decision the guard must answer, with its time, who, what it needs,
// how long it has waited, and the answers that fit. Built once: updates change its texts and state,
// never its controls, so a half-typed visitor form survives every update of the lane.
import type { LaneUpdate } from '../../contract/display-events.ts';
import { button, el, field } from '../shared/dom.ts';
import { CODE_LABELS, type GuardAction } from '../shared/domain.ts';
import { type Refusal, refusalView } from '../shared/refusal.ts';
import { formatElapsed, type SchoolTime } from '../shared/school-time.ts';
import type { Session } from '../shared/session.ts';
import { type ActionBody, sendAction } from './guard-api.ts';
import {
  ACTION_LABELS,
  ACTIONS_FOR,
  CHECK_LABELS,
  DECISION_LABELS,
  HAND_CHECKS,
  type HandCheck,
  NEEDS,
} from './labels.ts';

/** How long an entry decision (admit, refuse) waits before it is recorded, for the guard to undo it. */
export const UNDO_MS = 5_000;
/** An answered flag stays this long, saying what was done, before it leaves the queue. */
export const SETTLE_MS = 4_000;

/** Answers that let someone in or turn them away: given with an undo window. */
const WITH_UNDO: readonly GuardAction[] = ['admit_checked', 'refuse'];

export interface FlagContext {
  session: Session;
  time: SchoolTime;
  /** Something changed that the header's count depends on. */
  onChange(): void;
  /** The flag was answered (here or elsewhere) and has been shown as such long enough. */
  onSettled(card: FlagCard): void;
}

type FlagState = 'open' | 'pending' | 'sending' | 'answered';

/** The Chinese and English of the answer given, with what was checked. */
function answerLabel(body: ActionBody): { zh: string; en: string } {
  const a = ACTION_LABELS[body.action];
  if (body.action !== 'admit_checked') return a;
  const c = CHECK_LABELS[body.checked];
  return { zh: `${a.zh}（${c.zh}）`, en: `${a.en} (${c.en})` };
}

export class FlagCard {
  readonly element = el('article', 'flag');
  readonly laneId: string;
  readonly screeningId: string;
  readonly update: LaneUpdate;
  private state: FlagState = 'open';
  private movedPast = false;
  private pendingTimer: number | null = null;
  private pendingUntil = 0;
  private settleTimer: number | null = null;
  private pendingLabel = { zh: '', en: '' };

  private readonly waited = el('span', 'flag-waited');
  private readonly passed = el('p', 'flag-moved-past');
  private readonly actions = el('div', 'flag-actions');
  private readonly pending = el('div', 'flag-pending');
  private readonly pendingText = el('span', 'flag-pending-text');
  private readonly undo = button('undo', '撤销', 'Undo');
  private readonly done = el('p', 'flag-answered');
  private readonly status = el('p', 'flag-status');

  constructor(
    update: LaneUpdate,
    private readonly ctx: FlagContext,
    opts: { movedPast?: boolean } = {},
  ) {
    if (!update.decision || !update.screeningId) throw new Error('a flag needs a decision and a screening');
    this.update = update;
    this.laneId = update.laneId;
    this.screeningId = update.screeningId;
    const e = this.element;
    e.dataset.screeningId = update.screeningId;
    e.dataset.decision = update.decision;
    e.tabIndex = -1;

    const label = DECISION_LABELS[update.decision];
    const head = el('header', 'flag-head');
    const title = el('h3', 'flag-title');
    title.append(el('span', 'zh', label.zh), ' ', el('span', 'en', label.en));
    const when = el('time', 'flag-time', ctx.time.clockSeconds(update.at));
    when.dateTime = update.at;
    head.append(title, when, this.waited);

    const facts: string[] = [];
    if (update.person) facts.push(`${update.person.displayName} ${update.person.className}`.trim());
    if (update.temperatureC !== undefined) facts.push(`${update.temperatureC.toFixed(1)} °C`);
    if (update.healthCode) {
      facts.push(update.healthCode === 'unknown' ? '健康码未知' : CODE_LABELS[update.healthCode].zh);
    }
    const factLine = el('p', 'flag-facts', facts.join(' · ') || '身份不明 · unidentified');

    const need = NEEDS[update.decision];
    const needLine = el('p', 'flag-needs');
    if (need) needLine.append(el('span', 'zh', `需要：${need.zh}`), ' ', el('span', 'en', need.en));
    const hint = update.hint ? el('p', 'flag-hint', `${update.hint.zh} · ${update.hint.en}`) : null;

    this.passed.append(
      el('span', 'zh', '闸机屏已显示下一位：请到通道找到此人再处理'),
      ' ',
      el('span', 'en', 'The lane has moved on to the next person: find this one before answering'),
    );
    this.pending.append(this.pendingText, this.undo);
    this.pending.setAttribute('role', 'status');
    this.undo.addEventListener('click', () => this.cancelPending());
    this.status.setAttribute('role', 'status');
    this.actions.append(...this.controls());

    e.append(head, factLine, needLine, ...(hint ? [hint] : []), this.passed, this.actions, this.pending);
    e.append(this.done, this.status);
    if (opts.movedPast) this.movedPast = true;
    this.render();
    this.tick();
  }

  /** Not yet answered (an answer waiting out its undo window still counts). */
  get waiting(): boolean {
    return this.state !== 'answered';
  }

  get hasMovedPast(): boolean {
    return this.movedPast;
  }

  /** The lane's tile now shows someone else. */
  markMovedPast(): void {
    if (this.movedPast) return;
    this.movedPast = true;
    this.render();
  }

  /** Someone answered it (on this tablet's tile update, or another tablet). */
  answeredBy(action: GuardAction, by: string): void {
    if (this.state === 'answered') return;
    this.clearPending();
    this.finish({ zh: ACTION_LABELS[action].zh, en: ACTION_LABELS[action].en }, by);
  }

  /** The lane itself settled it (a re-take measured again): no answer is needed any more. */
  settleWithout(what: { zh: string; en: string }): void {
    if (this.state !== 'open') return;
    this.finish(what, '', false);
  }

  /** The waiting time, refreshed every second. */
  tick(): void {
    const waited = this.ctx.time.now() - Date.parse(this.update.at);
    this.waited.textContent = Number.isFinite(waited) ? `等待 ${formatElapsed(waited)}` : '';
    if (this.state === 'pending') this.showPending();
  }

  dispose(): void {
    this.clearPending();
    if (this.settleTimer !== null) window.clearTimeout(this.settleTimer);
  }

  private render(): void {
    const e = this.element;
    e.dataset.state = this.state;
    e.dataset.movedPast = String(this.movedPast);
    this.passed.hidden = !this.movedPast || this.state === 'answered';
    this.actions.hidden = this.state === 'answered';
    this.pending.hidden = this.state !== 'pending';
    this.done.hidden = this.state !== 'answered';
    const locked = this.state !== 'open';
    for (const b of this.actions.querySelectorAll('button')) b.disabled = locked;
  }

  private controls(): HTMLElement[] {
    const decision = this.update.decision;
    if (!decision) return [];
    const out: HTMLElement[] = [];
    for (const action of ACTIONS_FOR[decision]) {
      const label = ACTION_LABELS[action];
      if (action === 'admit_checked') {
        const group = el('div', 'hand-check');
        group.setAttribute('role', 'group');
        const heading = el('p', 'hand-check-title');
        heading.id = `hand-check-${this.screeningId}`;
        heading.append(
          el('span', 'zh', `${label.zh}：核验了什么？`),
          ' ',
          el('span', 'en', `${label.en}: what was checked?`),
        );
        group.setAttribute('aria-labelledby', heading.id);
        const buttons = el('div', 'hand-check-buttons');
        for (const checked of HAND_CHECKS) {
          const b = button('action', CHECK_LABELS[checked].zh, CHECK_LABELS[checked].en);
          b.dataset.action = action;
          b.dataset.checked = checked;
          b.addEventListener('click', () => this.choose({ action, checked: checked as HandCheck }));
          buttons.append(b);
        }
        group.append(heading, buttons);
        out.push(group);
      } else if (action === 'register_visitor') {
        out.push(this.visitorForm());
      } else {
        const b = button('action', label.zh, label.en);
        b.dataset.action = action;
        if (action === 'refuse') b.classList.add('danger');
        b.addEventListener('click', () => this.choose({ action } as ActionBody));
        out.push(b);
      }
    }
    return out;
  }

  private visitorForm(): HTMLElement {
    const form = el('form', 'visitor-form');
    const input = (name: string, type = 'text') => {
      const i = el('input', `visitor-${name}`);
      i.type = type;
      i.name = name;
      i.required = true;
      i.autocomplete = 'off';
      i.maxLength = name === 'reason' ? 300 : name === 'phone' ? 20 : 100;
      return i;
    };
    const name = input('name');
    const phone = input('phone', 'tel');
    phone.pattern = '\\+?[0-9][0-9 \\-]{4,19}';
    phone.inputMode = 'tel';
    const visiting = input('visiting');
    const reason = input('reason');
    const submit = button(
      'action',
      ACTION_LABELS.register_visitor.zh,
      ACTION_LABELS.register_visitor.en,
      'submit',
    );
    submit.dataset.action = 'register_visitor';
    const required = (zh: string, en: string, i: HTMLInputElement) => {
      const f = field(zh, en, i);
      f.querySelector('.field-label')?.append(el('span', 'required', '*必填'));
      return f;
    };
    form.append(
      el('p', 'form-title', '访客登记 · Register a visitor'),
      required('姓名', 'Name', name),
      required('电话', 'Phone', phone),
      required('拜访谁', 'Visiting', visiting),
      required('事由', 'Reason', reason),
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.choose({
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

  private choose(body: ActionBody): void {
    if (this.state !== 'open') return;
    this.say(null);
    if (!WITH_UNDO.includes(body.action)) {
      void this.send(body);
      return;
    }
    this.state = 'pending';
    this.pendingUntil = Date.now() + UNDO_MS;
    this.pendingText.dataset.action = body.action;
    this.pendingLabel = answerLabel(body);
    this.pendingTimer = window.setTimeout(() => {
      this.pendingTimer = null;
      void this.send(body);
    }, UNDO_MS);
    this.render();
    this.showPending();
    this.undo.focus();
  }

  private showPending(): void {
    const left = Math.max(0, Math.ceil((this.pendingUntil - Date.now()) / 1000));
    this.pendingText.textContent = `${left} 秒后记录：${this.pendingLabel.zh} · Recorded in ${left} s: ${this.pendingLabel.en}`;
  }

  private cancelPending(): void {
    if (this.state !== 'pending') return;
    this.clearPending();
    this.state = 'open';
    this.render();
    this.say({ zh: '已撤销，未记录', en: 'Undone: nothing recorded' });
    (this.actions.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  private clearPending(): void {
    if (this.pendingTimer !== null) window.clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
  }

  private async send(body: ActionBody): Promise<void> {
    if (this.state === 'answered' || this.state === 'sending') return;
    this.state = 'sending';
    this.render();
    const answer = await sendAction(this.ctx.session, this.laneId, this.screeningId, body);
    if (this.state !== 'sending') return;
    if (answer.ok) {
      this.finish(answerLabel(body), answer.actor);
      if (!answer.shown && !this.movedPast) {
        this.say({ zh: '已记录；闸机屏已显示下一位', en: 'Recorded; the tile had moved on' });
      }
      return;
    }
    if (answer.refusal.code === 'already_answered') {
      this.finish({ zh: '已由他人处理', en: 'Answered elsewhere' }, '');
      this.showRefusal(answer.refusal, { zh: '', en: '' });
      return;
    }
    this.state = 'open';
    this.render();
    this.showRefusal(answer.refusal, { zh: '未记录：', en: 'Not recorded: ' });
  }

  private finish(what: { zh: string; en: string }, by: string, prefix = true): void {
    this.state = 'answered';
    const zh = `${prefix ? '已处理：' : ''}${what.zh}${by ? ` · ${by}` : ''}`;
    this.done.textContent = `${zh} · ${prefix ? 'Done: ' : ''}${what.en}`;
    this.render();
    this.ctx.onChange();
    this.settleTimer = window.setTimeout(() => this.ctx.onSettled(this), SETTLE_MS);
  }

  private showRefusal(refusal: Refusal, prefix: { zh: string; en: string }): void {
    this.status.dataset.state = 'error';
    const lines: HTMLElement[] = [refusalView(refusal, prefix)];
    for (const f of refusal.fields) {
      lines.push(el('span', 'refusal-field', `${f.zh}${f.en && f.en !== f.zh ? ` · ${f.en}` : ''}`));
    }
    this.status.replaceChildren(...lines);
  }

  private say(text: { zh: string; en: string } | null): void {
    this.status.dataset.state = 'info';
    this.status.replaceChildren();
    if (text) this.status.append(el('span', 'zh', text.zh), ' ', el('span', 'en', text.en));
  }
}

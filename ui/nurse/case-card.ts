// One case on the console: who, from which lane, what the gate read, how long they have waited,
// their week, the re-checks so far, and the forms to add a re-check and to close the case. An
// update refreshes what is shown without touching what the nurse is typing.

import { button, el, field } from '../shared/dom.ts';
import type { Session } from '../shared/session.ts';
import type { CaseView } from './case-payloads.ts';
import { type Answer, sendDisposition, sendRecheck } from './cases-api.ts';
import { formatClock, formatDay, formatElapsed, localInputValue } from './format.ts';
import {
  CODE_LABELS,
  DECISION_LABELS,
  DISPOSITION_LABELS,
  DISPOSITIONS,
  type Disposition,
  METHOD_LABELS,
  METHODS,
  type Method,
  SESSION_LABELS,
  SYMPTOM_LABELS,
  SYMPTOMS,
  type Symptom,
} from './labels.ts';

export interface CardContext {
  session: Session;
  laneName(laneId: string): string;
  /** Server time now, in ms. */
  now(): number;
  /** The server answered with the case's new state. */
  onChanged(view: CaseView): void;
}

export class CaseCard {
  readonly element = el('article', 'case');
  private view: CaseView;

  private readonly decision = el('span', 'case-decision');
  private readonly name = el('span', 'case-name');
  private readonly classLabel = el('span', 'case-class');
  private readonly lane = el('span', 'case-lane');
  private readonly gate = el('span', 'case-gate');
  private readonly code = el('span', 'case-code');
  private readonly wait = el('span', 'case-wait');
  private readonly week = el('ol', 'case-week-list');
  private readonly rechecks = el('ol', 'case-recheck-list');
  private readonly classmates = el('section', 'case-classmates');
  private readonly classmateList = el('ul', 'classmate-list');
  private readonly closed = el('p', 'case-closed');
  private readonly recheckForm = el('form', 'recheck-form');
  private readonly dispositionForm = el('form', 'disposition-form');
  private readonly status = el('p', 'case-status');

  private readonly temperature = el('input', 'recheck-temperature');
  private readonly method = el('select', 'recheck-method');
  private readonly symptomBoxes = new Map<Symptom, HTMLInputElement>();
  private readonly recheckNote = el('input', 'recheck-note');
  private readonly dispositionChoice = el('select', 'disposition-choice');
  private readonly dispositionNote = el('input', 'disposition-note');
  private readonly guardian = el('fieldset', 'guardian');
  private readonly guardianName = el('input', 'guardian-name');
  private readonly guardianPhone = el('input', 'guardian-phone');
  private readonly guardianCalledAt = el('input', 'guardian-called-at');

  constructor(
    view: CaseView,
    private readonly ctx: CardContext,
  ) {
    this.view = view;
    this.element.dataset.caseId = view.id;
    this.status.setAttribute('role', 'status');

    const head = el('header', 'case-head');
    const who = el('div', 'case-who');
    who.append(this.name, this.classLabel);
    const facts = el('div', 'case-facts');
    facts.append(this.lane, this.gate, this.code);
    head.append(this.decision, who, facts, this.wait);

    const weekSection = el('section', 'case-week');
    weekSection.append(el('h3', 'case-section-title', '本周记录 · This week'), this.week);
    const recheckSection = el('section', 'case-rechecks');
    recheckSection.append(el('h3', 'case-section-title', '复测 · Re-checks'), this.rechecks);
    this.classmates.append(
      el('h3', 'case-section-title', '同班观察 · Classmates to watch'),
      this.classmateList,
    );

    this.buildRecheckForm();
    this.buildDispositionForm();
    const forms = el('div', 'case-forms');
    forms.append(this.recheckForm, this.dispositionForm);
    this.element.append(head, weekSection, recheckSection, this.classmates, this.closed, forms, this.status);
    this.render();
  }

  get id(): string {
    return this.view.id;
  }

  get openedAt(): string {
    return this.view.openedAt;
  }

  update(view: CaseView): void {
    this.view = view;
    this.render();
  }

  /** The live waiting time: since the gate, until the case closed. */
  tick(): void {
    const opened = Date.parse(this.view.openedAt);
    const until = this.view.closedAt ? Date.parse(this.view.closedAt) : this.ctx.now();
    const waited = Number.isFinite(opened) ? formatElapsed(until - opened) : '';
    this.wait.textContent = this.view.status === 'open' ? `等待 ${waited} · waiting` : `用时 ${waited}`;
    this.wait.dataset.ms = String(Number.isFinite(opened) ? Math.max(0, until - opened) : 0);
  }

  private render(): void {
    const v = this.view;
    const e = this.element;
    e.dataset.decision = v.decision;
    e.dataset.code = v.healthCode;
    e.dataset.status = v.status;
    e.dataset.confirmedFever = String(v.confirmedFever);

    const d = DECISION_LABELS[v.decision];
    this.decision.textContent = `${d.zh} ${d.en}`;
    this.name.textContent = v.person?.name ?? (v.personId ? v.personId : '身份不明 · unidentified');
    this.classLabel.textContent = v.classLabel;
    this.lane.textContent = `${this.ctx.laneName(v.laneId)}`;
    this.gate.textContent =
      v.gateTemperatureC === null ? '门口 未测温 · no reading' : `门口 ${v.gateTemperatureC.toFixed(1)} °C`;
    const c = CODE_LABELS[v.healthCode];
    this.code.dataset.code = v.healthCode;
    this.code.textContent = `${c.zh} ${c.en}`;
    this.tick();

    this.week.replaceChildren(
      ...v.weekScreenings.map((s) => {
        const item = el('li', 'week-item');
        item.dataset.decision = s.decision;
        item.dataset.screeningId = s.id;
        const label = DECISION_LABELS[s.decision];
        const temp = s.temperatureC === null ? '' : ` ${s.temperatureC.toFixed(1)} °C`;
        item.textContent = `${formatDay(s.at)} ${formatClock(s.at)} ${SESSION_LABELS[s.session] ?? s.session} ${label.zh}${temp}`;
        return item;
      }),
    );
    if (v.weekScreenings.length === 0) this.week.append(el('li', 'empty', '无 · none'));

    this.rechecks.replaceChildren(
      ...v.rechecks.map((r) => {
        const item = el('li', 'recheck-item');
        const m = METHOD_LABELS[r.method];
        const symptoms = r.symptoms.map((s) => SYMPTOM_LABELS[s].zh).join('、') || '无症状';
        item.textContent = `${formatClock(r.at)} ${m.zh} ${r.temperatureC.toFixed(1)} °C · ${symptoms}${r.note ? ` · ${r.note}` : ''} · ${r.recordedBy}`;
        return item;
      }),
    );
    if (v.rechecks.length === 0) this.rechecks.append(el('li', 'empty', '尚未复测 · no re-check yet'));

    this.classmates.hidden = !v.confirmedFever;
    this.classmateList.replaceChildren(
      ...v.classmates.map((p) => {
        const item = el('li', 'classmate', p.name);
        item.dataset.personId = p.id;
        return item;
      }),
    );
    if (v.classmates.length === 0)
      this.classmateList.append(el('li', 'empty', '名单中无同班同学 · none on the roster'));

    const open = v.status === 'open';
    this.recheckForm.hidden = !open;
    this.dispositionForm.hidden = !open;
    this.closed.hidden = open;
    if (!open && v.disposition) {
      const label = DISPOSITION_LABELS[v.disposition];
      const contact = v.guardianContact
        ? ` · 已联系 ${v.guardianContact.name} ${v.guardianContact.phone} ${formatClock(v.guardianContact.calledAt)}`
        : '';
      this.closed.textContent = `已结案：${label.zh} · ${label.en}${contact}${v.dispositionNote ? ` · ${v.dispositionNote}` : ''} · ${v.closedBy ?? ''}`;
    }
  }

  private buildRecheckForm(): void {
    const form = this.recheckForm;
    form.noValidate = false;
    this.temperature.type = 'number';
    this.temperature.step = '0.1';
    this.temperature.min = '34';
    this.temperature.max = '43';
    this.temperature.required = true;
    this.temperature.inputMode = 'decimal';
    for (const m of METHODS) {
      const option = el('option', '', `${METHOD_LABELS[m].zh} ${METHOD_LABELS[m].en}`);
      option.value = m;
      this.method.append(option);
    }
    const symptoms = el('fieldset', 'symptoms');
    symptoms.append(el('legend', '', '症状 · Symptoms'));
    for (const s of SYMPTOMS) {
      const box = el('input', 'symptom');
      box.type = 'checkbox';
      box.value = s;
      this.symptomBoxes.set(s, box);
      const label = el('label', 'symptom-choice');
      label.append(box, ` ${SYMPTOM_LABELS[s].zh} `, el('span', 'en', SYMPTOM_LABELS[s].en));
      symptoms.append(label);
    }
    this.recheckNote.type = 'text';
    this.recheckNote.maxLength = 1000;
    form.append(
      el('h3', 'form-title', '复测 · Clinical re-check'),
      field('体温 °C', 'Temperature', this.temperature),
      field('方式', 'Method', this.method),
      symptoms,
      field('备注', 'Note', this.recheckNote),
      button('primary', '记录复测', 'Record re-check', 'submit'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const temperatureC = Number(this.temperature.value);
      const symptomsChosen = [...this.symptomBoxes].filter(([, box]) => box.checked).map(([s]) => s);
      const note = this.recheckNote.value.trim();
      void this.submit(form, () =>
        sendRecheck(this.ctx.session, this.view.id, {
          temperatureC,
          method: this.method.value as Method,
          symptoms: symptomsChosen,
          ...(note ? { note } : {}),
        }),
      ).then((ok) => {
        if (!ok) return;
        this.temperature.value = '';
        this.recheckNote.value = '';
        for (const box of this.symptomBoxes.values()) box.checked = false;
      });
    });
  }

  private buildDispositionForm(): void {
    const form = this.dispositionForm;
    for (const d of DISPOSITIONS) {
      const option = el('option', '', `${DISPOSITION_LABELS[d].zh} ${DISPOSITION_LABELS[d].en}`);
      option.value = d;
      this.dispositionChoice.append(option);
    }
    this.dispositionNote.type = 'text';
    this.dispositionNote.maxLength = 1000;
    this.guardianName.type = 'text';
    this.guardianName.maxLength = 100;
    this.guardianPhone.type = 'tel';
    this.guardianPhone.maxLength = 20;
    this.guardianCalledAt.type = 'datetime-local';
    this.guardian.append(
      el('legend', '', '联系家长 · Guardian called'),
      field('姓名', 'Name', this.guardianName),
      field('电话', 'Phone', this.guardianPhone),
      field('通话时间', 'Called at', this.guardianCalledAt),
    );
    const showGuardian = () => {
      const d = this.dispositionChoice.value as Disposition;
      this.guardian.hidden = d !== 'sent_home' && d !== 'referred';
      if (!this.guardian.hidden && !this.guardianCalledAt.value) {
        this.guardianCalledAt.value = localInputValue(new Date(this.ctx.now()));
      }
    };
    this.dispositionChoice.addEventListener('change', showGuardian);
    showGuardian();
    form.append(
      el('h3', 'form-title', '处置 · Disposition'),
      field('去向', 'Outcome', this.dispositionChoice),
      this.guardian,
      field('备注', 'Note', this.dispositionNote),
      button('primary', '结案', 'Close case', 'submit'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const disposition = this.dispositionChoice.value as Disposition;
      const note = this.dispositionNote.value.trim();
      const name = this.guardianName.value.trim();
      const phone = this.guardianPhone.value.trim();
      const calledAt = this.guardianCalledAt.value ? new Date(this.guardianCalledAt.value) : null;
      const withGuardian = !this.guardian.hidden && (name || phone);
      void this.submit(form, () =>
        sendDisposition(this.ctx.session, this.view.id, {
          disposition,
          ...(note ? { note } : {}),
          ...(withGuardian && calledAt && !Number.isNaN(calledAt.getTime())
            ? { guardianContact: { name, phone, calledAt: calledAt.toISOString() } }
            : {}),
        }),
      );
    });
  }

  private async submit(form: HTMLFormElement, send: () => Promise<Answer>): Promise<boolean> {
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    this.say('');
    const answer = await send();
    for (const b of buttons) b.disabled = false;
    if (answer.ok) {
      this.update(answer.view);
      this.ctx.onChanged(answer.view);
      return true;
    }
    const fields = answer.fields.length ? `（${answer.fields.join(', ')}）` : '';
    this.say(`未保存${fields}：${answer.message}`, 'error');
    return false;
  }

  private say(text: string, state: 'info' | 'error' = 'info'): void {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }
}

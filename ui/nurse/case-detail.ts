// The one case open on the console: who, from which lane, what the gate read, how long they have
// waited, the guardian's phone, the forms to add a re-check and to close the case, then the re-checks
// so far, the week, and the pupil's class. Built once per case: an update refreshes what is shown
// without touching what the nurse is typing, and switching to another case and back keeps it.
import { bilingual, button, el, field } from '../shared/dom.ts';
import { CODE_LABELS } from '../shared/domain.ts';
import { type Refusal, refusalView } from '../shared/refusal.ts';
import { formatElapsed, type SchoolTime } from '../shared/school-time.ts';
import type { Session } from '../shared/session.ts';
import type { CaseView } from './case-payloads.ts';
import { type Answer, sendDisposition, sendRecheck } from './cases-api.ts';
import {
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

export interface DetailContext {
  session: Session;
  time: SchoolTime;
  laneName(laneId: string): string;
  /** The server answered with the case's new state. */
  onChanged(view: CaseView): void;
}

/** Dispositions that need a guardian called (sent home needs it; a referral usually does too). */
const WITH_GUARDIAN: readonly Disposition[] = ['sent_home', 'referred'];

let formIds = 0;

function required(label: HTMLElement): HTMLElement {
  label.querySelector('.field-label')?.append(el('span', 'required', '*必填'));
  return label;
}

export class CaseDetail {
  readonly element = el('article', 'case-detail');
  private view: CaseView;
  private readonly uid = `c${++formIds}`;

  private readonly decision = el('span', 'case-decision');
  private readonly name = el('h2', 'case-name');
  private readonly classLabel = el('span', 'case-class');
  private readonly lane = el('span', 'case-lane');
  private readonly gate = el('span', 'case-gate');
  private readonly code = el('span', 'case-code');
  private readonly wait = el('span', 'case-wait');
  private readonly opened = el('span', 'case-opened');
  private readonly guardianLine = el('p', 'case-guardian');
  private readonly phoneLink = el('a', 'guardian-call');
  private readonly week = el('ol', 'case-week-list');
  private readonly rechecks = el('ol', 'case-recheck-list');
  private readonly classBox = el('details', 'case-class-list');
  private readonly classSummary = el('summary', 'class-summary');
  private readonly classNames = el('ul', 'classmate-list');
  private readonly closed = el('p', 'case-closed');
  private readonly forms = el('div', 'case-forms');
  private readonly recheckForm = el('form', 'recheck-form');
  private readonly dispositionForm = el('form', 'disposition-form');
  private readonly status = el('p', 'case-status');

  private readonly temperature = el('input', 'recheck-temperature');
  private readonly method = el('select', 'recheck-method');
  private readonly symptomBoxes = new Map<Symptom, HTMLInputElement>();
  private readonly recheckNote = el('input', 'recheck-note');
  private readonly dispositionGroup = el('fieldset', 'disposition-choices');
  private readonly dispositionRadios = new Map<Disposition, HTMLInputElement>();
  private readonly dispositionNote = el('input', 'disposition-note');
  private readonly guardian = el('fieldset', 'guardian');
  private readonly guardianName = el('input', 'guardian-name');
  private readonly guardianPhone = el('input', 'guardian-phone');
  private readonly guardianCalledAt = el('input', 'guardian-called-at');

  constructor(
    view: CaseView,
    private readonly ctx: DetailContext,
  ) {
    this.view = view;
    this.element.dataset.caseId = view.id;
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.name.tabIndex = -1;

    const head = el('header', 'case-head');
    const who = el('div', 'case-who');
    who.append(this.decision, this.name, this.classLabel);
    const facts = el('div', 'case-facts');
    facts.append(this.lane, this.gate, this.code, this.opened, this.wait);
    head.append(who, facts);

    this.phoneLink.addEventListener('click', () => this.noteCall());

    this.buildRecheckForm();
    this.buildDispositionForm();
    this.forms.append(this.recheckForm, this.dispositionForm);

    const history = el('div', 'case-history');
    const recheckSection = el('section', 'case-rechecks');
    recheckSection.append(el('h3', 'case-section-title', '复测记录 · Re-checks'), this.rechecks);
    const weekSection = el('section', 'case-week');
    weekSection.append(el('h3', 'case-section-title', '本周记录 · This week'), this.week);
    history.append(recheckSection, weekSection);

    this.classBox.append(this.classSummary, this.classNames);
    this.element.append(
      head,
      this.guardianLine,
      this.status,
      this.closed,
      this.forms,
      history,
      this.classBox,
    );
    this.render();
  }

  get id(): string {
    return this.view.id;
  }

  update(view: CaseView): void {
    this.view = view;
    this.render();
  }

  /** Brings the case into view with the focus on its first field (or its name once closed). */
  focusFirst(): void {
    if (this.view.status === 'open') {
      // A fever closes only after a re-check; any other case may close at once.
      const recheckFirst = this.view.decision === 'fever' && this.view.rechecks.length === 0;
      (recheckFirst ? this.temperature : this.firstRadio()).focus();
    } else this.name.focus();
  }

  /** The live waiting time: since the gate, until the case closed. */
  tick(): void {
    const v = this.view;
    const opened = Date.parse(v.openedAt);
    const until = v.closedAt ? Date.parse(v.closedAt) : this.ctx.time.now();
    const waited = Number.isFinite(opened) ? formatElapsed(until - opened) : '';
    this.wait.textContent = v.status === 'open' ? `已等待 ${waited} · waiting` : `用时 ${waited} · took`;
  }

  private render(): void {
    const v = this.view;
    const e = this.element;
    const time = this.ctx.time;
    e.dataset.decision = v.decision;
    e.dataset.code = v.healthCode;
    e.dataset.status = v.status;
    e.dataset.confirmedFever = String(v.confirmedFever);

    const d = DECISION_LABELS[v.decision];
    this.decision.textContent = `${d.zh} ${d.en}`;
    this.name.textContent = v.person?.name ?? (v.personId ? v.personId : '身份不明 · unidentified');
    this.classLabel.textContent = [v.classLabel, v.personId ?? ''].filter(Boolean).join(' · ');
    this.lane.textContent = this.ctx.laneName(v.laneId);
    this.gate.textContent =
      v.gateTemperatureC === null ? '门口 未测温 · no reading' : `门口 ${v.gateTemperatureC.toFixed(1)} °C`;
    const c = CODE_LABELS[v.healthCode];
    this.code.dataset.code = v.healthCode;
    this.code.textContent = `${c.zh} ${c.en}`;
    this.opened.textContent = `${time.clock(v.openedAt)} 到达 · arrived`;
    this.tick();

    const phone = v.person?.guardianPhone ?? null;
    this.guardianLine.hidden = v.person === null;
    if (phone) {
      this.phoneLink.href = `tel:${phone.replace(/[^+0-9]/g, '')}`;
      this.phoneLink.replaceChildren(el('span', 'zh', `拨打 ${phone}`), ' ', el('span', 'en', 'Call'));
      this.guardianLine.replaceChildren(
        bilingual('guardian-label', '监护人电话', 'Guardian'),
        ' ',
        this.phoneLink,
      );
      if (!this.guardianPhone.value) this.guardianPhone.value = phone;
    } else {
      this.guardianLine.replaceChildren(
        bilingual('guardian-label', '监护人电话', 'Guardian'),
        ' ',
        bilingual('guardian-none', '名单中未登记', 'not on the roster'),
      );
    }

    this.week.replaceChildren(
      ...v.weekScreenings.map((s) => {
        const item = el('li', 'week-item');
        item.dataset.decision = s.decision;
        item.dataset.screeningId = s.id;
        const label = DECISION_LABELS[s.decision];
        const temp = s.temperatureC === null ? '' : ` ${s.temperatureC.toFixed(1)} °C`;
        item.textContent = `${time.day(s.at)} ${time.clock(s.at)} ${SESSION_LABELS[s.session] ?? s.session} ${label.zh}${temp}`;
        return item;
      }),
    );
    if (v.weekScreenings.length === 0) this.week.append(el('li', 'empty', '无 · none'));

    this.rechecks.replaceChildren(
      ...v.rechecks.map((r) => {
        const item = el('li', 'recheck-item');
        const m = METHOD_LABELS[r.method];
        const symptoms = r.symptoms.map((s) => SYMPTOM_LABELS[s].zh).join('、') || '无症状';
        item.textContent = `${time.clock(r.at)} ${m.zh} ${r.temperatureC.toFixed(1)} °C · ${symptoms}${r.note ? ` · ${r.note}` : ''} · ${r.recordedBy}`;
        return item;
      }),
    );
    if (v.rechecks.length === 0) this.rechecks.append(el('li', 'empty', '尚未复测 · no re-check yet'));

    this.renderClass();

    const open = v.status === 'open';
    this.forms.hidden = !open;
    this.closed.hidden = open;
    if (!open && v.disposition) {
      const label = DISPOSITION_LABELS[v.disposition];
      const contact = v.guardianContact
        ? ` · 已联系 ${v.guardianContact.name} ${v.guardianContact.phone} ${time.clock(v.guardianContact.calledAt)}`
        : '';
      const at = v.closedAt ? ` ${time.clock(v.closedAt)}` : '';
      this.closed.textContent = `已结案${at}：${label.zh} · ${label.en}${contact}${v.dispositionNote ? ` · ${v.dispositionNote}` : ''} · ${v.closedBy ?? ''}`;
    }
  }

  private renderClass(): void {
    const v = this.view;
    const list = v.classList.length > 0 ? v.classList : v.classmates;
    const watch = v.confirmedFever;
    this.classBox.hidden = v.person === null || v.classLabel === '' || v.classLabel === '教职工';
    this.classBox.dataset.watch = String(watch);
    this.classSummary.replaceChildren(
      watch
        ? bilingual(
            '',
            `同班观察：${v.classLabel}（${list.length} 人）`,
            `Classmates to watch (${list.length})`,
          )
        : bilingual('', `全班名单：${v.classLabel}（${list.length} 人）`, `Class list (${list.length})`),
    );
    if (watch && !this.classBox.dataset.opened) {
      this.classBox.open = true;
      this.classBox.dataset.opened = 'true';
    }
    this.classNames.replaceChildren(
      ...list.map((p) => {
        const item = el('li', 'classmate', p.name);
        item.dataset.personId = p.id;
        return item;
      }),
    );
    if (list.length === 0) this.classNames.append(el('li', 'empty', '名单中无同班同学 · none on the roster'));
  }

  private buildRecheckForm(): void {
    const form = this.recheckForm;
    this.temperature.type = 'number';
    this.temperature.step = '0.1';
    this.temperature.min = '34';
    this.temperature.max = '43';
    this.temperature.required = true;
    this.temperature.inputMode = 'decimal';
    this.temperature.name = 'temperatureC';
    for (const m of METHODS) {
      const option = el('option', '', `${METHOD_LABELS[m].zh} ${METHOD_LABELS[m].en}`);
      option.value = m;
      this.method.append(option);
    }
    this.method.required = true;
    this.method.name = 'method';
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
    this.recheckNote.name = 'note';
    const row = el('div', 'field-row');
    row.append(
      required(field('体温 °C', 'Temperature', this.temperature)),
      required(field('方式', 'Method', this.method)),
    );
    form.append(
      el('h3', 'form-title', '1 · 复测 · Clinical re-check'),
      row,
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
        this.say({ zh: '复测已记录', en: 'Re-check recorded' });
        // Next comes the disposition.
        this.firstRadio().focus();
      });
    });
  }

  private firstRadio(): HTMLInputElement {
    const checked = [...this.dispositionRadios.values()].find((r) => r.checked);
    return checked ?? (this.dispositionRadios.values().next().value as HTMLInputElement);
  }

  private buildDispositionForm(): void {
    const form = this.dispositionForm;
    const legend = el('legend', '');
    legend.append(bilingual('field-label', '去向', 'Outcome'), el('span', 'required', '*必填'));
    this.dispositionGroup.append(legend);
    for (const d of DISPOSITIONS) {
      const radio = el('input', 'disposition-choice');
      radio.type = 'radio';
      radio.name = `disposition-${this.uid}`;
      radio.value = d;
      radio.required = true;
      this.dispositionRadios.set(d, radio);
      const label = el('label', 'disposition-option');
      label.append(radio, ` ${DISPOSITION_LABELS[d].zh} `, el('span', 'en', DISPOSITION_LABELS[d].en));
      this.dispositionGroup.append(label);
    }
    this.dispositionNote.type = 'text';
    this.dispositionNote.maxLength = 1000;
    this.guardianName.type = 'text';
    this.guardianName.maxLength = 100;
    this.guardianName.placeholder = '如：张母';
    this.guardianName.autocomplete = 'off';
    this.guardianPhone.type = 'tel';
    this.guardianPhone.maxLength = 20;
    this.guardianPhone.pattern = '\\+?[0-9][0-9 \\-]{4,19}';
    this.guardianCalledAt.type = 'datetime-local';
    this.guardian.append(
      el('legend', '', '联系家长 · Guardian called'),
      required(field('家长姓名', 'Who was called', this.guardianName)),
      required(field('电话', 'Phone', this.guardianPhone)),
      required(field('通话时间', 'Called at', this.guardianCalledAt)),
    );
    const showGuardian = () => {
      const d = this.chosen();
      const needed = d !== null && WITH_GUARDIAN.includes(d);
      this.guardian.hidden = !needed;
      for (const input of [this.guardianName, this.guardianPhone, this.guardianCalledAt]) {
        input.required = d === 'sent_home';
      }
      if (needed && !this.guardianCalledAt.value) this.noteCall();
    };
    for (const radio of this.dispositionRadios.values()) radio.addEventListener('change', showGuardian);
    showGuardian();
    form.append(
      el('h3', 'form-title', '2 · 处置 · Disposition'),
      this.dispositionGroup,
      this.guardian,
      field('备注', 'Note', this.dispositionNote),
      button('primary', '结案', 'Close case', 'submit'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const disposition = this.chosen();
      if (!disposition) return;
      const note = this.dispositionNote.value.trim();
      const name = this.guardianName.value.trim();
      const phone = this.guardianPhone.value.trim();
      const calledAt = this.ctx.time.fromInputValue(this.guardianCalledAt.value);
      const withGuardian = !this.guardian.hidden && name !== '';
      void this.submit(form, () =>
        sendDisposition(this.ctx.session, this.view.id, {
          disposition,
          ...(note ? { note } : {}),
          ...(withGuardian && calledAt
            ? { guardianContact: { name, phone, calledAt: calledAt.toISOString() } }
            : {}),
        }),
      ).then((ok) => {
        if (!ok) return;
        this.say({ zh: '已结案', en: 'Case closed' });
        this.name.focus();
      });
    });
  }

  private chosen(): Disposition | null {
    for (const [d, radio] of this.dispositionRadios) if (radio.checked) return d;
    return null;
  }

  /** The call is being made now: its time goes into the record (the nurse may correct it). */
  private noteCall(): void {
    this.guardianCalledAt.value = this.ctx.time.inputValue(this.ctx.time.now());
  }

  private async submit(form: HTMLFormElement, send: () => Promise<Answer>): Promise<boolean> {
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    this.say(null);
    this.markInvalid([]);
    const answer = await send();
    for (const b of buttons) b.disabled = false;
    if (answer.ok) {
      this.update(answer.view);
      this.ctx.onChanged(answer.view);
      return true;
    }
    this.showRefusal(answer.refusal);
    this.markInvalid(answer.refusal.fields.map((f) => f.field));
    return false;
  }

  /** Marks the inputs the server named, and puts the focus on the first. */
  private markInvalid(fields: string[]): void {
    const inputs: Record<string, HTMLElement> = {
      temperatureC: this.temperature,
      method: this.method,
      disposition: this.dispositionGroup,
      guardianContact: this.guardianName,
      'guardianContact.name': this.guardianName,
      'guardianContact.phone': this.guardianPhone,
      'guardianContact.calledAt': this.guardianCalledAt,
    };
    for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
    const bad = fields.map((f) => inputs[f]).filter((i): i is HTMLElement => i !== undefined);
    for (const input of bad) input.setAttribute('aria-invalid', 'true');
    const first = bad[0];
    if (first) (first === this.dispositionGroup ? this.firstRadio() : first).focus();
  }

  private showRefusal(refusal: Refusal): void {
    this.status.dataset.state = 'error';
    // A 400's summary already names every field, in both languages.
    this.status.replaceChildren(refusalView(refusal, { zh: '未保存：', en: 'Not saved: ' }));
  }

  private say(text: { zh: string; en: string } | null): void {
    this.status.dataset.state = 'info';
    this.status.replaceChildren();
    if (text) this.status.append(el('span', 'zh', text.zh), ' ', el('span', 'en', text.en));
  }
}

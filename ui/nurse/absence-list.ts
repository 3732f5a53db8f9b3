// The absences of today's checks on the console: who was not screened by a check's cut-off, with the
// reason to fill in (sick, personal, unknown), for a sick pupil the symptoms, a doctor's visit and the
// diagnosis, and a follow-up call. The current check comes first; pupils who came late say so.
import { button, el, field } from '../shared/dom.ts';
import { type Refusal, refusalView } from '../shared/refusal.ts';
import type { SchoolTime } from '../shared/school-time.ts';
import type { Session } from '../shared/session.ts';
import type { Absence } from './absence-payloads.ts';
import { sendAbsence } from './cases-api.ts';
import {
  ABSENCE_REASONS,
  type AbsenceReason,
  REASON_LABELS,
  SESSION_LABELS,
  SYMPTOM_LABELS,
  SYMPTOMS,
  type Symptom,
} from './labels.ts';

export interface AbsenceContext {
  session: Session;
  time: SchoolTime;
}

class AbsenceItem {
  readonly element = el('li', 'absence');
  private absence: Absence;
  private dirty = false;
  private readonly who = el('span', 'absence-who');
  private readonly when = el('span', 'absence-when');
  private readonly state = el('span', 'absence-state');
  private readonly reason = el('select', 'absence-reason');
  private readonly sick = el('div', 'absence-sick');
  private readonly symptoms = new Map<Symptom, HTMLInputElement>();
  private readonly doctor = el('select', 'absence-doctor');
  private readonly diagnosis = el('input', 'absence-diagnosis');
  private readonly followUp = el('input', 'absence-follow-up');
  private readonly followUps = el('ul', 'absence-follow-ups');
  private readonly status = el('p', 'absence-status');

  constructor(
    absence: Absence,
    private readonly ctx: AbsenceContext,
  ) {
    this.absence = absence;
    const form = el('form', 'absence-form');
    for (const r of ABSENCE_REASONS) {
      const o = el('option', '', `${REASON_LABELS[r].zh} ${REASON_LABELS[r].en}`);
      o.value = r;
      this.reason.append(o);
    }
    for (const [value, text] of [
      ['', '未知 · not known'],
      ['yes', '已就诊 · seen a doctor'],
      ['no', '未就诊 · not seen'],
    ] as const) {
      const o = el('option', '', text);
      o.value = value;
      this.doctor.append(o);
    }
    const symptomBox = el('fieldset', 'symptoms');
    symptomBox.append(el('legend', '', '症状 · Symptoms'));
    for (const s of SYMPTOMS) {
      const box = el('input', 'symptom');
      box.type = 'checkbox';
      box.value = s;
      this.symptoms.set(s, box);
      const label = el('label', 'symptom-choice');
      label.append(box, ` ${SYMPTOM_LABELS[s].zh}`);
      symptomBox.append(label);
    }
    this.diagnosis.type = 'text';
    this.diagnosis.maxLength = 200;
    this.followUp.type = 'text';
    this.followUp.maxLength = 500;
    this.followUp.placeholder = '如：电话联系家长，发热在家休息';
    this.sick.append(
      symptomBox,
      field('就诊', 'Doctor', this.doctor),
      field('诊断', 'Diagnosis', this.diagnosis),
    );
    const head = el('div', 'absence-head');
    head.append(this.who, this.when, this.state);
    form.append(
      field('原因', 'Reason', this.reason),
      this.sick,
      field('随访记录', 'Follow-up', this.followUp),
      button('primary', '保存', 'Save', 'submit'),
    );
    this.status.setAttribute('role', 'status');
    this.element.append(head, form, this.followUps, this.status);
    form.addEventListener('input', () => {
      this.dirty = true;
    });
    this.reason.addEventListener('change', () => {
      this.sick.hidden = this.reason.value !== 'sick';
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save(form);
    });
    this.render(true);
  }

  get id(): string {
    return this.absence.id;
  }

  get sortKey(): string {
    const a = this.absence;
    const pending = a.status === 'open' && a.reason === 'unknown' ? '0' : '1';
    return `${pending}${a.grade ?? 99}${a.className ?? ''}${a.name}`;
  }

  get listedAt(): string {
    return this.absence.listedAt;
  }

  update(absence: Absence): void {
    this.absence = absence;
    this.render(!this.dirty);
  }

  private render(fillInputs: boolean): void {
    const a = this.absence;
    const t = this.ctx.time;
    const e = this.element;
    e.dataset.absenceId = a.id;
    e.dataset.status = a.status;
    e.dataset.reason = a.reason;
    const cls = a.grade !== null && a.className ? `${a.grade}年级${a.className}` : (a.className ?? '');
    this.who.textContent = `${a.name} ${cls}`;
    this.when.textContent = `${SESSION_LABELS[a.session] ?? a.session} · ${t.clock(a.listedAt)} 列入`;
    this.state.textContent =
      a.status === 'arrived'
        ? `已迟到入校 ${a.arrivedAt ? t.clock(a.arrivedAt) : ''} · came late`
        : a.reason === 'unknown'
          ? '待填原因 · reason to fill in'
          : `${REASON_LABELS[a.reason].zh} · ${a.updatedBy}`;
    this.followUps.replaceChildren(
      ...a.followUps.map((f) => el('li', 'follow-up', `${t.day(f.at)} ${t.clock(f.at)} ${f.by}：${f.note}`)),
    );
    if (!fillInputs) return;
    this.reason.value = a.reason;
    this.sick.hidden = a.reason !== 'sick';
    for (const [s, box] of this.symptoms) box.checked = a.symptoms.includes(s);
    this.doctor.value = a.doctorSeen === null ? '' : a.doctorSeen ? 'yes' : 'no';
    this.diagnosis.value = a.diagnosis ?? '';
  }

  private async save(form: HTMLFormElement): Promise<void> {
    const reason = this.reason.value as AbsenceReason;
    const sick = reason === 'sick';
    const note = this.followUp.value.trim();
    const followUps = note
      ? [
          ...this.absence.followUps,
          { at: new Date(this.ctx.time.now()).toISOString(), by: this.ctx.session.user.name, note },
        ]
      : undefined;
    const submit = form.querySelector('button');
    if (submit) submit.disabled = true;
    const answer = await sendAbsence(this.ctx.session, this.absence.id, {
      reason,
      ...(sick
        ? {
            symptoms: [...this.symptoms].filter(([, b]) => b.checked).map(([s]) => s),
            doctorSeen: this.doctor.value === '' ? null : this.doctor.value === 'yes',
            diagnosis: this.diagnosis.value.trim() || null,
          }
        : { symptoms: [], doctorSeen: null, diagnosis: null }),
      ...(followUps ? { followUps } : {}),
    });
    if (submit) submit.disabled = false;
    if (answer.ok) {
      this.dirty = false;
      this.followUp.value = '';
      this.update(answer.view);
      this.status.dataset.state = 'info';
      this.status.replaceChildren(el('span', 'zh', '已保存'), ' ', el('span', 'en', 'Saved'));
      return;
    }
    this.showRefusal(answer.refusal);
  }

  private showRefusal(refusal: Refusal): void {
    this.status.dataset.state = 'error';
    this.status.replaceChildren(refusalView(refusal, { zh: '未保存：', en: 'Not saved: ' }));
  }
}

export class AbsenceList {
  private readonly items = new Map<string, AbsenceItem>();

  constructor(
    private readonly root: HTMLElement,
    private readonly count: HTMLElement,
    private readonly ctx: AbsenceContext,
  ) {}

  /** Today's list, as read from the kiosk: replaces what is shown (keeping what is being typed). */
  setAll(absences: Absence[]): void {
    const ids = new Set(absences.map((a) => a.id));
    for (const [id, item] of this.items) {
      if (!ids.has(id)) {
        item.element.remove();
        this.items.delete(id);
      }
    }
    for (const a of absences) this.upsert(a, false);
    this.order();
  }

  /** One absence listed or changed (`absence:update`); another day's is ignored. */
  upsert(absence: Absence, reorder = true): void {
    if (absence.localDate && absence.localDate !== this.ctx.time.date()) return;
    const item = this.items.get(absence.id);
    if (item) item.update(absence);
    else this.items.set(absence.id, new AbsenceItem(absence, this.ctx));
    if (reorder) this.order();
  }

  /** The latest check first; within it those whose reason is still unknown, then by class. */
  private order(): void {
    const items = [...this.items.values()].sort((a, b) =>
      a.listedAt.slice(0, 13) !== b.listedAt.slice(0, 13)
        ? b.listedAt.localeCompare(a.listedAt)
        : a.sortKey.localeCompare(b.sortKey),
    );
    const current = [...this.root.children];
    if (items.length !== current.length || items.some((it, i) => current[i] !== it.element)) {
      this.root.replaceChildren(...items.map((it) => it.element));
    }
    const toFill = [...this.root.querySelectorAll('.absence[data-status="open"][data-reason="unknown"]')]
      .length;
    this.count.textContent = `${items.length} 人 · ${toFill} 待填原因`;
    this.count.dataset.toFill = String(toFill);
  }
}

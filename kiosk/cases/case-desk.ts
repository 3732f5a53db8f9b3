import { EventEmitter } from 'node:events';
import type { Person } from '../identities/person.ts';
import { isFever } from '../policy/severity.ts';
import type { Screened } from '../screening/screener.ts';
import type { CaseClosing, CaseFilter, CaseRecord, CaseStore, GuardianContact } from '../store/cases.ts';
import { newRecordId } from '../store/ids.ts';
import type { ReturnCertificateStore } from '../store/return-certificates.ts';
import type { ScreeningStore } from '../store/screenings.ts';
import { CaseRefusal } from './case-refusal.ts';
import {
  type Disposition,
  needsRecheckToClose,
  needsReturnCertificate,
  opensCase,
  type RecheckMethod,
} from './case-rules.ts';
import { type CaseView, caseView } from './case-view.ts';
import type { Symptom } from './symptoms.ts';

const alreadyClosed = (caseId: string) => ({
  zh: '这个个案已结案（可能刚被他人处理）',
  en: `case "${caseId}" is already closed`,
});

export interface CaseDeskEvents {
  /** A case was opened; emitted once its screening is committed. */
  opened: [record: CaseRecord];
  updated: [record: CaseRecord];
}

/** Where screenings come from: a lane tells of each one it decided. */
export interface ScreenedSource {
  on(event: 'screened', listener: (screened: Screened) => void): unknown;
}

export interface CaseDeskDeps {
  store: CaseStore;
  screenings: Pick<ScreeningStore, 'forPerson'>;
  /** The in-memory roster. */
  people: { get(id: string): Person | null; all(): Iterable<Person> };
  certificates: Pick<ReturnCertificateStore, 'require'>;
  /** A clinical reading at or above this confirms the fever. */
  feverC: number;
  /** The return-certificate flag changed in the store: re-read the roster the lanes use. */
  onPeopleChange(): void;
  lanes: readonly ScreenedSource[];
}

export interface RecheckInput {
  temperatureC: number;
  method: RecheckMethod;
  symptoms: readonly Symptom[];
  note?: string | undefined;
}

export interface DispositionInput {
  disposition: Disposition;
  note?: string | undefined;
  guardianContact?: GuardianContact | undefined;
}

/**
 * The nurse's side of a flagged entrant: cases open with their screening, take clinical
 * re-checks, and close with a disposition. Tells listeners of every new case and change.
 */
export class CaseDesk extends EventEmitter<CaseDeskEvents> {
  constructor(private readonly deps: CaseDeskDeps) {
    super();
    for (const lane of deps.lanes) {
      lane.on('screened', (screened) => {
        if (screened.repeat || !opensCase(screened.record.decision)) return;
        const opened = deps.store.byScreening(screened.record.id);
        if (opened) this.emit('opened', opened);
      });
    }
  }

  list(filter: CaseFilter = {}): CaseRecord[] {
    return this.deps.store.list(filter);
  }

  get(id: string): CaseRecord {
    const found = this.deps.store.get(id);
    if (!found) {
      throw new CaseRefusal('not_found', 'not_found', {
        zh: `找不到这个个案（${id}）`,
        en: `no case "${id}"`,
      });
    }
    return found;
  }

  byScreening(screeningId: string): CaseRecord | null {
    return this.deps.store.byScreening(screeningId);
  }

  view(record: CaseRecord): CaseView {
    const { people, screenings } = this.deps;
    return caseView(record, {
      person: (id) => people.get(id),
      people: () => people.all(),
      screeningsSince: (personId, fromDate) => screenings.forPerson(personId, fromDate),
    });
  }

  addRecheck(caseId: string, input: RecheckInput, actor: string, at = new Date()): CaseRecord {
    const current = this.get(caseId);
    if (current.status !== 'open') {
      throw new CaseRefusal('conflict', 'case_closed', {
        zh: '这个个案已结案：复测只能记在未结案的个案上',
        en: `case "${caseId}" is closed: re-checks go on open cases`,
      });
    }
    const updated = this.deps.store.addRecheck(
      {
        id: newRecordId(at.getTime()),
        caseId,
        at: at.toISOString(),
        temperatureC: input.temperatureC,
        method: input.method,
        symptoms: [...new Set(input.symptoms)],
        note: input.note ?? null,
        recordedBy: actor,
      },
      isFever(input.temperatureC, this.deps.feverC),
    );
    this.emit('updated', updated);
    return updated;
  }

  close(caseId: string, input: DispositionInput, actor: string, at = new Date()): CaseRecord {
    const current = this.get(caseId);
    if (current.status !== 'open') {
      throw new CaseRefusal('conflict', 'case_closed', alreadyClosed(caseId));
    }
    if (needsRecheckToClose(current.decision) && current.rechecks.length === 0) {
      throw new CaseRefusal('conflict', 'recheck_required', {
        zh: '发热个案须先复测体温才能结案：门口读数只是筛查，不是诊断',
        en: 'a fever case closes only after a clinical re-check: the gate reading is a screening, not a diagnosis',
      });
    }
    const personId = current.personId;
    const flag = needsReturnCertificate(input.disposition) && personId !== null;
    const closed = this.deps.store.close(
      caseId,
      {
        disposition: input.disposition,
        note: input.note ?? null,
        guardianContact: input.guardianContact ?? null,
        at: at.toISOString(),
        recordedBy: actor,
      },
      flag ? () => this.deps.certificates.require(personId) : undefined,
    );
    if (!closed) throw new CaseRefusal('conflict', 'case_closed', alreadyClosed(caseId));
    if (flag) this.deps.onPeopleChange();
    this.emit('updated', closed);
    return closed;
  }

  /**
   * A guard checked a `verify` by hand and let the person in: its case closes as admitted. Meant to
   * run inside the guard action's transaction; call `announce` once that has committed.
   */
  closeAtGate(screeningId: string, closing: Omit<CaseClosing, 'disposition'>): CaseRecord | null {
    const open = this.deps.store.byScreening(screeningId);
    if (open?.status !== 'open' || open.decision !== 'verify') return null;
    return this.deps.store.close(open.id, { ...closing, disposition: 'admitted' });
  }

  announce(record: CaseRecord): void {
    this.emit('updated', record);
  }
}

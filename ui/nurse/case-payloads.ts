// Cases as the console receives them (`GET /api/cases`, `case:new`, `case:update`), read defensively.
import type { CaseView, Recheck, WeekScreening } from '../../contract/nurse-events.ts';
import type { Symptom } from '../../contract/vocabulary.ts';
import { DECISIONS, HEALTH_CODES, isOneOf } from '../shared/domain.ts';
import { DISPOSITIONS, METHODS, SYMPTOMS } from './labels.ts';

export type { CaseView, Recheck, WeekScreening };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const records = (v: unknown): Fields[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function parseRecheck(r: Fields): Recheck | null {
  const temperatureC = numOrNull(r.temperatureC);
  if (temperatureC === null || !isOneOf(METHODS, r.method)) return null;
  return {
    id: str(r.id),
    at: str(r.at),
    temperatureC,
    method: r.method,
    symptoms: Array.isArray(r.symptoms) ? r.symptoms.filter((s): s is Symptom => isOneOf(SYMPTOMS, s)) : [],
    note: strOrNull(r.note),
    recordedBy: str(r.recordedBy),
  };
}

function parseWeek(s: Fields): WeekScreening | null {
  if (!isOneOf(DECISIONS, s.decision)) return null;
  return {
    id: str(s.id),
    at: str(s.at),
    session: str(s.session),
    laneId: str(s.laneId),
    decision: s.decision,
    temperatureC: numOrNull(s.temperatureC),
  };
}

export function parseCase(value: unknown): CaseView | null {
  if (!isRecord(value) || typeof value.id !== 'string' || !isOneOf(DECISIONS, value.decision)) return null;
  const person = isRecord(value.person) ? value.person : null;
  const contact = isRecord(value.guardianContact) ? value.guardianContact : null;
  return {
    id: value.id,
    openedAt: str(value.openedAt),
    personId: strOrNull(value.personId),
    laneId: str(value.laneId),
    decision: value.decision,
    gateTemperatureC: numOrNull(value.gateTemperatureC),
    healthCode: isOneOf(HEALTH_CODES, value.healthCode) ? value.healthCode : 'unknown',
    status: value.status === 'closed' ? 'closed' : 'open',
    rechecks: records(value.rechecks)
      .map(parseRecheck)
      .filter((r): r is Recheck => r !== null),
    disposition: isOneOf(DISPOSITIONS, value.disposition) ? value.disposition : null,
    closedAt: strOrNull(value.closedAt),
    closedBy: strOrNull(value.closedBy),
    dispositionNote: strOrNull(value.dispositionNote),
    guardianContact: contact
      ? { name: str(contact.name), phone: str(contact.phone), calledAt: str(contact.calledAt) }
      : null,
    confirmedFever: value.confirmedFever === true,
    person: person
      ? {
          name: str(person.name),
          grade: numOrNull(person.grade),
          className: strOrNull(person.className),
          guardianPhone: strOrNull(person.guardianPhone),
        }
      : null,
    classLabel: str(value.classLabel),
    weekScreenings: records(value.weekScreenings)
      .map(parseWeek)
      .filter((s): s is WeekScreening => s !== null),
    classmates: records(value.classmates).map((c) => ({ id: str(c.id), name: str(c.name) })),
    classList: records(value.classList).map((c) => ({ id: str(c.id), name: str(c.name) })),
  };
}

export function parseCases(value: unknown): CaseView[] {
  return Array.isArray(value) ? value.map(parseCase).filter((c): c is CaseView => c !== null) : [];
}

// Absences as the console receives them (`GET /api/absences`, `absence:update`), read defensively.
import type { Absence } from '../../contract/nurse-events.ts';
import type { Symptom } from '../../contract/vocabulary.ts';
import { isOneOf } from '../shared/domain.ts';
import { ABSENCE_REASONS, SYMPTOMS } from './labels.ts';

export type { Absence };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseAbsence(v: unknown): Absence | null {
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.personId !== 'string') return null;
  return {
    id: v.id,
    localDate: str(v.localDate),
    session: str(v.session),
    personId: v.personId,
    name: str(v.name),
    grade: typeof v.grade === 'number' ? v.grade : null,
    className: typeof v.className === 'string' ? v.className : null,
    listedAt: str(v.listedAt),
    reason: isOneOf(ABSENCE_REASONS, v.reason) ? v.reason : 'unknown',
    symptoms: Array.isArray(v.symptoms) ? v.symptoms.filter((s): s is Symptom => isOneOf(SYMPTOMS, s)) : [],
    doctorSeen: typeof v.doctorSeen === 'boolean' ? v.doctorSeen : null,
    diagnosis: typeof v.diagnosis === 'string' ? v.diagnosis : null,
    followUps: Array.isArray(v.followUps)
      ? v.followUps.filter(isRecord).map((f) => ({ at: str(f.at), by: str(f.by), note: str(f.note) }))
      : [],
    status: v.status === 'arrived' ? 'arrived' : 'open',
    arrivedAt: typeof v.arrivedAt === 'string' ? v.arrivedAt : null,
    chased: v.chased === true,
    revision: typeof v.revision === 'number' ? v.revision : 0,
    updatedBy: str(v.updatedBy),
  };
}

export function parseAbsences(v: unknown): Absence[] {
  return Array.isArray(v) ? v.map(parseAbsence).filter((a): a is Absence => a !== null) : [];
}

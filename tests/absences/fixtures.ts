import type { SessionConfig } from '../../kiosk/config/schema.ts';
import type { Person } from '../../kiosk/identities/person.ts';
import type { Decision } from '../../kiosk/policy/types.ts';
import { sessionOf } from '../../kiosk/sessions/session-of.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import type { ScreeningRecord } from '../../kiosk/store/screenings.ts';
import { zonedToInstant } from '../../kiosk/time/zoned.ts';

export const TZ = 'Asia/Shanghai';
export const DAY = '2026-11-23';

export const sessions: SessionConfig[] = [
  { id: 'morning', name: '晨检', start: '06:30', cutoff: '08:30', boardersOnly: false },
  { id: 'noon', name: '午检', start: '12:30', cutoff: '14:00', boardersOnly: false },
  { id: 'evening', name: '晚检', start: '18:30', cutoff: '20:00', boardersOnly: true },
];

export function pupil(id: string, name: string, grade: number, className: string, boarder = false): Person {
  return {
    id,
    name,
    kind: 'student',
    grade,
    className,
    card: null,
    guardianPhone: null,
    boarder,
    healthCode: 'green',
    healthCodeAt: null,
    returnCertificateDue: false,
  };
}

export const roster: Person[] = [
  pupil('S1', '张三丰', 1, '1班'),
  pupil('S2', '李四', 1, '1班'),
  pupil('S3', '王五', 1, '2班', true),
  pupil('S4', '赵六', 2, '1班', true),
  { ...pupil('T1', '周老师', 1, '1班'), kind: 'staff', grade: null, className: null },
];

/** A screening as the screener would commit it at a school-local time. */
export function screeningAt(
  time: string,
  personId: string | null,
  over: Partial<ScreeningRecord> & { date?: string } = {},
): ScreeningRecord {
  const { date = DAY, ...rest } = over;
  const at = zonedToInstant(date, time, TZ);
  const slot = sessionOf(at, sessions, TZ);
  return {
    id: newRecordId(at.getTime()),
    at: at.toISOString(),
    localDate: slot.date,
    laneId: '1',
    session: slot.sessionId,
    personId,
    identityText: null,
    temperatureC: 36.5,
    temperatureSource: 'body',
    objectC: null,
    ambientC: null,
    calibrationId: null,
    healthCode: 'green',
    decision: 'pass' as Decision,
    reasons: [],
    ...rest,
  };
}

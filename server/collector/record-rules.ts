import { z } from 'zod';
import { absenceReasons } from '../../kiosk/absences/reasons.ts';
import { formatPath } from '../../kiosk/config/load.ts';
import { decisions, healthCodes } from '../../kiosk/policy/types.ts';

export const recordKinds = ['screening', 'case', 'absence', 'daily_summary'] as const;
export type RecordKind = (typeof recordKinds)[number];

/** The most records one batch may hold. */
export const MAX_RECORDS_PER_BATCH = 5000;

/**
 * The body of `POST /v1/batches`. Only what the collector needs to answer at all is checked here (a
 * failure is a 400 naming the field); each record's own content is judged one by one, so one bad
 * record never costs the others their place.
 */
export const batchEnvelope = z.object({
  schoolId: z.string().min(1).max(64),
  kioskId: z.string().min(1).max(128),
  batchId: z.string().min(1).max(128),
  records: z
    .array(z.looseObject({ id: z.string().min(1).max(128) }), { error: 'an array of records' })
    .max(MAX_RECORDS_PER_BATCH, `at most ${MAX_RECORDS_PER_BATCH} records a batch`),
});

/** A record that passed its checks, ready to store. */
export interface ValidRecord {
  id: string;
  kind: RecordKind;
  at: string;
  localDate: string | null;
  data: Record<string, unknown>;
  directReport: boolean;
}

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar date');
const personId = z.string().min(1).max(128);
const count = z.number().int().min(0);

/** The fields each kind needs in `data`; fields beyond these are kept as sent. */
const dataRules: Record<RecordKind, z.ZodType<Record<string, unknown>>> = {
  screening: z.looseObject({
    laneId: z.string().min(1),
    session: z.string().min(1),
    localDate,
    personId: personId.nullable(),
    temperatureC: z.number().min(20).max(45).nullable(),
    healthCode: z.enum(healthCodes),
    decision: z.enum(decisions),
    reasons: z.array(z.string()).optional(),
  }),
  case: z.looseObject({
    /** Null when nobody scanned for the reading that opened the case. */
    personId: personId.nullable(),
    status: z.enum(['open', 'closed']),
    localDate: localDate.optional(),
    /** A confirmed fever reported to the district (直报): listed until someone at the district answers. */
    directReport: z.boolean().optional(),
  }),
  absence: z.looseObject({
    personId,
    localDate,
    session: z.string().min(1),
    reason: z.enum(absenceReasons),
    /** Each change to an absence is a record of its own; the latest revision says how it stands. */
    absenceId: z.string().min(1).optional(),
    revision: z.number().int().min(0).optional(),
    status: z.enum(['open', 'arrived']).optional(),
  }),
  daily_summary: z.looseObject({ localDate, screened: count, flagged: count, absent: count }),
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Why a record was refused: `reason` in English, `zh` the same in Chinese. */
export interface Refused {
  reason: string;
  zh: string;
}

/** Judges one record: the stored form, or the reason it cannot be taken. */
export function checkRecord(
  raw: Record<string, unknown> & { id: string },
): { ok: true; record: ValidRecord } | ({ ok: false } & Refused) {
  const { kind, at, data } = raw;
  if (typeof kind !== 'string' || !(recordKinds as readonly string[]).includes(kind)) {
    const got = JSON.stringify(kind);
    return {
      ok: false,
      reason: `kind: must be one of ${recordKinds.join(', ')} (got ${got})`,
      zh: `kind：记录类型须为 ${recordKinds.join('、')} 之一（收到 ${got}）`,
    };
  }
  if (typeof at !== 'string' || !ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) {
    const got = JSON.stringify(at);
    return {
      ok: false,
      reason: `at: must be an ISO 8601 time with its zone (got ${got})`,
      zh: `at：须为带时区的 ISO 8601 时间（收到 ${got}）`,
    };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, reason: 'data: must be an object', zh: 'data：须为对象' };
  }
  const parsed = dataRules[kind as RecordKind].safeParse(data);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((i) => formatPath(['data', ...i.path]));
    const reason = parsed.error.issues.map((i, n) => `${paths[n]}: ${i.message}`).join('; ');
    return { ok: false, reason, zh: `记录内容不符合要求：${[...new Set(paths)].join('、')}（${reason}）` };
  }
  const d = parsed.data;
  return {
    ok: true,
    record: {
      id: raw.id,
      kind: kind as RecordKind,
      at,
      localDate: typeof d.localDate === 'string' ? d.localDate : null,
      data: d,
      directReport: kind === 'case' && d.directReport === true,
    },
  };
}

/** How far ahead of the collector's clock a record's time may be (a kiosk clock a little fast). */
export const MAX_AHEAD_MS = 2 * 86_400_000;

/**
 * A record whose time the district cannot file: too far ahead of the collector's clock (the kiosk's
 * clock is wrong), or older than the district keeps records (`keepDays`; its day is gone).
 */
export function outsideKeptDays(at: string, nowMs: number, keepDays: number | null): Refused | null {
  const t = Date.parse(at);
  if (t > nowMs + MAX_AHEAD_MS) {
    return {
      reason: `at: more than 2 days ahead of the district's clock (got ${at}; is the kiosk's clock right?)`,
      zh: `at：比区级服务器时间超前 2 天以上（收到 ${at}；请检查学校设备的系统时间）`,
    };
  }
  if (keepDays !== null) {
    const firstKept =
      Date.parse(`${new Date(nowMs).toISOString().slice(0, 10)}T00:00:00Z`) - keepDays * 86_400_000;
    if (t < firstKept)
      return {
        reason: `at: older than the district keeps records (${keepDays} days; got ${at})`,
        zh: `at：早于区级保存期限（${keepDays} 天；收到 ${at}）`,
      };
  }
  return null;
}

// The HTTP side of diagnostics: the lanes (which of them have a forehead thermometer to calibrate)
// and their calibrations. Requests ride on the logged-in session; a save carries its CSRF token.
import { type Session, sessionFetch } from '../shared/session.ts';

export interface CalibrationPoint {
  objectC: number;
  clinicalC: number;
}

export interface Calibration {
  id: number;
  slope: number;
  intercept: number;
  residualSdC: number;
  /** ISO time. */
  at: string;
  points: CalibrationPoint[];
}

export interface CalibrationStatus {
  /** The lane's forehead thermometer. */
  deviceId: string;
  calibration: Calibration | null;
  ageDays: number | null;
  stale: boolean;
}

export interface LaneSummary {
  id: string;
  name: string;
  /** Non-null only for lanes with a forehead thermometer. */
  calibration: { at: string | null; ageDays: number | null; stale: boolean } | null;
}

export interface ApiError {
  status: number;
  code: string;
  message: string;
  /** The refusal in Chinese. */
  zh: string;
  details: { field: string; message: string; zh: string }[];
}

export type Saved = { ok: true; calibration: Calibration } | { ok: false; error: ApiError };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

let session: Session | null = null;

/** The session every request of this page goes with (set once the page knows who is logged in). */
export function useSession(s: Session): void {
  session = s;
}

function request(path: string, init: RequestInit): Promise<Response> {
  return session ? sessionFetch(session, path, init) : fetch(path, init);
}

async function getJson(path: string): Promise<unknown> {
  const res = await request(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

export async function fetchLanes(): Promise<LaneSummary[]> {
  const body = await getJson('/api/lanes');
  if (!Array.isArray(body)) return [];
  return body.filter(isRecord).flatMap((lane) => {
    if (typeof lane.id !== 'string') return [];
    const c = lane.calibration;
    return [
      {
        id: lane.id,
        name: typeof lane.name === 'string' ? lane.name : lane.id,
        calibration: isRecord(c)
          ? { at: typeof c.at === 'string' ? c.at : null, ageDays: num(c.ageDays), stale: c.stale === true }
          : null,
      },
    ];
  });
}

function parseCalibration(value: unknown): Calibration | null {
  if (!isRecord(value)) return null;
  const slope = num(value.slope);
  const intercept = num(value.intercept);
  if (slope === null || intercept === null || typeof value.at !== 'string') return null;
  return {
    id: num(value.id) ?? 0,
    slope,
    intercept,
    residualSdC: num(value.residualSdC) ?? 0,
    at: value.at,
    points: Array.isArray(value.points)
      ? value.points.filter(isRecord).flatMap((p) => {
          const objectC = num(p.objectC);
          const clinicalC = num(p.clinicalC);
          return objectC === null || clinicalC === null ? [] : [{ objectC, clinicalC }];
        })
      : [],
  };
}

export async function fetchCalibration(laneId: string): Promise<CalibrationStatus | null> {
  const body = await getJson(`/api/lanes/${encodeURIComponent(laneId)}/calibration`);
  if (!isRecord(body) || typeof body.deviceId !== 'string') return null;
  return {
    deviceId: body.deviceId,
    calibration: parseCalibration(body.calibration),
    ageDays: num(body.ageDays),
    stale: body.stale === true,
  };
}

export async function saveCalibration(laneId: string, points: CalibrationPoint[]): Promise<Saved> {
  let res: Response;
  try {
    res = await request(`/api/lanes/${encodeURIComponent(laneId)}/calibration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ points }),
    });
  } catch (err) {
    return {
      ok: false,
      error: {
        status: 0,
        code: 'network',
        message: `the server did not answer (${String(err)})`,
        zh: '未能连接服务器，请稍后重试',
        details: [],
      },
    };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const calibration = parseCalibration(body);
    if (calibration) return { ok: true, calibration };
  }
  const e = isRecord(body) && isRecord(body.error) ? body.error : {};
  return {
    ok: false,
    error: {
      status: res.status,
      code: typeof e.code === 'string' ? e.code : 'http_error',
      message: typeof e.message === 'string' ? e.message : `HTTP ${res.status}`,
      zh: typeof e.zh === 'string' ? e.zh : '请求被拒绝',
      details: Array.isArray(e.details)
        ? e.details.filter(isRecord).map((d) => {
            const message = typeof d.message === 'string' ? d.message : '';
            return {
              field: typeof d.field === 'string' ? d.field : '',
              message,
              zh: typeof d.zh === 'string' ? d.zh : message,
            };
          })
        : [],
    },
  };
}

/** `points[2].clinicalC` → { index: 2, key: 'clinicalC' }; other fields → null. */
export function pointField(field: string): { index: number; key: keyof CalibrationPoint | null } | null {
  const m = /^(?:body\.)?points\[(\d+)\](?:\.(objectC|clinicalC))?$/.exec(field);
  if (!m) return null;
  const key = m[2] === 'objectC' || m[2] === 'clinicalC' ? m[2] : null;
  return { index: Number(m[1]), key };
}

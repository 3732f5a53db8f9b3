import { AbsenceTracker } from '../../kiosk/absences/tracker.ts';
import type { CaseDesk } from '../../kiosk/cases/case-desk.ts';
import type { KioskConfig, SessionConfig } from '../../kiosk/config/schema.ts';
import type { Person } from '../../kiosk/identities/person.ts';
import { laneOfGrade } from '../../kiosk/lanes/lane-rules.ts';
import { decide } from '../../kiosk/policy/decide.ts';
import { sessionOf } from '../../kiosk/sessions/session-of.ts';
import { AbsenceStore } from '../../kiosk/store/absences.ts';
import type { Db } from '../../kiosk/store/database.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import type { ScreeningRecord, ScreeningStore } from '../../kiosk/store/screenings.ts';
import { checkInstant, type DemoChecks } from './demo-checks.ts';

export interface DemoMorningDeps {
  db: Db;
  config: Pick<KioskConfig, 'school' | 'rules' | 'lanes' | 'sessions'>;
  checks: DemoChecks;
  screenings: ScreeningStore;
  cases: CaseDesk;
  now: number;
  /** Same seed, same morning. */
  seed?: number;
}

export interface DemoMorning {
  screenings: number;
  fevers: number;
  retakes: number;
  absences: number;
  openCases: number;
}

const MINUTE = 60_000;

/** Whether the data folder has never held a screening or a roll call: only then is a morning seeded. */
export function freshDataFolder(db: Db): boolean {
  const screenings = db.prepare('SELECT count(*) FROM screenings').pluck().get() as number;
  const rollCalls = db.prepare('SELECT count(*) FROM roll_calls').pluck().get() as number;
  return screenings === 0 && rollCalls === 0;
}

/**
 * The part of the demo's day that happened before it started, written through the kiosk's own stores
 * and rules so that every page shows it: the earlier check (most pupils screened, a few re-takes, two
 * fevers re-checked by the nurse, the yellow codes and unknown statuses answered, its roll call with
 * the absent and some of their reasons, two late arrivals) and the open check so far (about half the
 * school, with one fever still waiting for the nurse: the open case). Decisions come from the policy
 * (`decide`) on each pupil's roster status, so a red code stays at home and a stale status is verified.
 */
export function seedDemoMorning(deps: DemoMorningDeps): DemoMorning {
  const { config, checks, now } = deps;
  const tz = config.school.timezone;
  const random = mulberry32(deps.seed ?? 20261130);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const normalC = () =>
    round1(Math.min(37.1, Math.max(35.9, 36.5 + (random() + random() + random() - 1.5) * 0.45)));
  const roster = new PeopleStore(deps.db).current();
  const grades = laneOfGrade(config.lanes);
  const laneFor = (p: Person) =>
    (p.grade !== null ? grades.get(p.grade)?.id : undefined) ??
    (config.lanes[Math.floor(random() * config.lanes.length)]?.id as string);
  const records: ScreeningRecord[] = [];
  const record = (p: Person, at: number, temperatureC: number): ScreeningRecord => {
    const outcome = decide({
      temperatureC,
      readingStable: true,
      identity: {
        kind: 'person',
        personId: p.id,
        health: { code: p.healthCode, at: p.healthCodeAt ? new Date(p.healthCodeAt) : null },
        returnCertificateDue: p.returnCertificateDue,
      },
      rules: config.rules,
      now: new Date(at),
    });
    const slot = sessionOf(new Date(at), config.sessions, tz);
    return {
      id: newRecordId(at),
      at: new Date(at).toISOString(),
      localDate: slot.date,
      laneId: laneFor(p),
      session: slot.sessionId,
      personId: p.id,
      identityText: null,
      temperatureC,
      temperatureSource: 'device_body',
      objectC: null,
      ambientC: null,
      calibrationId: null,
      healthCode: outcome.healthCode,
      decision: outcome.decision,
      reasons: outcome.reasons,
    };
  };
  /** One arrival: now and then a first reading too low to stand (a re-take) a few seconds before. */
  const arrive = (p: Person, at: number, temperatureC: number, retakeChance: number): ScreeningRecord => {
    if (random() < retakeChance) records.push(record(p, at - 9000, round1(between(33.2, 34.8))));
    const r = record(p, at, temperatureC);
    records.push(r);
    return r;
  };
  const shuffled = <T>(xs: readonly T[]) => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const pupils = roster.filter((p) => p.kind === 'student');
  const staff = roster.filter((p) => p.kind === 'staff');
  const fevers: ScreeningRecord[] = [];

  // The earlier check: red codes stay at home, a few others are away; everyone else comes.
  const stayHome = new Set<string>();
  const lateComers: Person[] = [];
  const closable: ScreeningRecord[] = [];
  const earlier = checks.earlier;
  if (earlier) {
    const [start, cutoff] = windowOf(checks.date, earlier, tz);
    const greens = shuffled(pupils.filter((p) => p.healthCode === 'green'));
    for (const p of pupils) if (p.healthCode === 'red') stayHome.add(p.id);
    for (const p of greens.slice(0, 7)) stayHome.add(p.id);
    lateComers.push(...greens.slice(0, 2));
    const comers = shuffled([...pupils.filter((p) => !stayHome.has(p.id)), ...staff]);
    const feverAt = new Set(comers.slice(0, 2).map((p) => p.id));
    for (const p of comers) {
      // Most arrive in the first two thirds of the window.
      const at = Math.round(start + (cutoff - start) * (0.03 + 0.85 * ((random() + random()) / 2) ** 1.4));
      const fever = feverAt.has(p.id);
      const r = arrive(p, at, fever ? round1(between(37.6, 38.4)) : normalC(), 0.025);
      if (fever) fevers.push(r);
      else if (r.decision !== 'pass') closable.push(r);
    }
  }

  // The open check so far: about half the school, and one fever the nurse has not seen yet.
  const [openStart] = windowOf(checks.date, checks.open, tz);
  const elapsed = now - openStart;
  let openFever: ScreeningRecord | null = null;
  if (elapsed >= 2 * MINUTE) {
    const share = Math.min(0.85, elapsed / (elapsed + 30 * MINUTE));
    const comers = shuffled([
      ...pupils.filter((p) => !stayHome.has(p.id) || lateComers.includes(p)),
      ...staff,
    ]);
    const count = Math.round(comers.length * share);
    comers.slice(0, count).forEach((p, i) => {
      const at = Math.round(between(openStart + 20_000, now - 30_000));
      if (i === 0) {
        openFever = arrive(p, Math.max(openStart + 20_000, now - 4 * MINUTE), round1(between(37.7, 38.3)), 0);
        fevers.push(openFever);
        return;
      }
      // A pupil whose status needs a person is left to the live gate: the seeded part holds one open case.
      const r = record(p, at, normalC());
      if (r.decision === 'pass') arrive(p, at, r.temperatureC ?? 36.5, 0.02);
    });
  }
  records.sort((a, b) => a.at.localeCompare(b.at));
  const failed = deps.screenings.commitMany(records).find((e) => e !== null);
  if (failed) throw failed;

  // The earlier check's roll call at its cut-off, then the day as the nurse and the guard lived it.
  let absences = 0;
  if (earlier) {
    const [, cutoff] = windowOf(checks.date, earlier, tz);
    let clock = cutoff;
    const tracker = new AbsenceTracker({
      store: new AbsenceStore(deps.db),
      roster: () => roster,
      sessions: config.sessions,
      timeZone: tz,
      now: () => clock,
    });
    const listed = tracker.takeRollCall(checks.date, earlier.id)?.listed ?? [];
    absences = listed.length;
    // Two came late, between the cut-off and the open check (outside every window).
    const gap = openStart - cutoff;
    const late = lateComers.map((p, i) => record(p, Math.round(cutoff + gap * (0.2 + 0.4 * i)), normalC()));
    const lateFailed = deps.screenings.commitMany(late).find((e) => e !== null);
    if (lateFailed) throw lateFailed;
    for (const r of late) {
      clock = Date.parse(r.at);
      tracker.noteScreening(r);
    }
    clock = cutoff + 25 * MINUTE;
    const open = listed.filter((a) => !lateComers.some((p) => p.id === a.personId));
    open.slice(0, 2).forEach((a, i) => {
      tracker.update(
        a.id,
        {
          reason: 'sick',
          symptoms: i === 0 ? ['fever', 'cough'] : ['diarrhoea'],
          doctorSeen: i === 0,
          diagnosis: i === 0 ? '上呼吸道感染' : null,
          followUps: [{ at: new Date(clock).toISOString(), by: 'demo-nurse', note: '家长来电请病假' }],
        },
        'demo-nurse',
      );
    });
    for (const a of open.slice(2, 6)) tracker.update(a.id, { reason: 'personal' }, 'demo-nurse');

    // The nurse's cases of the earlier check: both fevers re-checked; the codes answered.
    const at = (r: ScreeningRecord, minutes: number) => new Date(Date.parse(r.at) + minutes * MINUTE);
    fevers.forEach((r, i) => {
      if (r === openFever) return;
      const c = deps.cases.byScreening(r.id);
      if (!c) return;
      const confirmed = i === 1;
      deps.cases.addRecheck(
        c.id,
        {
          temperatureC: confirmed ? 38.1 : 36.9,
          method: 'axillary',
          symptoms: confirmed ? ['fever', 'fatigue'] : [],
          note: confirmed ? '腋温复测仍发热' : '腋温复测正常',
        },
        'demo-nurse',
        at(r, 5),
      );
      const person = roster.find((p) => p.id === r.personId);
      deps.cases.close(
        c.id,
        confirmed
          ? {
              disposition: 'sent_home',
              note: '家长接回，就医后凭复课证明返校',
              guardianContact: {
                name: `${person?.name ?? ''}家长`,
                phone: person?.guardianPhone ?? '',
                calledAt: at(r, 8).toISOString(),
              },
            }
          : { disposition: 'admitted', note: '复测正常，返回班级' },
        'demo-nurse',
        at(r, confirmed ? 40 : 7),
      );
    });
    for (const r of closable) {
      const c = deps.cases.byScreening(r.id);
      if (!c) continue;
      deps.cases.close(
        c.id,
        {
          disposition: r.decision === 'code_yellow' ? 'observation' : 'admitted',
          note: r.decision === 'code_yellow' ? '黄码：留观后核实行程' : '门卫人工核验后放行',
        },
        r.decision === 'code_yellow' ? 'demo-nurse' : 'demo-guard',
        at(r, 3),
      );
    }
  }
  return {
    screenings: records.length,
    fevers: fevers.length,
    retakes: records.filter((r) => r.decision === 'retake').length,
    absences,
    openCases: deps.cases.list({ status: 'open' }).length,
  };
}

function windowOf(date: string, s: SessionConfig, timeZone: string): [number, number] {
  return [checkInstant(date, s.start, timeZone), checkInstant(date, s.cutoff, timeZone)];
}

const round1 = (c: number) => Math.round(c * 10) / 10;

/** A small seeded generator: the same morning for the same seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

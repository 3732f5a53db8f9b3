// Every refusal a guard, nurse or maintainer can meet carries its message in Chinese (`zh`) and
// English (`en`, the same as `message`), and a 400 names each bad field in both: the refusals the
// rules make (a fever closed without a re-check, an answer given twice, a wrong password, …) and,
// for every route the kiosk has, a request it must refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import {
  authedFetch,
  getJson,
  loginAs,
  postJson,
  startTestKiosk,
  tempDir,
  waitUntil,
} from '../helpers/kiosk.ts';
import { routesOf } from '../helpers/routes.ts';

const HAN = /\p{Script=Han}/u;

interface Refused {
  status: number;
  error: {
    code: string;
    message: string;
    zh?: string;
    en?: string;
    details?: { field: string; zh?: string }[];
  };
}

async function refusal(res: Response): Promise<Refused> {
  return { status: res.status, ...((await res.json()) as { error: Refused['error'] }) };
}

/** The refusal is said in both languages, and so is each field it names. */
function expectBilingual(r: Refused, what: string): void {
  expect(r.status, what).toBeGreaterThanOrEqual(400);
  expect(r.status, what).toBeLessThan(500);
  expect(r.error.zh, `${what}: ${r.error.message}`).toMatch(HAN);
  expect(r.error.en, what).toBe(r.error.message);
  for (const d of r.error.details ?? []) {
    if (typeof d.field === 'string') expect(d.zh, `${what}: ${d.field}`).toMatch(HAN);
  }
}

describe('refusals in Chinese and English', () => {
  const dir = tempDir('gk-refusals-');
  let kiosk: RunningKiosk;
  const url = (path: string) => `${kiosk.url}${path}`;
  const send = (method: string, path: string, body?: unknown) =>
    authedFetch(url(path), {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path, { clock: clockAt('16:00') });
  });

  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it('says why the rules refuse, in both languages', async () => {
    // A fever, its case, and a verify for the gate.
    await postJson(url('/api/sim/lanes/1/arrivals'), { identity: 'S0001', temperatureC: 38.4 });
    await postJson(url('/api/sim/lanes/2/arrivals'), { identity: 'S0005', temperatureC: 36.5 });
    let cases: { id: string; decision: string; screeningId: string; laneId: string }[] = [];
    await waitUntil(
      async () => {
        cases = await getJson(url('/api/cases?status=open'));
        return cases.some((c) => c.decision === 'fever') && cases.some((c) => c.decision === 'verify');
      },
      10_000,
      'a fever and a verify case',
    );
    const fever = cases.find((c) => c.decision === 'fever');
    const verify = cases.find((c) => c.decision === 'verify');
    if (!fever || !verify) throw new Error('no cases');

    const early = await refusal(
      await send('POST', `/api/cases/${fever.id}/disposition`, { disposition: 'admitted' }),
    );
    expectBilingual(early, 'a fever closed without a re-check');
    expect(early.error.zh).toBe('发热个案须先复测体温才能结案：门口读数只是筛查，不是诊断');

    const noGuardian = await refusal(
      await send('POST', `/api/cases/${fever.id}/disposition`, { disposition: 'sent_home' }),
    );
    expectBilingual(noGuardian, 'sent home without the guardian');
    expect(noGuardian.error.zh).toContain('联系家长：家长接回：请记录联系了哪位家长');

    const badReading = await refusal(
      await send('POST', `/api/cases/${fever.id}/rechecks`, {
        temperatureC: 52,
        method: 'axillary',
        symptoms: [],
      }),
    );
    expectBilingual(badReading, 'a clinical reading out of range');
    expect(badReading.error.zh).toContain('体温：请填写复测体温（30–45 °C）');

    const wrongAction = await refusal(
      await send('POST', `/api/lanes/${verify.laneId}/guard-actions`, {
        screeningId: verify.screeningId,
        action: 'measure_again',
      }),
    );
    expectBilingual(wrongAction, 'an answer that does not fit');
    expect(wrongAction.error.zh).toBe('“重新测温”不适用于“需人工核验”的结果（可用：人工核验放行、转校医）');

    const first = await send('POST', `/api/lanes/${verify.laneId}/guard-actions`, {
      screeningId: verify.screeningId,
      action: 'send_to_nurse',
    });
    expect(first.status).toBe(201);
    const twice = await refusal(
      await send('POST', `/api/lanes/${verify.laneId}/guard-actions`, {
        screeningId: verify.screeningId,
        action: 'send_to_nurse',
      }),
    );
    expectBilingual(twice, 'an answer given twice');
    expect(twice.error.zh).toBe('这条已有人处理：转校医（test-admin）');

    const visitor = await refusal(
      await send('POST', '/api/lanes/1/guard-actions', {
        screeningId: fever.screeningId,
        action: 'register_visitor',
        visitor: { name: '', phone: 'abc', visiting: '王老师', reason: '送材料' },
      }),
    );
    expectBilingual(visitor, 'a visitor form with holes');
    expect(visitor.error.zh).toContain('访客姓名：请填写访客姓名');
    expect(visitor.error.zh).toContain('访客电话：请填写有效的电话号码');

    const login = await refusal(
      await fetch(url('/api/session'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'test-admin', password: 'not-the-password' }),
      }),
    );
    expectBilingual(login, 'a wrong password');
    expect(login.error.zh).toBe('用户名或密码不对');
  });

  it('refuses a wrong request to every route in both languages', async () => {
    // Logged in again: the wrong password above does not end the session, but be sure.
    await loginAs(kiosk, 'test-admin', 'admin');
    const checked: string[] = [];
    for (const { method, pattern } of routesOf(kiosk.app)) {
      if (pattern === '/metrics') continue;
      const path = pattern.replace(/:[A-Za-z]+/g, 'no-such-thing');
      // A field no route takes, in the body or the query: strict schemas name it.
      const res =
        method === 'GET'
          ? await send('GET', `${path}?no_such_field=1`)
          : await send(method, path, { no_such_field: 1 });
      if (res.status < 400) continue;
      expectBilingual(await refusal(res), `${method} ${pattern}`);
      checked.push(`${method} ${pattern}`);
    }
    // Every write route refuses that body; the reads with a query schema refuse that query.
    expect(checked).toEqual(
      expect.arrayContaining([
        'POST /api/cases/:id/rechecks',
        'POST /api/cases/:id/disposition',
        'POST /api/lanes/:laneId/guard-actions',
        'PUT /api/absences/:id',
        'POST /api/people/:id/return-certificate',
        'POST /api/lanes/:laneId/calibration',
        'POST /api/sim/lanes/:laneId/arrivals',
        'POST /api/roster/import',
        'GET /api/cases',
        'GET /api/absences',
        'GET /api/guard-actions',
        'GET /api/summary',
      ]),
    );
    console.log(`refusals checked in both languages: ${checked.length} routes`);
  });
});

// The nurse console of a school desk in a real browser: after the morning cut-off, with a gate the
// desk has not heard from, the absences say so ("北门 从未同步 · 名单未完成"); when the gate's
// records arrive (its real protocol, with its token) its fever shows live on the gate's lane, the
// pupil's absence turns into an arrival, and the line goes. Needs the pages built and Debian's chromium.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import { newRecordId } from '../../kiosk/store/ids.ts';
import { zonedMoment, zonedToInstant } from '../../kiosk/time/zoned.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { collectErrors, launchChromium } from '../helpers/browser.ts';
import { clockAt } from '../helpers/clock.ts';
import { loginAs, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

const WAIT_MS = 15_000;
const SECONDS_BEFORE_CUTOFF = 12;
const TZ = 'Asia/Shanghai';

describe('nurse console of a desk with a gate', () => {
  const dir = tempDir('gk-nurse-gates-');
  // A few seconds before the morning cut-off (08:30): the roll call comes during the test.
  const atCutoff = clockAt('08:30');
  const clock = { now: () => atCutoff.now() - SECONDS_BEFORE_CUTOFF * 1000, setTimer: atCutoff.setTimer };
  const today = zonedMoment(new Date(clock.now()), TZ).date;
  let kiosk: RunningKiosk;
  let browser: Browser | undefined;
  let page: Page;
  let errors: string[];
  let token: string;

  const send = async (records: unknown[]) => {
    const res = await fetch(`${kiosk.url}/v1/gate/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ schoolId: 'test-001', kioskId: 'north-pc-1', batchId: newRecordId(), records }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { accepted: string[] };
  };

  beforeAll(async () => {
    kiosk = await startTestKiosk(join(dir.path, 'data'), { clock });
    token = new GateRegistry(kiosk.db).add('north', '北门').token;
    const nurse = await loginAs(kiosk, 'nurse-gates', 'nurse');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    errors = collectErrors(page);
    await context.addCookies([{ name: 'gk_session', value: nurse.token, url: kiosk.url }]);
    await page.goto(new URL('/nurse/', kiosk.url).href);
    await page.waitForSelector('#link-state[data-state="live"]', { timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    dir.remove();
  });

  const screening = (personId: string, time: string, temperatureC: number, decision: string) => {
    const at = zonedToInstant(today, time, TZ).toISOString();
    const id = newRecordId(Date.parse(at));
    const data = { localDate: today, personId, laneId: '1', healthCode: 'green', session: 'morning' };
    return {
      id,
      at,
      record: { id, kind: 'screening', at, data: { ...data, temperatureC, decision, reasons: [] } },
    };
  };

  it('names the gate it has not heard from since the cut-off, then shows its records live', async () => {
    // Before the cut-off the gate sends one pupil's screening, and is then cut off.
    await send([screening('S0002', '08:25', 36.5, 'pass').record]);
    const line = '#gate-sync .gate-unsynced';
    await page.waitForSelector(line, { timeout: WAIT_MS + SECONDS_BEFORE_CUTOFF * 1000 });
    expect(await page.textContent(line)).toBe(
      '北门 从未同步 · 名单未完成 北门 never synced · list not final',
    );
    const absent = '.absence:has(.absence-who:text-matches("^张三丰"))';
    await page.waitForSelector(`${absent}[data-status="open"]`, { timeout: WAIT_MS });

    // Its link back: the fever of 08:20, before the cut-off, arrives with its case; then "nothing left".
    const fever = screening('S0001', '08:20', 38.4, 'fever');
    const caseId = newRecordId(Date.parse(fever.at) + 1);
    const answer = await send([
      fever.record,
      {
        id: caseId,
        kind: 'case',
        at: fever.at,
        data: {
          caseId,
          event: 'opened',
          screeningId: fever.id,
          personId: 'S0001',
          status: 'open',
          localDate: today,
          openedAt: fever.at,
          laneId: '1',
          decision: 'fever',
          gateTemperatureC: 38.4,
          healthCode: 'green',
        },
      },
    ]);
    expect(answer.accepted.sort()).toEqual([fever.id, caseId].sort());
    await send([]);

    const row = '#case-rows .case-row:has(.row-name:text-is("张三丰"))';
    await page.waitForSelector(row, { timeout: WAIT_MS });
    expect(await page.textContent(`${row} .row-lane`)).toBe('北门 · 1');
    await page.waitForSelector(`${absent}[data-status="arrived"]`, { timeout: WAIT_MS });
    await page.waitForSelector('#gate-sync', { state: 'hidden', timeout: WAIT_MS });
    expect(errors).toEqual([]);
  }, 60_000);
});

// The nurse's console in a real browser against the real kiosk, during a morning check: a compact
// list of the cases with one open beside it; the nurse finds a pupil by name and records a re-check
// and sends the pupil home with the keyboard alone (the guardian's phone from the roster); a refusal
// shows in Chinese first; the class list opens from any case; times are the school's whatever the
// browser's zone; the check's absences are listed with their reasons to fill in. Needs the pages
// built (`npm test` builds them first) and Debian's chromium.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Clock } from '../../kiosk/time/clock.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { collectErrors, launchChromium, screenshotsAt } from '../helpers/browser.ts';
import { clockAt } from '../helpers/clock.ts';
import {
  getJson,
  loginAs,
  postJson,
  startTestKiosk,
  TEST_CONFIG,
  tempDir,
  waitUntil,
} from '../helpers/kiosk.ts';

const WAIT_MS = 10_000;
/** The arrivals come in the last seconds of 晨检; its roll call then lists who never came. */
const SECONDS_BEFORE_CUTOFF = 25;

const ROSTER = `${readFileSync('fixtures/roster/test-roster.csv', 'utf8').trimEnd()}
S0006,钱七,1,1班,student,,13800000006,no,green,2026-11-23 06:00
S0007,孙八,1,1班,student,,13800000007,no,green,2026-11-23 06:00
S0008,吴九,2,3班,student,,,no,green,2026-11-23 06:00
`;

const row = (name: string) => `#case-rows .case-row:has(.row-name:text-is("${name}"))`;
const detail = '#detail .case-detail';

describe('nurse console', () => {
  const dir = tempDir('gk-nurse-page-');
  let kiosk: RunningKiosk;
  let browser: Browser | undefined;
  let page: Page;
  let errors: string[];
  const atCutoff = clockAt('08:30');
  const clock: Clock = {
    now: () => atCutoff.now() - SECONDS_BEFORE_CUTOFF * 1000,
    setTimer: atCutoff.setTimer,
  };
  const today = () => zonedMoment(new Date(clock.now()), 'Asia/Shanghai').date;

  async function arrive(laneId: string, identity: string, temperatureC: number): Promise<void> {
    expect(
      (await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, { identity, temperatureC })).status,
    ).toBe(202);
    await waitUntil(
      async () =>
        (await getJson<{ personId: string }[]>(`${kiosk.url}/api/screenings?date=${today()}`)).some(
          (s) => s.personId === identity,
        ),
      WAIT_MS,
      `${identity} screened`,
    );
  }

  beforeAll(async () => {
    const config = parse(readFileSync(TEST_CONFIG, 'utf8')) as Record<string, unknown>;
    const roster = join(dir.path, 'roster.csv');
    writeFileSync(roster, ROSTER);
    config.roster = roster;
    const configPath = join(dir.path, 'kiosk.yaml');
    writeFileSync(configPath, JSON.stringify(config));
    kiosk = await startTestKiosk(join(dir.path, 'data'), { configPath, clock });
    const nurse = await loginAs(kiosk, 'nurse-page', 'nurse');
    // Simulated arrivals go as the admin.
    await loginAs(kiosk, 'test-admin', 'admin');
    await arrive('1', 'S0001', 38.2); // fever
    await arrive('2', 'T0001', 38.0); // fever
    await arrive('1', 'S0002', 36.5); // yellow code
    await arrive('2', 'S0003', 36.5); // red code
    await arrive('2', 'S0005', 36.5); // no status: verify
    await arrive('1', 'S0006', 36.6); // pass
    browser = await launchChromium();
    // A browser set to another zone: the console still shows the school's times.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      timezoneId: 'America/New_York',
    });
    page = await context.newPage();
    errors = collectErrors(page);
    await context.addCookies([{ name: 'gk_session', value: nurse.token, url: kiosk.url }]);
    await page.goto(new URL('/nurse/', kiosk.url).href);
    await page.waitForSelector('#link-state[data-state="live"]', { timeout: WAIT_MS });
    await page.waitForFunction(() => document.querySelectorAll('#case-rows .case-row').length >= 5, null, {
      timeout: WAIT_MS,
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('lists the open cases compactly, oldest first, with one case open beside them', async () => {
    const rows = await page.$$eval('#case-rows .case-row', (els) =>
      els.map((e) => ({
        name: e.querySelector('.row-name')?.textContent,
        decision: (e as HTMLElement).dataset.decision,
        height: e.getBoundingClientRect().height,
        bottom: e.getBoundingClientRect().bottom,
      })),
    );
    expect(rows.map((r) => r.name)).toEqual(['张三丰', '周老师', '李四', '王五', '欧阳娜娜']);
    for (const r of rows) {
      expect(r.height).toBeLessThan(70);
      expect(r.bottom).toBeLessThan(800);
    }
    const first = row('张三丰');
    expect(await page.textContent(`${first} .row-class`)).toBe('1年级1班');
    expect(await page.textContent(`${first} .row-lane`)).toBe('一号通道');
    expect(await page.textContent(`${first} .row-reading`)).toBe('38.2 °C');
    expect(await page.getAttribute(`${first} .row-code`, 'data-code')).toBe('green');
    expect(await page.textContent(`${first} .row-wait`)).toMatch(/^\d+:\d{2}$/);
    expect(await page.textContent('#open-count')).toBe('5');
    // The oldest case is open beside the list, and only it.
    expect(await page.$$(detail)).toHaveLength(1);
    expect(await page.textContent(`${detail} .case-name`)).toBe('张三丰');
    // No way out is chosen for the nurse.
    expect(
      await page.$$eval(`${detail} .disposition-choice`, (els) =>
        els.some((e) => (e as HTMLInputElement).checked),
      ),
    ).toBe(false);
    expect(await page.textContent(`${detail} .disposition-form`)).toContain('*必填');
    // Times in the school's zone (Asia/Shanghai), not the browser's (New York).
    expect(await page.textContent(`${detail} .case-opened`)).toMatch(/^08:2\d 到达/);
    const checks = await screenshotsAt(page, 'nurse');
    for (const c of checks) expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
  });

  it('shows the guardian’s phone from the roster with a tel: link', async () => {
    const call = `${detail} .guardian-call`;
    expect(await page.getAttribute(call, 'href')).toBe('tel:13800000001');
    expect(await page.textContent(call)).toContain('13800000001');
  });

  it('finds a pupil by name and records the re-check and sends them home with the keyboard alone', async () => {
    // Start from somewhere else: the teacher's case.
    await page.click(`${row('周老师')} button`);
    await page.waitForSelector(`${detail}:has(.case-name:text-is("周老师"))`, { timeout: WAIT_MS });

    // Escape leaves the case for the search.
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    await page.keyboard.type('张三');
    expect(await page.$$eval('#case-rows .case-row', (els) => els.length)).toBe(1);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${detail}:has(.case-name:text-is("张三丰"))`, { timeout: WAIT_MS });
    // The focus is in the case, on the clinical reading.
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('recheck-temperature');
    await page.keyboard.type('38.0');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('#detail .case-recheck-list')?.textContent?.includes('38.0'),
      null,
      { timeout: WAIT_MS },
    );
    // Next comes the disposition: the focus is already there.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toMatch(
      /^disposition-/,
    );
    await page.keyboard.press('ArrowDown'); // observation
    await page.keyboard.press('ArrowDown'); // sent home
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('sent_home');
    await page.waitForSelector(`${detail} .guardian:not([hidden])`);
    // The call record starts from the roster's phone and the time of the call.
    expect(await page.inputValue(`${detail} .guardian-phone`)).toBe('13800000001');
    expect(await page.inputValue(`${detail} .guardian-called-at`)).toMatch(/T08:\d{2}$/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('guardian-name');
    await page.keyboard.type('张母');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${detail}[data-status="closed"]`, { timeout: WAIT_MS });
    const closed = (await page.textContent(`${detail} .case-closed`)) ?? '';
    expect(closed).toContain('家长接回');
    expect(closed).toContain('张母 13800000001 08:');
    // The focus stayed in the case.
    expect(await page.evaluate(() => document.activeElement?.closest('.case-detail') !== null)).toBe(true);
    // The confirmed fever puts the class on watch.
    expect(await page.getAttribute(`${detail} .case-class-list`, 'data-watch')).toBe('true');
    expect(await page.textContent(`${detail} .classmate-list`)).toContain('钱七');

    // Closed and sent home: in those lists, not the open one.
    expect(await page.$$(row('张三丰'))).toHaveLength(0);
    await page.click('.filter[data-filter="sent_home"]');
    await page.fill('#search', '');
    await page.waitForSelector(row('张三丰'), { timeout: WAIT_MS });
    await page.click('.filter[data-filter="open"]');
  });

  it('shows a refusal in Chinese first: a fever closed without a re-check', async () => {
    await page.fill('#search', 'T0001');
    await page.press('#search', 'Enter');
    await page.waitForSelector(`${detail}:has(.case-name:text-is("周老师"))`, { timeout: WAIT_MS });
    await page.check(`${detail} .disposition-choice[value="admitted"]`);
    await page.click(`${detail} .disposition-form button[type="submit"]`);
    await page.waitForSelector(`${detail} .case-status[data-state="error"]`, { timeout: WAIT_MS });
    const said = (await page.textContent(`${detail} .case-status`)) ?? '';
    expect(said).toContain('未保存：发热个案须先复测体温才能结案');
    expect(said.indexOf('复测体温')).toBeLessThan(said.indexOf('re-check'));
  });

  it('opens the class list from any case, a yellow code too', async () => {
    await page.fill('#search', '2年级');
    await page.press('#search', 'Enter');
    await page.waitForSelector(`${detail}:has(.case-name:text-is("李四"))`, { timeout: WAIT_MS });
    const list = `${detail} .case-class-list`;
    expect(await page.getAttribute(list, 'data-watch')).toBe('false');
    await page.click(`${list} summary`);
    expect(await page.textContent(`${list} .classmate-list`)).toContain('吴九');
    expect(await page.textContent(`${list} summary`)).toContain('全班名单：2年级3班');
  });

  it('lists the check’s absences after its cut-off, with the reason to fill in', async () => {
    // 孙八 and 吴九 never came; 晨检's roll call lists them (and the two pupils of lanes not used).
    await page.waitForSelector('#absence-list .absence:has(.absence-who:text-matches("孙八"))', {
      timeout: (SECONDS_BEFORE_CUTOFF + 15) * 1000,
    });
    const absent = `#absence-list .absence:has(.absence-who:text-matches("孙八"))`;
    expect(await page.textContent(`${absent} .absence-state`)).toContain('待填原因');
    await page.selectOption(`${absent} .absence-reason`, 'sick');
    await page.check(`${absent} .symptom[value="fever"]`);
    await page.fill(`${absent} .absence-follow-up`, '电话联系家长：发热在家');
    await page.click(`${absent} button[type="submit"]`);
    await page.waitForSelector(`${absent}[data-reason="sick"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${absent} .absence-follow-ups`)).toContain(
      'nurse-page：电话联系家长：发热在家',
    );
    const stored = await getJson<{ name: string; reason: string; symptoms: string[] }[]>(
      `${kiosk.url}/api/absences?date=${today()}`,
    );
    expect(stored.find((a) => a.name === '孙八')).toMatchObject({ reason: 'sick', symptoms: ['fever'] });
    await page.$eval('#absence-list', (e) => e.scrollIntoView());
    await screenshotsAt(page, 'nurse-absences');
    expect(errors).toEqual([]);
  }, 60_000);

  it('sends a browser without a session to the login page, naming this page to come back to', async () => {
    const context = await browser?.newContext();
    const anonymous = await context?.newPage();
    if (!anonymous) throw new Error('no browser');
    await anonymous.goto(new URL('/nurse/', kiosk.url).href);
    await anonymous.waitForURL(/\/login\//, { timeout: WAIT_MS });
    expect(new URL(anonymous.url()).searchParams.get('next')).toBe('/nurse/');
    await context?.close();
  });
});

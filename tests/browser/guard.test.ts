// The guard's tablet in a real browser: every flag waits in its lane's queue, oldest first, until
// someone answers it; the next arrivals never remove one nor redraw a half-typed visitor form; a
// flag the lane moved past says so; an admit can be undone for a few seconds; a refusal shows in
// Chinese first; a reload keeps the queue. Needs the pages built and Debian's chromium.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { collectErrors, launchChromium, screenshotsAt } from '../helpers/browser.ts';
import { clockAt } from '../helpers/clock.ts';
import { DisplayClient, getJson, loginAs, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

const WAIT_MS = 10_000;

const panel = (laneId: string) => `.lane-panel[data-lane-id="${laneId}"]`;
const flag = (laneId: string, decision: string) => `${panel(laneId)} .flag[data-decision="${decision}"]`;

describe('guard page', () => {
  const dir = tempDir('gk-guard-page-');
  let kiosk: RunningKiosk;
  let browser: Browser | undefined;
  let page: Page;
  let display: DisplayClient;
  let errors: string[];

  async function arrive(laneId: string, body: { identity?: string; temperatureC?: number }) {
    const tile = display.mark;
    expect((await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, body)).status).toBe(202);
    if (body.identity && body.temperatureC !== undefined) {
      await display.waitFor<LaneUpdate>(
        'lane:update',
        (u) => u.laneId === laneId && u.state === 'decided',
        WAIT_MS,
        tile,
      );
    }
  }

  const answered = async (screeningId: string) =>
    (await getJson<{ screeningId: string; action: string }[]>(`${kiosk.url}/api/guard-actions`)).filter(
      (a) => a.screeningId === screeningId,
    );

  beforeAll(async () => {
    // Outside every check, so each arrival is decided anew.
    kiosk = await startTestKiosk(dir.path, { clock: clockAt('16:00') });
    const guard = await loginAs(kiosk, 'gate-page', 'guard');
    await loginAs(kiosk, 'test-admin', 'admin');
    display = new DisplayClient(kiosk.url);
    await display.connected();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = collectErrors(page);
    await page.context().addCookies([{ name: 'gk_session', value: guard.token, url: kiosk.url }]);
    await page.goto(new URL('/guard/', kiosk.url).href);
    await page.waitForSelector('#link-state[data-state="live"]', { timeout: WAIT_MS });
    await page.waitForSelector(panel('2'), { timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    display?.close();
    await browser?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('keeps every unanswered flag through three arrivals, and a half-typed visitor form as it was', async () => {
    await arrive('2', { identity: 'S0005', temperatureC: 36.5 });
    await page.waitForSelector(flag('2', 'verify'), { timeout: WAIT_MS });
    await arrive('2', { identity: 'V-9001', temperatureC: 36.4 });
    await page.waitForSelector(flag('2', 'unknown_person'), { timeout: WAIT_MS });
    expect(await page.textContent('#flag-count')).toBe('2');

    // The guard starts registering the visitor, and is still typing when the next people arrive.
    await page.click(`${flag('2', 'unknown_person')} .visitor-name`);
    await page.keyboard.type('李访');
    for (const identity of ['S0001', 'T0001', 'S0004']) await arrive('2', { identity, temperatureC: 36.6 });
    await page.keyboard.type('客');

    expect(
      await page.$eval(`${flag('2', 'unknown_person')} .visitor-name`, (i) => (i as HTMLInputElement).value),
    ).toBe('李访客');
    expect(
      await page.evaluate(() =>
        (document.activeElement as HTMLElement | null)?.classList.contains('visitor-name'),
      ),
    ).toBe(true);
    // Oldest first; both are still there, and both say the lane has moved past them.
    const queue = await page.$$eval(`${panel('2')} .flag[data-state="open"]`, (els) =>
      els.map((e) => [(e as HTMLElement).dataset.decision, (e as HTMLElement).dataset.movedPast]),
    );
    expect(queue.slice(0, 2)).toEqual([
      ['verify', 'true'],
      ['unknown_person', 'true'],
    ]);
    expect(await page.textContent(`${flag('2', 'verify')} .flag-moved-past`)).toContain('闸机屏已显示下一位');
    expect(await page.textContent(`${flag('2', 'verify')} .flag-time`)).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(await page.textContent(`${flag('2', 'verify')} .flag-needs`)).toContain('核验健康证明后放行');
    // S0004's stale status is a third flag, after the others.
    expect(Number(await page.textContent('#flag-count'))).toBeGreaterThanOrEqual(2);

    const checks = await screenshotsAt(page, 'guard-queue');
    for (const c of checks) expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
  });

  it('uses the width of a 1920 screen: the two lanes side by side, each wide', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    const widths = await page.$$eval('.lane-panel', (els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths).toHaveLength(2);
    for (const w of widths) expect(w).toBeGreaterThan(800);
    // Nothing pokes out of its box: the hand-check title sits inside its group's border.
    const overlap = await page.$$eval('.hand-check', (els) =>
      els.map((g) => {
        const title = g.querySelector('.hand-check-title')?.getBoundingClientRect();
        const box = g.getBoundingClientRect();
        return title ? title.top - box.top : -1;
      }),
    );
    for (const o of overlap) expect(o).toBeGreaterThan(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('registers the visitor from the form typed before, and the flag leaves the queue', async () => {
    const visitor = flag('2', 'unknown_person');
    const id = await page.getAttribute(visitor, 'data-screening-id');
    await page.fill(`${visitor} .visitor-phone`, '13900000009');
    await page.fill(`${visitor} .visitor-visiting`, '王老师');
    await page.fill(`${visitor} .visitor-reason`, '送材料');
    await page.click(`${visitor} button[type="submit"]`);
    await page.waitForSelector(`${visitor}[data-state="answered"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${visitor} .flag-answered`)).toContain('访客登记');
    expect(await answered(id ?? '')).toMatchObject([{ action: 'register_visitor' }]);
    await page.waitForSelector(visitor, { state: 'detached', timeout: WAIT_MS });
  });

  it('gives a few seconds to undo an admit, and records it only once they have passed', async () => {
    const verify = flag('2', 'verify');
    const id = (await page.getAttribute(verify, 'data-screening-id')) ?? '';
    await page.click(`${verify} button[data-action="admit_checked"][data-checked="paper_certificate"]`);
    await page.waitForSelector(`${verify}[data-state="pending"] .flag-pending`, { timeout: WAIT_MS });
    expect(await page.textContent(`${verify} .flag-pending`)).toContain('秒后记录');
    // The undo button has the focus: a second tap takes it back.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('undo'))).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${verify}[data-state="open"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${verify} .flag-status`)).toContain('已撤销');
    await page.waitForTimeout(6_000);
    expect(await answered(id)).toEqual([]);

    await page.click(`${verify} button[data-action="admit_checked"][data-checked="phone_code"]`);
    await page.waitForSelector(`${verify}[data-state="answered"]`, { timeout: WAIT_MS });
    expect(await answered(id)).toMatchObject([{ action: 'admit_checked' }]);
    expect(await page.textContent(`${verify} .flag-answered`)).toContain('gate-page');
  });

  it('shows a refusal in Chinese first: a flag answered meanwhile on another tablet', async () => {
    await arrive('1', { identity: 'V-9002', temperatureC: 36.5 });
    const refuse = flag('1', 'unknown_person');
    await page.waitForSelector(refuse, { timeout: WAIT_MS });
    const id = (await page.getAttribute(refuse, 'data-screening-id')) ?? '';
    // The lane moves on, and someone else refuses entry on another tablet: this one does not hear of it.
    await arrive('1', { identity: 'S0001', temperatureC: 36.6 });
    expect(
      (await postJson(`${kiosk.url}/api/lanes/1/guard-actions`, { screeningId: id, action: 'refuse' }))
        .status,
    ).toBe(201);
    await page.click(`${refuse} button[data-action="refuse"]`);
    // Refusing is an entry decision too: it waits out its undo window first.
    await page.waitForSelector(`${refuse}[data-state="answered"]`, { timeout: WAIT_MS });
    const said = (await page.textContent(`${refuse} .flag-status`)) ?? '';
    expect(said).toMatch(/这条已有人处理：谢绝入校（test-admin）/);
    expect(said.indexOf('这条已有人处理')).toBeLessThan(said.indexOf('already answered'));
  });

  it('queues someone who scanned and walked off, from the lane:flag the tile never shows', async () => {
    let tile = display.mark;
    await arrive('1', { identity: 'S0002' });
    await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '1' && u.state === 'waiting',
      WAIT_MS,
      tile,
    );
    // The next person scans, and measures once the lane's grace for the order has passed: the first
    // one is recorded as scanned, not measured.
    tile = display.mark;
    await arrive('1', { identity: 'T0001' });
    await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '1' && u.state === 'waiting' && u.person?.displayName === '周*师',
      WAIT_MS,
      tile,
    );
    await page.waitForTimeout(1_500);
    await arrive('1', { temperatureC: 36.5 });
    await page.waitForSelector(`${flag('1', 'not_measured')}[data-moved-past="true"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${flag('1', 'not_measured')} .flag-facts`)).toContain('李*');
    expect(await page.textContent(`${flag('1', 'not_measured')} .flag-needs`)).toContain('请找回此人测温');
  });

  it('keeps the queue across a reload, less what was answered meanwhile', async () => {
    const before = await page.$$eval('.flag[data-state="open"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.screeningId),
    );
    expect(before.length).toBeGreaterThan(0);
    await page.reload();
    await page.waitForSelector('#link-state[data-state="live"]', { timeout: WAIT_MS });
    await page.waitForFunction((n) => document.querySelectorAll('.flag').length >= n, before.length, {
      timeout: WAIT_MS,
    });
    const after = await page.$$eval('.flag[data-state="open"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.screeningId),
    );
    expect(after.sort()).toEqual([...before].sort());
    expect(await page.textContent('#flag-count')).toBe(String(before.length));
    await screenshotsAt(page, 'guard');
    expect(errors).toEqual([]);
  });
});

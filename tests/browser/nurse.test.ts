// The nurse's console in a real browser against the real kiosk: a fever at the gate appears live,
// the nurse records a re-check and sends the pupil home from the page, and a visitor without a
// session is sent to the login page. Needs the pages built (`npm test` builds them first) and
// Debian's chromium.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import { loginAs, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'test-artifacts');
const WAIT_MS = 10_000;

const openCase = (decision: string) => `#open-cases .case[data-decision="${decision}"]`;

describe('nurse console', () => {
  const dir = tempDir('gk-nurse-page-');
  let kiosk: RunningKiosk;
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    // Outside every session, so each arrival is decided anew.
    kiosk = await startTestKiosk(dir.path, { clock: clockAt('16:00') });
    const nurse = await loginAs(kiosk, 'nurse-page', 'nurse');
    // Simulated arrivals go as the admin.
    await loginAs(kiosk, 'test-admin', 'admin');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.context().addCookies([{ name: 'gk_session', value: nurse.token, url: kiosk.url }]);
    await page.goto(new URL('/nurse/', kiosk.url).href);
    await page.waitForSelector('#link-state[data-state="live"]', { timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('shows a fever from the gate live, with the full name, class, lane, reading and code', async () => {
    expect(await page.$$('#open-cases .case')).toHaveLength(0);
    expect(
      (await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity: 'S0001', temperatureC: 38.2 }))
        .status,
    ).toBe(202);

    await page.waitForSelector(openCase('fever'), { timeout: WAIT_MS });
    const card = openCase('fever');
    expect(await page.textContent(`${card} .case-name`)).toBe('张三丰');
    expect(await page.textContent(`${card} .case-class`)).toBe('1年级1班');
    expect(await page.textContent(`${card} .case-lane`)).toBe('一号通道');
    expect(await page.textContent(`${card} .case-gate`)).toContain('38.2');
    expect(await page.getAttribute(`${card} .case-code`, 'data-code')).toBe('green');
    expect(await page.textContent(`${card} .case-wait`)).toMatch(/\d+:\d{2}/);
    expect(await page.textContent(`${card} .case-week-list`)).toContain('38.2');
    expect(await page.textContent('#open-count')).toBe('1');
    await page.screenshot({ path: join(artifacts, 'nurse.png'), fullPage: true });
  });

  it('refuses to close the fever without a re-check, then records one and sends the pupil home', async () => {
    const card = openCase('fever');
    await page.selectOption(`${card} .disposition-choice`, 'admitted');
    await page.click(`${card} .disposition-form button[type="submit"]`);
    await page.waitForSelector(`${card} .case-status[data-state="error"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${card} .case-status`)).toContain('re-check');

    await page.fill(`${card} .recheck-temperature`, '38.0');
    await page.selectOption(`${card} .recheck-method`, 'axillary');
    await page.check(`${card} .symptom[value="cough"]`);
    await page.click(`${card} .recheck-form button[type="submit"]`);
    await page.waitForSelector(`${card}[data-confirmed-fever="true"] .case-classmates`, { timeout: WAIT_MS });
    expect(await page.textContent(`${card} .case-recheck-list`)).toContain('38.0');
    expect(await page.textContent(`${card} .case-recheck-list`)).toContain('咳嗽');

    await page.selectOption(`${card} .disposition-choice`, 'sent_home');
    await page.fill(`${card} .guardian-name`, '张母');
    await page.fill(`${card} .guardian-phone`, '13800000001');
    await page.click(`${card} .disposition-form button[type="submit"]`);
    await page.waitForSelector('#closed-cases .case[data-status="closed"][data-decision="fever"]', {
      timeout: WAIT_MS,
    });
    expect(await page.textContent('#closed-cases .case .case-closed')).toContain('家长接回');
    expect(await page.$$('#open-cases .case')).toHaveLength(0);
  });

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

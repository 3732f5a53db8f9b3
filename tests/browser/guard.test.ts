// The guard's tablet in a real browser: a `verify` at the gate shows with its answers, the guard
// checks by hand, and the gate display's tile says so at once. Needs the pages built and Debian's
// chromium.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { clockAt } from '../helpers/clock.ts';
import { DisplayClient, loginAs, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'test-artifacts');
const WAIT_MS = 10_000;

const panel = (laneId: string) => `.lane-panel[data-lane-id="${laneId}"]`;

describe('guard page', () => {
  const dir = tempDir('gk-guard-page-');
  let kiosk: RunningKiosk;
  let browser: Browser | undefined;
  let page: Page;
  let display: DisplayClient;

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    kiosk = await startTestKiosk(dir.path, { clock: clockAt('16:00') });
    const guard = await loginAs(kiosk, 'gate-page', 'guard');
    await loginAs(kiosk, 'test-admin', 'admin');
    display = new DisplayClient(kiosk.url);
    await display.connected();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
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

  it('answers a verify by hand from the tablet, and the tile shows it', async () => {
    await postJson(`${kiosk.url}/api/sim/lanes/2/arrivals`, { identity: 'S0005', temperatureC: 36.5 });
    await page.waitForSelector(`${panel('2')}[data-decision="verify"][data-answered="false"]`, {
      timeout: WAIT_MS,
    });
    const offered = await page.$$eval(`${panel('2')} button[data-action]`, (els) =>
      els.map((e) => `${(e as HTMLElement).dataset.action}:${(e as HTMLElement).dataset.checked ?? ''}`),
    );
    expect(offered).toEqual([
      'admit_checked:paper_certificate',
      'admit_checked:phone_code',
      'admit_checked:district_call',
      'send_to_nurse:',
    ]);
    const mark = display.mark;
    await page.click(`${panel('2')} button[data-action="admit_checked"][data-checked="paper_certificate"]`);
    await page.waitForSelector(`${panel('2')}[data-answered="true"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${panel('2')} .answered`)).toContain('gate-page');
    const tile = await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '2' && !!u.action,
      WAIT_MS,
      mark,
    );
    expect(tile).toMatchObject({ action: 'admit_checked', resolvedBy: 'gate-page' });
    expect(await page.$$(`${panel('2')} button[data-action]`)).toHaveLength(0);
    await page.screenshot({ path: join(artifacts, 'guard.png') });
  });
});

// The daily summary page in a real browser against the real kiosk: figures by check and class, the
// charts drawn per lane, the drift warning, and the way to the login page without a session. Needs
// the pages built (`npm test` builds them first) and Debian's chromium.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScreeningStore } from '../../kiosk/store/screenings.ts';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { screeningAt } from '../absences/fixtures.ts';
import { launchChromium, screenshotsAt } from '../helpers/browser.ts';
import { clockAt } from '../helpers/clock.ts';
import { loginAs, postJson, waitUntil } from '../helpers/kiosk.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configPath = join(root, 'fixtures', 'config', 'test.yaml');
const artifacts = join(root, 'test-artifacts');
const WAIT_MS = 10_000;

let kiosk: RunningKiosk | undefined;
let browser: Browser | undefined;
let page: Page;
let dataDir: string | undefined;
const pageErrors: string[] = [];
let lanesClock = clockAt('07:30');
const clock = {
  now: () => lanesClock.now(),
  setTimer: (ms: number, fn: () => void) => lanesClock.setTimer(ms, fn),
};
const date = zonedMoment(new Date(clock.now()), 'Asia/Shanghai').date;

describe('daily summary page', () => {
  beforeAll(async () => {
    const data = await mkdtemp(join(tmpdir(), 'gate-kiosk-summary-'));
    dataDir = data;
    await mkdir(artifacts, { recursive: true });
    const start = () =>
      startKiosk({
        configPath,
        dataDir: data,
        port: 0,
        host: '127.0.0.1',
        logger: createLogger('silent'),
        clock,
      });
    kiosk = await start();
    // A morning at the gate: two pupils screened at the lanes (one with a fever, which opens a case),
    // and 60 more readings per lane where lane 2 reads everyone 0.6 °C lower than lane 1.
    await loginAs(kiosk, 'sim-admin', 'admin');
    for (const [lane, id, t] of [
      ['1', 'S0001', 36.6],
      ['2', 'S0004', 38.2],
    ] as const) {
      expect(
        (await postJson(`${kiosk.url}/api/sim/lanes/${lane}/arrivals`, { identity: id, temperatureC: t }))
          .status,
      ).toBe(202);
    }
    await waitUntil(
      () => kiosk?.db.prepare('SELECT count(*) FROM screenings').pluck().get() === 2,
      WAIT_MS,
      'two screenings',
    );
    // Off at the cut-off, back at 09:00: the morning's roll call is taken as the kiosk starts.
    await kiosk.stop();
    lanesClock = clockAt('09:00');
    kiosk = await start();
    const session = await loginAs(kiosk, 'nurse-wang', 'nurse');
    const screenings = new ScreeningStore(kiosk.db);
    for (let i = 0; i < 60; i++) {
      const minute = `07:${String(5 + (i % 40)).padStart(2, '0')}`;
      const spread = ((i % 7) - 3) / 10;
      for (const [laneId, centre] of [
        ['1', 36.5],
        ['2', 35.9],
      ] as const) {
        screenings.commit(
          screeningAt(minute, null, { date, laneId, temperatureC: centre + spread, decision: 'no_identity' }),
        );
      }
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 1400 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.context().addCookies([{ name: 'gk_session', value: session.token, url: kiosk.url }]);
    await page.goto(new URL('/summary/', kiosk.url).href);
    await page.waitForSelector(`body[data-loaded="${date}"]`, { timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows screened against expected for each check and class, with flags, absences and cases', async () => {
    const figure = (key: string) => page.textContent(`[data-figure="${key}"] .value`);
    expect(await figure('session-morning')).toBe('2 / 5');
    expect(await figure('session-noon')).toBe('0 / 5');
    expect(await figure('flagged')).toBe('1');
    expect(await figure('absent')).toBe('3');
    expect(await figure('chased')).toBe('3');
    expect(await figure('open-cases')).toBe('1');
    const morning = await page.$$eval('[data-session="morning"] tbody tr', (trs) =>
      trs.map((tr) => [
        (tr as HTMLElement).dataset.class,
        (tr as HTMLElement).dataset.screened,
        (tr as HTMLElement).dataset.expected,
      ]),
    );
    expect(morning).toEqual([
      ['1年级1班', '1', '1'],
      ['2年级3班', '0', '1'],
      ['4年级2班', '0', '1'],
      ['5年级1班', '1', '1'],
      ['6年级2班', '0', '1'],
      ['合计', '2', '5'],
    ]);
    // Times are the school's, wherever the browser is.
    expect(await page.textContent('[data-session="morning"] .state')).toContain('已点名 09:00');
    expect(await page.textContent('[data-session="noon"] .state')).toContain('截止 14:00');
    expect(await page.textContent('#absences [data-key="unknown"] td')).toBe('3');
    expect(await page.textContent('#flagged [data-key="fever"] td')).toBe('1');
    expect(await page.getAttribute('#zero-report', 'data-zero')).toBe('false');
  });

  it('draws arrivals per minute and the temperature distribution for each lane, and warns of the drift', async () => {
    expect(
      await page.$$eval('svg.chart[data-kind="arrivals"]', (els) =>
        els.map((e) => (e as SVGElement).dataset.laneId),
      ),
    ).toEqual(['1', '2']);
    const lane1Arrivals = await page.$$eval(
      'svg.chart[data-kind="arrivals"][data-lane-id="1"] .bar',
      (bars) => bars.reduce((n, b) => n + Number((b as SVGElement).dataset.count), 0),
    );
    expect(lane1Arrivals).toBe(61);
    expect(await page.$$('svg.chart[data-kind="arrivals"] .window')).toHaveLength(2);
    const medians = await page.$$eval('svg.chart[data-kind="temperatures"] .median', (lines) =>
      lines.map((l) => (l as SVGElement).dataset.medianC),
    );
    expect(medians).toEqual(['36.50', '35.90']);
    expect(await page.$$('svg.chart[data-kind="temperatures"][data-lane-id="2"] .bin.fever')).toHaveLength(1);
    await page.waitForSelector('#warnings:not([hidden])', { timeout: WAIT_MS });
    const warned = await page.$$eval('#warnings .warning', (ps) =>
      ps.map((p) => (p as HTMLElement).dataset.laneId),
    );
    expect(warned).toEqual(['1', '2']);
    expect(await page.textContent('#warnings')).toContain('二号通道体温中位数 35.90 °C');
    expect(await page.getAttribute('#download-xlsx', 'href')).toBe(
      `/api/exports/checks?date=${date}&format=xlsx`,
    );
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'summary.png'), fullPage: true });
  });

  it('claims no zero report for a day with a fever outside every check, and shows that day', async () => {
    if (!kiosk) throw new Error('not started');
    // Two days ago, after school: a fever screened outside every check, and nothing else that day.
    const earlier = zonedMoment(new Date(clock.now() - 2 * 86_400_000), 'Asia/Shanghai').date;
    new ScreeningStore(kiosk.db).commit(
      screeningAt('17:10', 'S0001', { date: earlier, laneId: '1', temperatureC: 38.4, decision: 'fever' }),
    );
    await page.fill('#date', earlier);
    await page.press('#date', 'Enter');
    await page.waitForSelector(`body[data-loaded="${earlier}"]`, { timeout: WAIT_MS });
    expect(await page.textContent('[data-figure="flagged"] .value')).toBe('1');
    expect(await page.getAttribute('#zero-report', 'data-zero')).toBe('false');
    expect(await page.textContent('#zero-report')).toContain('不能报零');
    expect(await page.textContent('#zero-report')).not.toContain('零报告：');
    // The open-case count is of now, not of that day: the tile says so.
    expect(await page.textContent('[data-figure="open-cases"] dt')).toContain('目前未结案例');
    const checks = await screenshotsAt(page, 'summary');
    for (const c of checks) expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
  });

  it('sends a visitor without a session to the login page, to come back here', async () => {
    if (!browser || !kiosk) throw new Error('not started');
    const stranger = await browser.newPage();
    await stranger.goto(new URL('/summary/', kiosk.url).href);
    await stranger.waitForURL((url) => url.pathname === '/login/', { timeout: WAIT_MS });
    expect(new URL(stranger.url()).searchParams.get('next')).toBe('/summary/');
    await stranger.close();
  });
});

// The demo as a newcomer meets it, in a real browser against the real kiosk: a check is open at
// whatever hour it starts, the morning before it is there on the summary and the nurse's console
// from the first minute, and the printed display link still works after a restart of the same data
// folder. Needs the pages built (`npm test` builds them first) and Debian's chromium.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { DEFAULT_CONFIG } from '../../server/defaults.ts';
import { createLogger } from '../../server/logger.ts';
import { collectErrors, launchChromium, screenshotsAt } from '../helpers/browser.ts';
import { clockAt } from '../helpers/clock.ts';
import { authedFetch, getJson, loginAs, startTestKiosk, tempDir } from '../helpers/kiosk.ts';

const WAIT_MS = 15_000;
// The demo config as shipped, without its stream of made-up arrivals (so the counts hold still).
const demoYaml = readFileSync(DEFAULT_CONFIG, 'utf8')
  .replace('autoArrivalsPerMin: 12', 'autoArrivalsPerMin: 0')
  .replace('../roster/demo-roster.csv', resolve('fixtures/roster/demo-roster.csv'));
// An afternoon start: the demo opens 午检 around it whatever its configured windows say.
const clock = clockAt('15:10');
const date = zonedMoment(new Date(clock.now()), 'Asia/Shanghai').date;
const countScreenings = (k: RunningKiosk) =>
  k.db.prepare('SELECT count(*) FROM screenings').pluck().get() as number;

describe('the demo', () => {
  const dir = tempDir('gk-demo-');
  const configPath = join(dir.path, 'demo.yaml');
  const dataDir = join(dir.path, 'data');
  let kiosk: RunningKiosk;
  let browser: Browser;
  let firstToken: string | null;
  let seeded: number;
  const start = () =>
    startKiosk({ configPath, dataDir, port: 0, host: '127.0.0.1', logger: createLogger('silent'), clock });

  beforeAll(async () => {
    writeFileSync(configPath, demoYaml);
    kiosk = await start();
    firstToken = kiosk.demoDisplayToken;
    seeded = countScreenings(kiosk);
    // Stopped and started again on the same data folder: nothing is seeded twice.
    await kiosk.stop();
    kiosk = await start();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    dir.remove();
  });

  it('starts in an open check and says so', () => {
    expect(kiosk.demoNotice?.zh).toMatch(
      /^演示：检测时段已按启动时间安排，午检（\d\d:\d\d–\d\d:\d\d）正在进行，晨检/,
    );
    expect(kiosk.demoNotice?.en).toContain('is open now');
    expect(kiosk.config.sessions.map((s) => s.id)).toEqual(['morning', 'noon', 'evening']);
    // A few hundred screenings were written once, on the fresh folder, and not again at the restart.
    expect(seeded).toBeGreaterThan(300);
    expect(countScreenings(kiosk)).toBe(seeded);
  });

  it('keeps the printed display link across a restart, and the link shows the lanes', async () => {
    expect(firstToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(kiosk.demoDisplayToken).toBe(firstToken);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors = collectErrors(page);
    await page.goto(`${kiosk.url}/display/?token=${firstToken}`);
    for (const lane of ['1', '2'])
      await page.waitForSelector(`[data-lane-id="${lane}"][data-state="idle"]`, { timeout: WAIT_MS });
    await page.waitForSelector('#disconnected', { state: 'hidden', timeout: WAIT_MS });
    // `/` leads to the same link.
    const root = await fetch(`${kiosk.url}/`, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe(`/display/?token=${firstToken}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the morning so far on the summary: screened, flagged, absent, one open case, no zero report', async () => {
    const nurse = await loginAs(kiosk, 'demo-test-nurse', 'nurse');
    const page = await browser.newPage({ viewport: { width: 1366, height: 1400 } });
    const errors = collectErrors(page);
    await page.context().addCookies([{ name: 'gk_session', value: nurse.token, url: kiosk.url }]);
    await page.goto(`${kiosk.url}/summary/`);
    await page.waitForSelector(`body[data-loaded="${date}"]`, { timeout: WAIT_MS });
    const figure = async (key: string) => (await page.textContent(`[data-figure="${key}"] .value`)) ?? '';
    expect(Number(await figure('screenings'))).toBeGreaterThan(300);
    const [morning, expected] = (await figure('session-morning')).split(' / ').map(Number);
    expect(expected).toBe(336);
    expect(morning).toBeGreaterThan(300);
    expect(morning).toBeLessThan(336);
    expect(Number((await figure('session-noon')).split(' / ')[0])).toBeGreaterThan(50);
    expect(Number(await figure('flagged'))).toBeGreaterThan(3);
    expect(Number(await figure('absent'))).toBeGreaterThan(5);
    expect(await figure('late')).toBe('2');
    expect(await figure('open-cases')).toBe('1');
    expect(Number(await page.textContent('#flagged [data-key="fever"] td'))).toBe(3);
    expect(Number(await page.textContent('#flagged [data-key="retake"] td'))).toBeGreaterThan(0);
    expect(await page.$$('svg.chart[data-kind="arrivals"] .bar')).not.toHaveLength(0);
    expect(await page.getAttribute('#zero-report', 'data-zero')).toBe('false');
    expect(await page.textContent('#zero-report')).not.toContain('零报告：');
    for (const c of await screenshotsAt(page, 'demo-summary'))
      expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('puts the open fever and the absences with their reasons on the nurse’s console', async () => {
    const nurse = await loginAs(kiosk, 'demo-test-nurse', 'nurse');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    await page.context().addCookies([{ name: 'gk_session', value: nurse.token, url: kiosk.url }]);
    await page.goto(`${kiosk.url}/nurse/`);
    await page.waitForSelector('#link-state[data-state="live"]', { timeout: WAIT_MS });
    await page.waitForSelector('#case-rows .case-row', { timeout: WAIT_MS });
    const rows = await page.$$eval('#case-rows .case-row', (els) =>
      els.map((e) => (e as HTMLElement).dataset.decision),
    );
    expect(rows).toEqual(['fever']);
    await page.waitForSelector('#absence-list li.absence', { timeout: WAIT_MS });
    expect((await page.$$('#absence-list li.absence')).length).toBeGreaterThan(5);
    const absences = await getJson<{ reason: string; status: string }[]>(
      `${kiosk.url}/api/absences?date=${date}`,
    );
    expect(absences.filter((a) => a.reason === 'sick')).toHaveLength(2);
    expect(absences.filter((a) => a.status === 'arrived')).toHaveLength(2);
    // The morning's fevers were re-checked and closed: one back to class, one sent home.
    const closed = await getJson<{ decision: string; disposition: string }[]>(
      `${kiosk.url}/api/cases?status=closed&date=${date}`,
    );
    expect(
      closed
        .filter((c) => c.decision === 'fever')
        .map((c) => c.disposition)
        .sort(),
    ).toEqual(['admitted', 'sent_home']);
    for (const c of await screenshotsAt(page, 'demo-nurse'))
      expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('has the morning on the 晨午检 record the school downloads', async () => {
    await loginAs(kiosk, 'demo-test-nurse', 'nurse');
    const res = await authedFetch(`${kiosk.url}/api/exports/checks?date=${date}&session=morning&format=csv`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trimEnd().split('\r\n').slice(1);
    expect(lines).toHaveLength(336);
    expect(lines.filter((l) => l.includes(',出勤,')).length).toBeGreaterThan(300);
    expect(lines.filter((l) => l.includes(',缺勤（因病）,'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes(',迟到 '))).toHaveLength(2);
    // The two fevers at the gate, and a pupil off sick with a fever and a cough.
    expect(lines.filter((l) => /,出勤,3[78]\.\d,发热,/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.includes(',缺勤（因病）,,发热、咳嗽,是,上呼吸道感染,'))).toHaveLength(1);
  });

  it('never seeds a config that is not the demo’s', async () => {
    const other = tempDir('gk-not-demo-');
    const plain = await startTestKiosk(other.path, { clock });
    try {
      expect(countScreenings(plain)).toBe(0);
      expect(plain.demoNotice).toBeNull();
      expect(plain.demoDisplayToken).toBeNull();
    } finally {
      await plain.stop();
      other.remove();
    }
  });
});

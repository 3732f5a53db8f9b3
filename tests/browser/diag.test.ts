// The diagnostics page in a real browser against the real kiosk: device cards by lane, live bytes
// with their decoded events (scans masked), counters that move, fixture replay into a simulated
// device, why a device is offline (Chinese first, with the next step) and the way from the header's
// count to it, and the disconnected banner. Needs the pages built (`npm test` builds them first) and
// Debian's chromium.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { launchChromium, screenshotsAt } from '../helpers/browser.ts';
import { loginAs, postJson } from '../helpers/kiosk.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const testConfig = join(root, 'fixtures', 'config', 'test.yaml');
/** Lane 3's scanner is set up but not plugged in. */
const MISSING = '/dev/serial/by-id/usb-Newland_scanner-gate-kiosk-test-if00';
const artifacts = join(root, 'test-artifacts');
const WAIT_MS = 10_000;

let kiosk: RunningKiosk | undefined;
let browser: Browser | undefined;
let page: Page;
let dataDir: string | undefined;

const card = (deviceId: string): string => `.device[data-device-id="${deviceId}"]`;
const rows = (deviceId: string): string => `.log-row[data-device-id="${deviceId}"]`;

async function arrive(laneId: string, body: { identity?: string; temperatureC?: number }): Promise<void> {
  if (!kiosk) throw new Error('kiosk not started');
  expect((await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, body)).status).toBe(202);
}

/** The frames counter on a device's card, once the server's counters have arrived. */
async function framesCounter(deviceId: string): Promise<number> {
  const selector = `${card(deviceId)} [data-counter="frames"] dd[data-n]`;
  await page.waitForSelector(selector, { timeout: WAIT_MS });
  return Number(await page.getAttribute(selector, 'data-n'));
}

/** The decoded-event texts of a device's rx rows in the log. */
async function eventTexts(deviceId: string): Promise<string[]> {
  return page.$$eval(`${rows(deviceId)}[data-dir="rx"] .log-event`, (els) =>
    els.map((e) => e.textContent ?? ''),
  );
}

describe('diagnostics page', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gate-kiosk-diag-'));
    await mkdir(artifacts, { recursive: true });
    const config = parse(readFileSync(testConfig, 'utf8')) as { lanes: unknown[]; roster: string };
    config.roster = join(root, 'fixtures', 'roster', 'test-roster.csv');
    config.lanes.push({
      id: '3',
      name: '三号通道',
      grades: [],
      devices: [
        { id: 't3', role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
        { id: 's3', role: 'scanner', model: 'line-scanner', port: MISSING },
      ],
    });
    const configPath = join(dataDir, 'kiosk.yaml');
    writeFileSync(configPath, JSON.stringify(config));
    kiosk = await startKiosk({
      configPath,
      dataDir: join(dataDir, 'data'),
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    // Maintenance staff log in; the page rides on their session cookie.
    const session = await loginAs(kiosk, 'maint', 'maintenance');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.context().addCookies([{ name: 'gk_session', value: session.token, url: kiosk.url }]);
    await page.goto(new URL('/diag/', kiosk.url).href);
    for (const id of ['t1', 's1', 't2', 's2']) {
      await page.waitForSelector(card(id), { timeout: WAIT_MS });
    }
    await page.waitForSelector('#disconnected', { state: 'hidden', timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows every device by lane, with model, role, simulated and its state', async () => {
    const lane1 = await page.$$eval('.lane[data-lane-id="1"] .device', (els) =>
      els.map((e) => (e as HTMLElement).dataset.deviceId),
    );
    const lane2 = await page.$$eval('.lane[data-lane-id="2"] .device', (els) =>
      els.map((e) => (e as HTMLElement).dataset.deviceId),
    );
    expect(lane1).toEqual(['t1', 's1']);
    expect(lane2).toEqual(['t2', 's2']);
    const t1 = (await page.textContent(card('t1'))) ?? '';
    expect(t1).toContain('k3-ascii');
    expect(t1).toContain('thermometer');
    expect(t1).toContain('simulated');
    await page.waitForSelector(`${card('t1')}[data-state="online"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${card('t1')} .device-state`)).toContain('online');
  });

  it('offers no self-test for models that answer no request, and a fixture picker for simulated devices', async () => {
    for (const id of ['t1', 's1', 't2', 's2']) {
      expect(await page.$$(`${card(id)} .selftest`)).toHaveLength(0);
      expect(await page.$$(`${card(id)} .replay`)).toHaveLength(1);
    }
    const fixtures = await page.$$eval(`${card('t2')} .fixture-picker option`, (els) =>
      els.map((e) => (e as HTMLOptionElement).value),
    );
    expect(fixtures).toContain('k3-ascii-normal.jsonl');
    expect(fixtures.every((f) => f.startsWith('k3-ascii'))).toBe(true);
  });

  it('shows the live frames of an arrival: the reading decoded, the scan masked, the counter up', async () => {
    const framesBefore = await framesCounter('t1');
    await arrive('1', { identity: 'S0001', temperatureC: 36.6 });

    // The K3 sends `T body = 36.600 C, weak high`: the page decodes it to 体温 36.60 °C.
    await page.waitForFunction(
      (selector) =>
        [...document.querySelectorAll(selector)].some((e) => e.textContent?.includes('体温 36.60 °C')),
      `${rows('t1')}[data-dir="rx"] .log-event`,
      { timeout: WAIT_MS },
    );
    const t1Events = await eventTexts('t1');
    expect(t1Events.some((t) => t.includes('36.6') && t.includes('weak high'))).toBe(true);

    await page.waitForSelector(`${rows('s1')}[data-dir="rx"] .log-event[data-kind="identity"]`, {
      timeout: WAIT_MS,
    });
    const s1Events = await eventTexts('s1');
    expect(s1Events.some((t) => /^scan \*{5}(?!\*)/.test(t))).toBe(true);
    const s1Hex = await page.$$eval(`${rows('s1')} .log-hex`, (els) => els.map((e) => e.textContent ?? ''));
    expect(s1Hex.join(' ')).toContain('**');
    // Neither the log, nor the card, nor anything else shows the scanned text in full.
    expect(await page.textContent('body')).not.toContain('S0001');
    const lastEvent = (await page.textContent(`${card('s1')} .last-event`)) ?? '';
    expect(lastEvent).toContain('*****');
    expect(lastEvent).not.toMatch(/S0|01/);

    await page.waitForFunction(
      ([selector, before]) =>
        Number(document.querySelector(selector as string)?.getAttribute('data-n')) > before,
      [`${card('t1')} [data-counter="frames"] dd`, framesBefore] as const,
      { timeout: WAIT_MS },
    );
    expect(await framesCounter('t1')).toBeGreaterThan(framesBefore);
  });

  it('replays a recorded fixture into a simulated device and shows its frames', async () => {
    expect(await page.$$(`${rows('t2')}[data-dir="rx"]`)).toHaveLength(0);
    await page.selectOption(`${card('t2')} .fixture-picker`, 'k3-ascii-normal.jsonl');
    await page.click(`${card('t2')} .replay`);

    await page.waitForSelector(`${card('t2')} .replay-result[data-ok="true"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${card('t2')} .replay-result`)).toMatch(
      /^▶ 正在把 k3-ascii-normal\.jsonl 回放到 t2 · playing k3-ascii-normal\.jsonl into t2$/,
    );
    await page.waitForSelector(`${rows('t2')}[data-dir="rx"] .log-event`, { timeout: WAIT_MS });
    expect((await page.$$(`${rows('t2')}[data-dir="rx"]`)).length).toBeGreaterThan(1);
    expect((await eventTexts('t2')).some((t) => t.startsWith('体温 '))).toBe(true);
    await page.screenshot({ path: join(artifacts, 'diag.png') });
  });

  it('filters the log to one device and keeps it when paused', async () => {
    await page.click(`.log-filter .chip[data-device-id="s1"]`);
    const visible = await page.$$eval('.log-row:not([hidden])', (els) =>
      els.map((e) => (e as HTMLElement).dataset.deviceId),
    );
    expect(visible.length).toBeGreaterThan(0);
    expect(new Set(visible)).toEqual(new Set(['s1']));
    await page.click('.log-filter .chip-all');
    expect(await page.$$('.log-row[hidden]')).toHaveLength(0);

    await page.click('#log-pause');
    const before = (await page.$$('.log-row')).length;
    await arrive('1', { temperatureC: 36.9 });
    await page.waitForFunction(
      () => /held/.test(document.getElementById('log-status')?.textContent ?? ''),
      null,
      {
        timeout: WAIT_MS,
      },
    );
    expect((await page.$$('.log-row')).length).toBe(before);
    await page.click('#log-pause');
    await page.waitForFunction((n) => document.querySelectorAll('.log-row').length > n, before, {
      timeout: WAIT_MS,
    });
  });

  it('says why a device is offline, Chinese first with the next step, and the 离线 count goes to it', async () => {
    const s3 = card('s3');
    await page.waitForSelector(`${s3}[data-state="offline"]`, { timeout: WAIT_MS });
    const detail = (await page.textContent(`${s3} .device-detail`)) ?? '';
    expect(detail).toMatch(new RegExp(`^扫码器未连接：找不到 ${MISSING}`));
    expect(detail).toContain(`${MISSING} is not connected`);
    const next = (await page.textContent(`${s3} .device-next`)) ?? '';
    expect(next).toMatch(/^下一步：插好 USB 线后，应出现 \/dev\/serial\/by-id\//);
    expect(next).toContain('npx gate-kiosk ports');

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('#summary .summary-item[data-state="offline"]');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.deviceId)).toBe(
      's3',
    );
    // The district upload in full here (the gate display only carries a small mark).
    await page.waitForSelector('.upload-panel[data-configured="false"]', { timeout: WAIT_MS });
    expect(await page.textContent('.upload-panel')).toContain('未配置区级上报');
    const checks = await screenshotsAt(page, 'diag');
    for (const c of checks) expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
  });

  it('says so in a banner when the server goes away', async () => {
    await kiosk?.stop();
    await page.waitForSelector('#disconnected', { state: 'visible', timeout: WAIT_MS });
    expect(await page.textContent('#disconnected')).toContain('与服务器断开连接');
    expect(await page.$eval('body', (b) => b.classList.contains('is-disconnected'))).toBe(true);
  });
});

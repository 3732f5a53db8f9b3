// The gate display in a real browser against the real kiosk: a simulated arrival turns the lane's
// tile green or red with the person's masked name and temperature, and losing the server puts up
// the disconnected notice. Needs the pages built (`npm test` builds them first) and Debian's chromium.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { postJson, startTestKiosk } from '../helpers/kiosk.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configPath = join(root, 'fixtures', 'config', 'test.yaml');
const artifacts = join(root, 'test-artifacts');
const WAIT_MS = 10_000;

let kiosk: RunningKiosk | undefined;
let browser: Browser | undefined;
let page: Page;
let dataDir: string | undefined;

async function arrive(laneId: string, body: { identity?: string; temperatureC?: number }): Promise<void> {
  if (!kiosk) throw new Error('kiosk not started');
  expect((await postJson(`${kiosk.url}/api/sim/lanes/${laneId}/arrivals`, body)).status).toBe(202);
}

const tile = (laneId: string): string => `[data-lane-id="${laneId}"]`;

/** The tile's background as [r, g, b]. */
async function tileColour(laneId: string): Promise<number[]> {
  const css = await page.$eval(tile(laneId), (el) => getComputedStyle(el).backgroundColor);
  return (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
}

describe('gate display', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gate-kiosk-display-'));
    await mkdir(artifacts, { recursive: true });
    kiosk = await startTestKiosk(dataDir, { configPath });
    // A gate display is paired, not logged in: it opens with its token.
    const { token } = new DisplayTokenStore(kiosk.db).add('gate', ['1', '2']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(new URL(`/display/?token=${token}`, kiosk.url).href);
    // Both lanes are on screen, idle, and the page is live.
    await page.waitForSelector(`${tile('1')}[data-state="idle"]`, { timeout: WAIT_MS });
    await page.waitForSelector(`${tile('2')}[data-state="idle"]`, { timeout: WAIT_MS });
    await page.waitForSelector('#disconnected', { state: 'hidden', timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a pass in green with the masked name and the temperature', async () => {
    expect(await page.getAttribute(tile('1'), 'data-decision')).toBe('none');
    await arrive('1', { identity: 'S0001', temperatureC: 36.6 });

    await page.waitForSelector(`${tile('1')}[data-decision="pass"]`, { timeout: WAIT_MS });
    const text = (await page.textContent(tile('1'))) ?? '';
    expect(text).toContain('请通行');
    expect(text).toContain('张*丰');
    expect(text).not.toContain('张三丰');
    expect(text).toContain('36.6');
    expect(await page.getAttribute(tile('1'), 'data-tone')).toBe('green');
    const [r = 0, g = 0] = await tileColour('1');
    expect(g).toBeGreaterThan(r);
    // The other lane did not change.
    expect(await page.getAttribute(tile('2'), 'data-state')).toBe('idle');
    await page.screenshot({ path: join(artifacts, 'display-pass.png') });
  });

  it('shows a fever in red, sending the person to the re-check area', async () => {
    await arrive('2', { identity: 'S0001', temperatureC: 38.2 });

    await page.waitForSelector(`${tile('2')}[data-decision="fever"]`, { timeout: WAIT_MS });
    const text = (await page.textContent(tile('2'))) ?? '';
    expect(text).toContain('请到复检区');
    expect(text).toContain('38.2');
    // S0001 is in grade 1: lane 1 is theirs, and the tile says so.
    expect(await page.textContent(`${tile('2')} [data-testid="lane-hint"]`)).toContain('请走一号通道');
    expect(await page.getAttribute(tile('2'), 'data-tone')).toBe('red');
    const [r = 0, g = 0, b = 0] = await tileColour('2');
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(100);
    expect(b).toBeLessThan(100);
    await page.screenshot({ path: join(artifacts, 'display-fever.png') });
  });

  it('says so over the whole screen when the server goes away', async () => {
    expect(await page.isVisible('#disconnected')).toBe(false);
    await kiosk?.stop();

    await page.waitForSelector('#disconnected', { state: 'visible', timeout: WAIT_MS });
    expect(await page.textContent('#disconnected')).toContain('与服务器断开连接');
    // Old decisions are greyed out, not shown as current.
    expect(await page.$eval('body', (b) => b.classList.contains('is-disconnected'))).toBe(true);
    await page.screenshot({ path: join(artifacts, 'display-disconnected.png') });
  });
});

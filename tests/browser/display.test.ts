// The gate display in a real browser against the real kiosk: a simulated arrival turns the lane's
// tile green or red with the person's masked name and temperature; in kiosk mode (Chromium started
// with --autoplay-policy=no-user-gesture-required) sound and the spoken prompts start without a click,
// and where a browser blocks sound a large banner says so until someone touches the screen; a lane
// whose scanner is down says so, a card-reader lane asks for the card; hints and device pills are
// readable at 1920×1080 and 1280×800; losing the server puts up the disconnected notice. Needs the
// pages built (`npm test` builds them first) and Debian's chromium.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { collectErrors, KIOSK_AUTOPLAY, launchChromium, screenshotsAt } from '../helpers/browser.ts';
import { clockAt } from '../helpers/clock.ts';
import { postJson, startTestKiosk, TEST_CONFIG } from '../helpers/kiosk.ts';

const WAIT_MS = 10_000;

/** The test config's two lanes, and two more: one whose scanner is not plugged in, one with a card reader. */
function fourLaneConfig(dir: string): string {
  const config = parse(readFileSync(TEST_CONFIG, 'utf8')) as { lanes: unknown[]; roster: string };
  config.roster = join(process.cwd(), 'fixtures', 'roster', 'test-roster.csv');
  config.lanes.push(
    {
      id: '3',
      name: '三号通道',
      grades: [],
      devices: [
        { id: 't3', role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
        {
          id: 's3',
          role: 'scanner',
          model: 'line-scanner',
          port: '/dev/serial/by-id/usb-gate-kiosk-test-not-plugged-in-if00',
        },
      ],
    },
    {
      id: '4',
      name: '四号通道',
      grades: [],
      devices: [
        { id: 't4', role: 'thermometer', model: 'k3-ascii', port: 'simulated' },
        { id: 'c4', role: 'card-reader', model: 'rdm6300', port: 'simulated' },
      ],
    },
  );
  const file = join(dir, 'kiosk.yaml');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/**
 * A browser that blocks sound until the page is touched, as desktop Chromium does without the kiosk
 * flag: its AudioContext stays suspended and resume() waits until a real click, key or touch. (As a
 * string: the page runs it as it is. Playwright's own scripts count as user activation, so the
 * touch is watched for here.)
 */
const BLOCK_SOUND_UNTIL_TOUCHED = `(() => {
  let touched = false;
  for (const type of ['pointerdown', 'keydown', 'touchstart']) {
    window.addEventListener(type, (e) => { if (e.isTrusted) touched = true; }, true);
  }
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    get state() { return touched ? super.state : 'suspended'; }
    resume() {
      if (!touched) return new Promise(() => {});
      return super.resume().then(() => { this.dispatchEvent(new Event('statechange')); });
    }
  };
})();`;

/** A browser with a Chinese voice: what it is asked to say is kept in window.spoken. */
const CHINESE_VOICE = `(() => {
  const spoken = [];
  window.spoken = spoken;
  const voice = { lang: 'zh-CN', name: 'Test Mandarin', default: true, localService: true, voiceURI: 'zh' };
  Object.defineProperty(speechSynthesis, 'getVoices', { value: () => [voice] });
  Object.defineProperty(speechSynthesis, 'speak', { value: (u) => spoken.push(u.lang + ':' + u.text) });
})();`;

describe('gate display', () => {
  let kiosk: RunningKiosk | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let dataDir: string | undefined;
  let url: string;
  let errors: string[];

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

  async function openDisplay(p: Page, query = ''): Promise<void> {
    await p.goto(`${url}${query}`);
    await p.waitForSelector(`${tile('1')}[data-state="idle"]`, { timeout: WAIT_MS });
    await p.waitForSelector('#disconnected', { state: 'hidden', timeout: WAIT_MS });
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gate-kiosk-display-'));
    // Between checks (16:00): the same pupil at two lanes is screened afresh, whatever time the tests run.
    kiosk = await startTestKiosk(join(dataDir, 'data'), {
      configPath: fourLaneConfig(dataDir),
      clock: clockAt('16:00'),
    });
    // A gate display is paired, not logged in: it opens with its token.
    const { token } = new DisplayTokenStore(kiosk.db).add('gate', ['1', '2', '3', '4']);
    url = new URL(`/display/?token=${token}`, kiosk.url).href;
    // The display PC's browser, started as the README says.
    browser = await launchChromium([KIOSK_AUTOPLAY]);
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    errors = collectErrors(page);
    await openDisplay(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('sounds without a click in kiosk mode, with its voice clips ready', async () => {
    await page.waitForSelector('body[data-sound="on"]', { timeout: WAIT_MS });
    expect(await page.isVisible('#sound-banner')).toBe(false);
    // Headless Chromium has no Chinese voice: the clips made with espeak-ng are used.
    expect(await page.getAttribute('body', 'data-voice')).toBe('clips');
    await page.waitForSelector('body[data-voice-clips="10"]', { timeout: WAIT_MS });
  });

  it('shows a pass in green with the masked name and the temperature, and says 请通行', async () => {
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
    expect(await page.getAttribute('body', 'data-last-prompt')).toBe('pass');
    // The other lanes did not change.
    expect(await page.getAttribute(tile('2'), 'data-state')).toBe('idle');
  });

  it('shows a fever in red as 体温异常 with the reading, sending the person to the re-check area', async () => {
    const before = Number((await page.getAttribute('body', 'data-prompts-spoken')) ?? 0);
    await arrive('2', { identity: 'S0001', temperatureC: 38.2 });

    await page.waitForSelector(`${tile('2')}[data-decision="fever"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${tile('2')} [data-testid="lane-message"]`)).toBe('体温异常 请到复检区');
    expect(await page.textContent(`${tile('2')} .lane-msg-en`)).toBe(
      'Fever 38.2 °C: go to the re-check area',
    );
    expect(await page.textContent(`${tile('2')} .temp-value`)).toBe('38.2');
    // S0001 is in grade 1: lane 1 is theirs, and the tile says so, whole.
    const hint = `${tile('2')} [data-testid="lane-hint"]`;
    expect(await page.textContent(hint)).toContain('请走一号通道');
    expect(await page.getAttribute(tile('2'), 'data-tone')).toBe('red');
    const [r = 0, g = 0, b = 0] = await tileColour('2');
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(100);
    expect(b).toBeLessThan(100);
    expect(await page.getAttribute('body', 'data-last-prompt')).toBe('fever');
    expect(Number(await page.getAttribute('body', 'data-prompts-spoken'))).toBe(before + 1);
    const checks = await screenshotsAt(page, 'display-fever');
    for (const c of checks) expect(c.overflowX).toBeLessThanOrEqual(0);
  });

  it('says what a lane can do: a scanner not plugged in, a card reader', async () => {
    const down = tile('3');
    await page.waitForSelector(`${down}[data-fault="scanner"]`, { timeout: WAIT_MS });
    expect(await page.textContent(`${down} [data-testid="lane-message"]`)).toBe('扫码器故障，请找门卫');
    expect(await page.getAttribute(down, 'data-tone')).toBe('amber');
    expect(await page.textContent(`${tile('4')} [data-testid="lane-message"]`)).toBe('请刷卡');
    expect(await page.textContent(`${tile('4')} .lane-msg-en`)).toBe('Tap your card');
  });

  it('is readable from the gate at 1920×1080 and 1280×800: hints whole, device pills and tags large', async () => {
    // A fresh hint to read: the wrong lane again.
    await arrive('2', { identity: 'S0001', temperatureC: 36.6 });
    await page.waitForSelector(`${tile('2')}[data-decision="pass"]`, { timeout: WAIT_MS });
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 800 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(250);
      const hint = await page.$eval(`${tile('2')} [data-testid="lane-hint"]`, (h) => {
        const box = h.getBoundingClientRect();
        const tileBox = (h.closest('.lane') as HTMLElement).getBoundingClientRect();
        return {
          clipped: [...h.children].some((c) => c.scrollWidth > (c as HTMLElement).clientWidth + 1),
          inside: box.left >= tileBox.left && box.right <= tileBox.right,
          text: h.textContent,
        };
      });
      expect(hint, `${size.width}×${size.height}`).toMatchObject({ clipped: false, inside: true });
      expect(hint.text).toContain('Your lane is');
      const sizes = await page.$$eval('.device-pill', (pills) =>
        pills.map((p) => ({
          pill: Number.parseFloat(getComputedStyle(p).fontSize),
          sim: Number.parseFloat(getComputedStyle(p.querySelector('.pill-sim') ?? p).fontSize),
        })),
      );
      for (const s of sizes) {
        expect(s.pill, `${size.width}×${size.height}`).toBeGreaterThanOrEqual(16);
        expect(s.sim, `${size.width}×${size.height}`).toBeGreaterThanOrEqual(14);
      }
    }
    await screenshotsAt(page, 'display');
    expect(errors).toEqual([]);
  });

  it('shows a large banner, not a chip, while a browser blocks sound, until the screen is touched', async () => {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(BLOCK_SOUND_UNTIL_TOUCHED);
    const blocked = await context.newPage();
    await openDisplay(blocked);
    await blocked.waitForSelector('#sound-banner', { state: 'visible', timeout: WAIT_MS });
    expect(await blocked.getAttribute('body', 'data-sound')).toBe('off');
    expect(await blocked.textContent('#sound-banner')).toContain('声音未开启');
    expect(await blocked.textContent('#sound-banner')).toContain('Sound is off');
    const box = await blocked.$eval('#sound-banner', (b) => b.getBoundingClientRect());
    expect(box.width).toBeGreaterThanOrEqual(1280 * 0.9);
    expect(box.height).toBeGreaterThanOrEqual(800 * 0.1);
    await screenshotsAt(blocked, 'display-sound-off');
    // Still there after a while: it does not go away by itself.
    await blocked.waitForTimeout(1_000);
    expect(await blocked.isVisible('#sound-banner')).toBe(true);
    await blocked.mouse.click(640, 400);
    await blocked.waitForSelector('#sound-banner', { state: 'hidden', timeout: WAIT_MS });
    expect(await blocked.getAttribute('body', 'data-sound')).toBe('on');
    await context.close();
  });

  it('speaks the prompts with the browser’s Chinese voice where it has one, and not at all with ?voice=off', async () => {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(CHINESE_VOICE);
    const speaking = await context.newPage();
    await openDisplay(speaking);
    await speaking.waitForSelector('body[data-sound="on"][data-voice="speech"]', { timeout: WAIT_MS });
    await arrive('1', { identity: 'T0001', temperatureC: 36.5 });
    await speaking.waitForFunction(
      () => (window as unknown as { spoken: string[] }).spoken.includes('zh-CN:请通行'),
      null,
      { timeout: WAIT_MS },
    );

    const quiet = await context.newPage();
    await openDisplay(quiet, '&voice=off');
    expect(await quiet.getAttribute('body', 'data-voice')).toBe('off');
    await arrive('1', { identity: 'S0001', temperatureC: 36.6 });
    await quiet.waitForSelector(`${tile('1')}[data-decision="pass"]`, { timeout: WAIT_MS });
    await quiet.waitForTimeout(500);
    expect(await quiet.evaluate(() => (window as unknown as { spoken: string[] }).spoken)).toEqual([]);
    expect(await quiet.getAttribute('body', 'data-prompts-spoken')).toBeNull();
    await context.close();
  });

  it('says so over the whole screen when the server goes away', async () => {
    expect(await page.isVisible('#disconnected')).toBe(false);
    await kiosk?.stop();

    await page.waitForSelector('#disconnected', { state: 'visible', timeout: WAIT_MS });
    expect(await page.textContent('#disconnected')).toContain('与服务器断开连接');
    // Old decisions are greyed out, not shown as current.
    expect(await page.$eval('body', (b) => b.classList.contains('is-disconnected'))).toBe(true);
    await screenshotsAt(page, 'display-disconnected');
  });
});

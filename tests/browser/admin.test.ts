// The roster import page in a real browser against the real kiosk: a bad file shows every error by
// row and column and cannot be imported; a good one shows its preview, says plainly when it would
// mark more than a tenth of the school as left and asks again, imports, and the running kiosk knows
// the new roster at once (a second card of a pupil is recognised at the lane).
// Needs the pages built (`npm test` builds them first) and Debian's chromium.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { launchChromium, screenshotsAt } from '../helpers/browser.ts';
import { getJson, loginAs, postJson, waitUntil } from '../helpers/kiosk.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configPath = join(root, 'fixtures', 'config', 'test.yaml');
const artifacts = join(root, 'test-artifacts');
const WAIT_MS = 10_000;

let kiosk: RunningKiosk | undefined;
let browser: Browser | undefined;
let page: Page;
let dataDir: string | undefined;
const pageErrors: string[] = [];

async function choose(name: string, mimeType: string): Promise<void> {
  const buffer = await readFile(join(root, 'fixtures', 'roster', name));
  await page.setInputFiles('#file', { name, mimeType, buffer });
}

describe('roster import page', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gate-kiosk-admin-'));
    await mkdir(artifacts, { recursive: true });
    kiosk = await startKiosk({
      configPath,
      dataDir,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    browser = await launchChromium();
    // The admin logs in; the page rides on the session cookie and sends its CSRF token.
    const session = await loginAs(kiosk, 'admin', 'admin');
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.context().addCookies([{ name: 'gk_session', value: session.token, url: kiosk.url }]);
    await page.goto(new URL('/admin/', kiosk.url).href);
    await page.waitForSelector('#file', { timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('lists every error of a bad file by row and column, and offers no import', async () => {
    await choose('roster-bad.csv', 'text/csv');
    await page.waitForSelector('#problems:not([hidden])', { timeout: WAIT_MS });
    expect(await page.getAttribute('#problems', 'data-count')).toBe('14');
    const rows = await page.$$eval('#error-rows tr', (trs) =>
      trs.map((tr) => ({
        row: (tr as HTMLElement).dataset.row,
        field: (tr as HTMLElement).dataset.field,
        text: tr.textContent ?? '',
      })),
    );
    expect(rows).toHaveLength(14);
    expect(rows[0]).toMatchObject({ row: '3', field: 'id' });
    expect(rows[0]?.text).toContain('学号/工号');
    // Each row's problem in Chinese first, then English.
    expect(rows[0]?.text).toContain('学号 "S1001" 重复（第 2 行也有） duplicate id "S1001" (also row 2)');
    expect(await page.textContent('#error-rows tr[data-row="10"] .message .zh')).toBe(
      '"12345" 不是电话号码（7 到 15 位数字，可带 +86）',
    );
    expect(rows.map((r) => `${r.row} ${r.field}`)).toContain('10 guardianPhone');
    expect(await page.isHidden('#preview')).toBe(true);
    expect(await page.textContent('#status')).toContain('14');
    // The summary is the kiosk's refusal, Chinese first.
    expect(await page.textContent('#problems-summary')).toMatch(
      /^roster-bad\.csv：名单中有 14 处错误，未导入任何人/,
    );
    await page.screenshot({ path: join(artifacts, 'admin-errors.png'), fullPage: true });
    // Nothing was written: the config's roster is still the roster.
    expect(new PeopleStore((kiosk as RunningKiosk).db).current().map((p) => p.id)).toEqual([
      'S0001',
      'S0002',
      'S0003',
      'S0004',
      'S0005',
      'T0001',
    ]);
  });

  it('previews a good workbook, imports it, and the lanes know the new roster at once', async () => {
    if (!kiosk) throw new Error('kiosk not started');
    await choose('roster-good.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    await page.waitForSelector('#preview:not([hidden])', { timeout: WAIT_MS });
    expect(await page.isHidden('#problems')).toBe(true);
    const count = (kind: string) => page.textContent(`#counts [data-kind="${kind}"] dd`);
    expect(await count('added')).toBe('3');
    // The test config moves status times to "now" at start; the file's older ones do not replace them.
    expect(await count('updated')).toBe('1');
    expect(await count('removed')).toBe('1');
    expect(await count('unchanged')).toBe('4');
    expect(await page.textContent('#changes [data-kind="added"]')).toContain('𠮷田一');
    expect(await page.textContent('#changes [data-kind="updated"] tr[data-id="S0001"]')).toContain(
      '卡号 (card)',
    );
    expect(await page.textContent('#changes [data-kind="removed"]')).toContain('S0004');
    expect(await page.textContent('#warnings')).toContain('备注');
    await page.screenshot({ path: join(artifacts, 'admin-preview.png'), fullPage: true });
    // The preview wrote nothing.
    expect(new PeopleStore(kiosk.db).current()).toHaveLength(6);

    // One of the school's six marked as left is more than 10 %: said plainly, and asked again.
    expect(await page.isVisible('#removal-warning')).toBe(true);
    expect(await page.textContent('#removal-warning')).toContain('把 1 人（全校 6 人中的 17%）标记为离校');
    expect(await page.isDisabled('#import')).toBe(true);
    const checks = await screenshotsAt(page, 'admin-preview');
    for (const c of checks) expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
    await page.check('#confirm-removal');
    await page.click('#import');
    await page.waitForSelector('#done:not([hidden])', { timeout: WAIT_MS });
    expect(await page.getAttribute('#done', 'data-imported')).toBe('8');
    expect(await page.textContent('#done')).toContain('已导入 8 人');
    await page.screenshot({ path: join(artifacts, 'admin-imported.png'), fullPage: true });
    expect(new PeopleStore(kiosk.db).current().map((p) => p.id)).toContain('S0008');

    // S0001's second card, new in this file, names them at lane 1 without a restart.
    const res = await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, {
      identity: '0040856635',
      temperatureC: 36.6,
    });
    expect(res.status).toBe(202);
    const url = kiosk.url;
    await waitUntil(
      async () => {
        const list = await getJson<{ personId: string | null }[]>(`${url}/api/screenings?lane=1`);
        return list.some((s) => s.personId === 'S0001');
      },
      WAIT_MS,
      'a screening of S0001 by their second card',
    );
    expect(pageErrors).toEqual([]);
  });

  it('shows where the keyboard is with the pages’ own ring', async () => {
    await page.goto(new URL('/admin/', (kiosk as RunningKiosk).url).href);
    await page.waitForSelector('#file', { timeout: WAIT_MS });
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { on: el.tagName, style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(ring.on).not.toBe('BODY');
    // The base stylesheet's 3 px solid ring, not the browser's thin default ('auto').
    expect(ring).toMatchObject({ style: 'solid', width: '3px' });
  });
});

// Roster text is shown as text, never run: a roster whose names are markup, SQL, as long as a name
// may be (64 characters) and wrapped in text-direction controls goes through the admin page's
// preview and import, then those people arrive at a lane and the gate display shows them. No dialog
// fires, no element is made from the text, no control character is kept, the people table is still
// there. Needs the pages built and Debian's chromium.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '../../kiosk/identities/mask.ts';
import { DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { UserStore } from '../../kiosk/store/users.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configPath = join(root, 'fixtures', 'config', 'test.yaml');
const artifacts = join(root, 'test-artifacts');
const rosterFile = 'roster-hostile.csv';
const WAIT_MS = 10_000;

const ADMIN = { name: 'office', password: 'office-password-long' };
/** The rows of fixtures/roster/roster-hostile.csv, as they are stored and shown. */
const HOSTILE = {
  H0001: { name: '<img src=x onerror=alert(1)>', class: '<img src=x onerror=alert(2)>' },
  H0002: { name: "'; DROP TABLE people;--", class: '1班' },
  H0003: { name: `${'很长的名字'.repeat(12)}很长的名`, class: '1班' },
  H0004: { name: '<script>alert(1)</script>', class: '<b>3班</b>' },
  // In the file: U+202E before the name, U+200B after it, and the class in U+202E U+2066 … U+2069.
  H0005: { name: '张三丰', class: '2班' },
} as const;

let kiosk: RunningKiosk | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let admin: Page;
let dataDir: string | undefined;
/** Every dialog any page opened, every page error, every request for the `x` of `src=x`. */
const dialogs: string[] = [];
const pageErrors: string[] = [];
const strayRequests: string[] = [];

function url(path: string): string {
  if (!kiosk) throw new Error('kiosk not started');
  return new URL(path, kiosk.url).href;
}

function watch(page: Page): void {
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (r) => {
    if (/\/x$/.test(new URL(r.url()).pathname)) strayRequests.push(r.url());
  });
}

/** Content Security Policy violations the page saw: something tried to run or load what it may not. */
async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
}

async function newWatchedContext(b: Browser, viewport: { width: number; height: number }) {
  const ctx = await b.newContext({ viewport });
  await ctx.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return ctx;
}

describe('hostile roster names', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gate-kiosk-hostile-'));
    await mkdir(artifacts, { recursive: true });
    kiosk = await startKiosk({
      configPath,
      dataDir,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    await new UserStore(kiosk.db).add(ADMIN.name, 'admin', ADMIN.password);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await newWatchedContext(browser, { width: 1366, height: 900 });
    admin = await context.newPage();
    watch(admin);

    // The admin logs in through the login page, which brings them back to the roster import.
    await admin.goto(url('/admin/'));
    await admin.waitForURL((u) => u.pathname === '/login/', { timeout: WAIT_MS });
    await admin.waitForSelector('#fields:not([disabled])', { timeout: WAIT_MS });
    await admin.fill('#name', ADMIN.name);
    await admin.fill('#password', ADMIN.password);
    await admin.click('#submit');
    await admin.waitForURL((u) => u.pathname === '/admin/', { timeout: WAIT_MS });
    await admin.waitForSelector('.session-bar[data-role="admin"]', { timeout: WAIT_MS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('previews and imports the names as text, the longest a name may be taken whole', async () => {
    if (!kiosk) throw new Error('kiosk not started');
    const buffer = await readFile(join(root, 'fixtures', 'roster', rosterFile));
    await admin.setInputFiles('#file', { name: rosterFile, mimeType: 'text/csv', buffer });

    // A 64-character name is the longest the roster takes: the file previews with no errors at all.
    await admin.waitForSelector('#preview:not([hidden])', { timeout: WAIT_MS });
    expect(await admin.isHidden('#problems')).toBe(true);
    expect(await admin.textContent('#counts [data-kind="added"] dd')).toBe('5');

    const added = '#changes [data-kind="added"]';
    for (const [id, person] of Object.entries(HOSTILE)) {
      const cells = await admin.$$eval(`${added} tr[data-id="${id}"] td`, (tds) =>
        tds.map((td) => td.textContent ?? ''),
      );
      // Row, id, name, kind, grade and class: the name and the class exactly as in the file.
      expect(cells[1]).toBe(id);
      expect(cells[2]).toBe(person.name);
      expect(cells[4]).toContain(person.class);
    }
    // Nothing in the preview was made from the text: no image, script or bold element.
    expect(await admin.$$(`${added} img, ${added} script, ${added} b`)).toHaveLength(0);
    expect(await admin.$$('body img')).toHaveLength(0);
    // The long name wraps inside the page instead of pushing it sideways.
    const overflow = await admin.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await admin.screenshot({ path: join(artifacts, 'hostile-names.png') });

    // The file replaces the test roster's six people: the page asks before marking them as left.
    expect(await admin.isVisible('#removal-warning')).toBe(true);
    await admin.check('#confirm-removal');
    await admin.click('#import');
    await admin.waitForSelector('#done:not([hidden])', { timeout: WAIT_MS });
    expect(await admin.getAttribute('#done', 'data-imported')).toBe('5');

    // Stored as written less the controls, and the people table (and its neighbours) are all still there.
    const stored = new Map(new PeopleStore(kiosk.db).current().map((p) => [p.id, p]));
    for (const [id, person] of Object.entries(HOSTILE)) {
      expect(stored.get(id)?.name).toBe(person.name);
      expect(stored.get(id)?.className).toBe(person.class);
    }
    expect(stored.get('H0003')?.name).toHaveLength(64);
    const tables = kiosk.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'people'")
      .all();
    expect(tables).toHaveLength(1);
    const { n } = kiosk.db.prepare('SELECT count(*) AS n FROM people').get() as { n: number };
    expect(n).toBeGreaterThanOrEqual(5);
    expect(await cspViolations(admin)).toEqual([]);
  });

  it('shows an arriving hostile person on the gate display as inert text', async () => {
    if (!kiosk || !browser) throw new Error('not started');
    // The display PC is paired with a token, not logged in.
    const { token } = new DisplayTokenStore(kiosk.db).add('gate', ['1', '2']);
    const displayContext = await newWatchedContext(browser, { width: 1920, height: 1080 });
    const display = await displayContext.newPage();
    watch(display);
    await display.goto(url(`/display/?token=${token}`));
    await display.waitForSelector('[data-lane-id="1"][data-state="idle"]', { timeout: WAIT_MS });
    await display.waitForSelector('#disconnected', { state: 'hidden', timeout: WAIT_MS });

    // Arrivals are driven with the admin's session cookie and CSRF token.
    const cookie = (await context.cookies()).find((c) => c.name === 'gk_session')?.value;
    const csrfToken = await admin.evaluate(async () => {
      const res = await fetch('/api/session');
      return ((await res.json()) as { csrfToken: string }).csrfToken;
    });
    expect(cookie).toBeDefined();
    const arrive = async (laneId: string, identity: string) => {
      const res = await fetch(url(`/api/sim/lanes/${laneId}/arrivals`), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `gk_session=${cookie}`,
          'x-csrf-token': csrfToken,
        },
        body: JSON.stringify({ identity, temperatureC: 36.6 }),
      });
      expect(res.status).toBe(202);
    };
    await arrive('1', 'H0001');
    await arrive('2', 'H0004');

    const nameOn = (laneId: string) => `[data-lane-id="${laneId}"] .person-name`;
    const classOn = (laneId: string) => `[data-lane-id="${laneId}"] .person-class`;
    for (const laneId of ['1', '2']) {
      await display.waitForFunction(
        (selector) => (document.querySelector(selector)?.textContent ?? '') !== '',
        nameOn(laneId),
        { timeout: WAIT_MS },
      );
    }
    // The display masks names (the first and last character stay) and shows the class as written.
    expect(await display.textContent(nameOn('1'))).toBe(maskName(HOSTILE.H0001.name));
    expect(await display.textContent(classOn('1'))).toContain(HOSTILE.H0001.class);
    expect(await display.textContent(nameOn('2'))).toBe(maskName(HOSTILE.H0004.name));
    expect(await display.textContent(classOn('2'))).toContain(HOSTILE.H0004.class);
    expect(await display.$$('[data-testid="lane-tile"] img, [data-testid="lane-tile"] b')).toHaveLength(0);
    expect(await display.$$('body script')).toHaveLength(0);

    // The name that came wrapped in text-direction controls shows as 张*丰, nothing around it.
    await arrive('1', 'H0005');
    await display.waitForFunction(
      ([selector, want]) => document.querySelector(selector as string)?.textContent === want,
      [nameOn('1'), '张*丰'],
      { timeout: WAIT_MS },
    );
    expect(await display.textContent(classOn('1'))).toContain('2班');
    expect(await display.textContent('[data-lane-id="1"]')).not.toMatch(/[\u200b\u202a-\u202e\u2066-\u2069]/);

    // An image that fails to load reports its error at once: give anything injected time to fire.
    await display.waitForTimeout(500);
    await display.screenshot({ path: join(artifacts, 'hostile-names-display.png') });
    expect(await cspViolations(display)).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(strayRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(new PeopleStore(kiosk.db).current().map((p) => p.id)).toContain('H0002');
    await displayContext.close();
  });
});

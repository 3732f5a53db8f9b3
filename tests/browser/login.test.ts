// The login page in a real browser against the real kiosk: a page that needs a session sends the
// person to log in and brings them back; a wrong password says so; `next` never leads off the
// kiosk; logging out ends the session; repeated wrong passwords show the kiosk's wait counting
// down. Needs the pages built (`npm test` builds them first) and Debian's chromium.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../../kiosk/store/users.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { screenshotsAt } from '../helpers/browser.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configPath = join(root, 'fixtures', 'config', 'test.yaml');
const artifacts = join(root, 'test-artifacts');
const WAIT_MS = 10_000;

const MAINT = { name: 'maint', password: 'maint-password-long' };
const NURSE = { name: 'nurse', password: 'nurse-password-long' };

let kiosk: RunningKiosk | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let dataDir: string | undefined;
const pageErrors: string[] = [];

function url(path: string): string {
  if (!kiosk) throw new Error('kiosk not started');
  return new URL(path, kiosk.url).href;
}

/** The number of answers the login form has shown so far. */
async function answers(p: Page): Promise<number> {
  return Number((await p.getAttribute('#message', 'data-answers')) ?? '0');
}

/** Fills and sends the login form, and waits for its answer on the page or for the page to leave. */
async function submitLogin(p: Page, name: string, password: string): Promise<void> {
  await p.waitForSelector('#fields:not([disabled])', { timeout: WAIT_MS });
  const before = await answers(p);
  await p.fill('#name', name);
  await p.fill('#password', password);
  await p.click('#submit');
  await p.waitForFunction(
    (n) =>
      window.location.pathname !== '/login/' ||
      Number(document.getElementById('message')?.dataset.answers ?? '0') > n,
    before,
    { timeout: WAIT_MS },
  );
}

async function sessionCookie(ctx: BrowserContext): Promise<string | undefined> {
  return (await ctx.cookies()).find((c) => c.name === 'gk_session' && c.value !== '')?.value;
}

describe('login page', () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gate-kiosk-login-'));
    await mkdir(artifacts, { recursive: true });
    kiosk = await startKiosk({
      configPath,
      dataDir,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('silent'),
    });
    const users = new UserStore(kiosk.db);
    await users.add(MAINT.name, 'maintenance', MAINT.password);
    await users.add(NURSE.name, 'nurse', NURSE.password);
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
    // A tablet at the gate.
    context = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('sends /diag/ without a session to /login/?next=/diag/', async () => {
    await page.goto(url('/diag/'));
    await page.waitForURL((u) => u.pathname === '/login/', { timeout: WAIT_MS });
    const at = new URL(page.url());
    expect(at.searchParams.get('next')).toBe('/diag/');
    await page.waitForSelector('#fields:not([disabled])', { timeout: WAIT_MS });
    expect(await page.textContent('#notice')).toContain('请先登录');
    expect(await page.isVisible('#name')).toBe(true);
    expect(await page.getAttribute('#password', 'type')).toBe('password');
  });

  it('says plainly that the name or password is wrong', async () => {
    await submitLogin(page, MAINT.name, 'not-the-password');
    expect(await page.getAttribute('#message', 'data-kind')).toBe('wrong');
    const text = (await page.textContent('#message')) ?? '';
    expect(text).toContain('用户名或密码错误');
    expect(text).toContain('Wrong name or password');
    // Still here, the password field emptied, and the password nowhere in the address.
    expect(new URL(page.url()).pathname).toBe('/login/');
    expect(page.url()).not.toContain('not-the-password');
    expect(await page.inputValue('#password')).toBe('');
    expect(await page.inputValue('#name')).toBe(MAINT.name);
    expect(await sessionCookie(context)).toBeUndefined();
    const checks = await screenshotsAt(page, 'login');
    for (const c of checks) expect(c.overflowX, `${c.width}×${c.height}`).toBeLessThanOrEqual(0);
  });

  it('with the right password lands on /diag/ and shows who is logged in', async () => {
    await submitLogin(page, MAINT.name, MAINT.password);
    await page.waitForURL((u) => u.pathname === '/diag/', { timeout: WAIT_MS });
    await page.waitForSelector('.session-bar', { timeout: WAIT_MS });
    expect(await page.getAttribute('.session-bar', 'data-role')).toBe('maintenance');
    expect(await page.textContent('.session-name')).toBe(MAINT.name);
    expect(await page.textContent('.session-role')).toContain('maintenance');
    // The page is live on the session: its devices arrive over the socket.
    await page.waitForSelector('.device[data-device-id="t1"]', { timeout: WAIT_MS });
    await page.waitForSelector('#disconnected', { state: 'hidden', timeout: WAIT_MS });

    // The session is an HttpOnly, SameSite=Strict cookie; the password is kept nowhere.
    const cookie = (await context.cookies()).find((c) => c.name === 'gk_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain('gk_session');
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).toBe('{}');
    expect(page.url()).not.toContain(MAINT.password);
  });

  it('does not follow a next that leads off the kiosk', async () => {
    if (!browser || !kiosk) throw new Error('not started');
    const origin = new URL(kiosk.url).origin;
    for (const next of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      'javascript:alert(1)',
      '/login/?next=https://evil.example/',
    ]) {
      const ctx = await browser.newContext();
      const offsite: string[] = [];
      ctx.on('request', (r) => {
        if (new URL(r.url()).origin !== origin) offsite.push(r.url());
      });
      const p = await ctx.newPage();
      const dialogs: string[] = [];
      p.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await p.goto(url(`/login/?next=${encodeURIComponent(next)}`));
      await submitLogin(p, MAINT.name, MAINT.password);
      // Not to the named place: to the role's own page on this kiosk.
      await p.waitForURL((u) => u.pathname === '/diag/', { timeout: WAIT_MS });
      expect(new URL(p.url()).origin, next).toBe(origin);
      expect(offsite, next).toEqual([]);
      expect(dialogs, next).toEqual([]);
      await ctx.close();
    }
  });

  it('sends a role the page is not for to the login page, which says so', async () => {
    if (!browser) throw new Error('not started');
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(url('/login/?next=/diag/'));
    // The page leaves for /diag/ and comes straight back: wait for where it ends, not for an answer.
    await p.waitForSelector('#fields:not([disabled])', { timeout: WAIT_MS });
    await p.fill('#name', NURSE.name);
    await p.fill('#password', NURSE.password);
    await p.click('#submit');
    // The nurse is logged in, but diagnostics are for maintenance: back at the login page.
    await p.waitForURL((u) => u.pathname === '/login/' && u.searchParams.has('need'), { timeout: WAIT_MS });
    await p.waitForSelector('#signed-in:not([hidden])', { timeout: WAIT_MS });
    expect(await p.textContent('#notice')).toContain('maintenance');
    expect(await p.textContent('#signed-in-who')).toContain(NURSE.name);
    expect(await p.getAttribute('#continue', 'data-target')).toBe('/nurse/');
    expect(await p.isHidden('#login-form')).toBe(true);
    await ctx.close();
  });

  it('logs out back to the login page, and /diag/ asks for a login again', async () => {
    const token = await sessionCookie(context);
    expect(token).toBeDefined();
    await page.click('.session-logout');
    await page.waitForURL((u) => u.pathname === '/login/', { timeout: WAIT_MS });
    await page.waitForSelector('#fields:not([disabled])', { timeout: WAIT_MS });
    expect(await page.textContent('#notice')).toContain('已退出登录');
    expect(await sessionCookie(context)).toBeUndefined();
    // The old cookie is worth nothing now.
    const res = await fetch(url('/api/session'), { headers: { cookie: `gk_session=${token}` } });
    expect(res.status).toBe(401);

    await page.goto(url('/diag/'));
    await page.waitForURL((u) => u.pathname === '/login/', { timeout: WAIT_MS });
    expect(new URL(page.url()).searchParams.get('next')).toBe('/diag/');
  });

  it('after repeated wrong passwords shows the wait counting down, then takes attempts again', async () => {
    // Five wrong passwords are answered as such; after that the kiosk makes each try wait.
    let attempt = 0;
    let kind: string | null = null;
    while (attempt < 10) {
      attempt++;
      await submitLogin(page, MAINT.name, `wrong-${attempt}`);
      kind = await page.getAttribute('#message', 'data-kind');
      if (kind === 'wait') break;
      expect(kind, `attempt ${attempt}`).toBe('wrong');
    }
    expect(kind).toBe('wait');
    expect(attempt).toBeGreaterThan(5);
    const text = (await page.textContent('#message')) ?? '';
    expect(text).toMatch(/try again in \d+ s/);
    expect(text).toMatch(/请在 \d+ 秒后再试/);
    const remaining = Number(await page.getAttribute('#message', 'data-remaining'));
    expect(remaining).toBeGreaterThanOrEqual(1);
    expect(await page.isDisabled('#submit')).toBe(true);
    await page.screenshot({ path: join(artifacts, 'login.png') });

    // The count reaches zero by itself and the form takes an attempt again.
    await page.waitForSelector('#message[data-kind="ready"]', { timeout: (remaining + 3) * 1000 });
    expect(await page.isEnabled('#submit')).toBe(true);
    expect(page.url()).not.toContain('wrong-');
    expect(pageErrors).toEqual([]);
  });
});

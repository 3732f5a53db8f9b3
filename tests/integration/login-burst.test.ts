import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { UserStore } from '../../kiosk/store/users.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { startTestKiosk, tempDir } from '../helpers/kiosk.ts';

describe('password guesses sent all at once', () => {
  const dir = tempDir('gk-login-burst-');
  let kiosk: RunningKiosk;

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path);
    await new UserStore(kiosk.db).add('wang', 'nurse', 'the-right-password');
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  const login = (password: string) =>
    fetch(`${kiosk.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'wang', password }),
    });

  it('checks at most 5 of 20 and answers the rest 429 with when to try again', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => login(`guess-${i}`)));
    const statuses = answers.map((a) => a.status);
    const checked = statuses.filter((s) => s === 401).length;
    const refused = answers.filter((a) => a.status === 429);
    console.log(`20 parallel wrong passwords: ${checked} checked (401), ${refused.length} refused (429)`);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(checked + refused.length).toBe(20);
    for (const a of refused) {
      expect(a.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(await a.json()).toMatchObject({
        error: {
          code: 'too_many_attempts',
          message: expect.stringMatching(/try again in \d+ s/),
          details: {
            retryAfterS: expect.any(Number),
            zh: expect.stringMatching(/登录失败次数过多，请 \d+ 秒后再试/),
            en: expect.stringMatching(/try again in \d+ s/),
          },
        },
      });
    }
    // Only the checked passwords are in the audit log as failed logins.
    const failed = new AuditLog(kiosk.db)
      .list()
      .filter((e) => e.actor === 'wang' && e.action === 'login_failed');
    expect(failed).toHaveLength(checked);
  });

  it('lets the owner in with the right password once the wait is over', async () => {
    // On a slow machine the first wait may be over by now: that try is then checked (401) and the
    // next one, straight after it, must wait.
    const first = await login('still-wrong');
    const wait = first.status === 429 ? first : await login('still-wrong');
    expect(wait.status).toBe(429);
    const seconds = Number(wait.headers.get('retry-after'));
    expect(seconds).toBeLessThanOrEqual(first.status === 429 ? 2 : 4);
    await new Promise((r) => setTimeout(r, seconds * 1000 + 100));
    const ok = await login('the-right-password');
    expect(ok.status).toBe(200);
    // The right password cleared the account's count: a slip after it is an ordinary 401.
    expect((await login('a-slip')).status).toBe(401);
  });
});

import { describe, expect, it } from 'vitest';
import { LoginThrottle, loginKeys } from '../../kiosk/auth/login-throttle.ts';

/** A throttle on a clock the test moves by hand. */
function throttle(free: number) {
  let now = 1_000_000;
  const t = new LoginThrottle(free, 15 * 60_000, () => now);
  return { t, advance: (ms: number) => (now += ms) };
}

describe('login throttle', () => {
  it('counts a try as it begins, so tries begun together get only the free ones', () => {
    const { t } = throttle(5);
    const keys = ['account:wang'];
    let begun = 0;
    // Twenty tries arrive before any password check has finished.
    for (let i = 0; i < 20; i++) {
      if (t.waitMs(keys) > 0) continue;
      t.begin(keys);
      begun++;
    }
    expect(begun).toBe(5);
    expect(t.waitMs(keys)).toBe(1000);
  });

  it('doubles the wait with each try past the free ones, up to 15 min', () => {
    const { t, advance } = throttle(5);
    const keys = ['account:wang'];
    const waits: number[] = [];
    for (let i = 0; i < 16; i++) {
      advance(t.waitMs(keys));
      t.begin(keys);
      waits.push(t.waitMs(keys));
    }
    expect(waits.slice(0, 7)).toEqual([0, 0, 0, 0, 1000, 2000, 4000]);
    expect(waits.at(-1)).toBe(15 * 60_000);
  });

  it('forgets an account’s tries after a right password, and gives the address its try back', () => {
    const { t } = throttle(2);
    t.begin(['account:wang']);
    t.begin(['account:wang']);
    expect(t.waitMs(['account:wang'])).toBeGreaterThan(0);
    t.succeeded('account:wang');
    expect(t.waitMs(['account:wang'])).toBe(0);

    t.begin(['address:10.0.0.7']);
    t.begin(['address:10.0.0.7']);
    expect(t.waitMs(['address:10.0.0.7'])).toBeGreaterThan(0);
    t.refund('address:10.0.0.7');
    expect(t.waitMs(['address:10.0.0.7'])).toBe(0);
    // The address keeps its other try: one more begins the wait again.
    t.begin(['address:10.0.0.7']);
    expect(t.waitMs(['address:10.0.0.7'])).toBeGreaterThan(0);
  });

  it('never locks the owner out at the kiosk’s own machine for guesses from elsewhere', () => {
    const { t } = throttle(5);
    const remote = loginKeys('wang', '203.0.113.9', false);
    for (let i = 0; i < 40; i++) {
      if (t.waitMs(remote.account) === 0) t.begin(remote.account);
      else t.begin(loginKeys('wang', `203.0.113.${10 + i}`, false).account);
    }
    // Other addresses are held back for the account …
    expect(t.waitMs(loginKeys('wang', '198.51.100.4', false).account)).toBe(15 * 60_000);
    // … but at the gate's own machine the owner logs in at once,
    const here = loginKeys('wang', '127.0.0.1', true);
    expect(t.waitMs(here.account)).toBe(0);
    // where tries have a count of their own.
    for (let i = 0; i < 5; i++) t.begin(here.account);
    expect(t.waitMs(here.account)).toBe(1000);
  });
});

import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isOwnHost } from '../../server/auth/own-host.ts';

describe('the kiosk’s own machine', () => {
  it('is loopback, in any spelling, and every address of its own interfaces', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.1']) {
      expect(isOwnHost(a), a).toBe(true);
    }
    const own = Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((i) => i.address));
    expect(own.length).toBeGreaterThan(0);
    for (const a of own) expect(isOwnHost(a), a).toBe(true);
  });

  it('is not any other address', () => {
    for (const a of [
      '203.0.113.9',
      '::ffff:198.51.100.4',
      '2001:db8::1',
      '127.0.0.1.example',
      '',
      undefined,
    ]) {
      expect(isOwnHost(a), String(a)).toBe(false);
    }
  });
});

import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../../kiosk/store/users.ts';
import { type RunningKiosk, startKiosk } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import { selfSignedCert } from '../helpers/certificates.ts';
import { tempDir } from '../helpers/kiosk.ts';

function httpsJson(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      { method, rejectUnauthorized: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('serving HTTPS with a configured certificate', () => {
  const dir = tempDir('gk-tls-');
  let kiosk: RunningKiosk;

  beforeAll(async () => {
    const { cert, key } = selfSignedCert(dir.path, '127.0.0.1', 'cert');
    const config = join(dir.path, 'kiosk.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        school: { id: 'tls-001', name: 'TLS' },
        server: { tls: { cert, key } },
        lanes: [
          {
            id: '1',
            name: 'one',
            devices: [{ id: 't1', role: 'thermometer', model: 'k3-ascii', port: 'simulated' }],
          },
        ],
        roster: resolve('fixtures/roster/test-roster.csv'),
      }),
    );
    kiosk = await startKiosk({
      configPath: config,
      dataDir: join(dir.path, 'data'),
      port: 0,
      logger: createLogger('silent'),
    });
    await new UserStore(kiosk.db).add('tls-admin', 'admin', 'tls-admin-password');
  });
  afterAll(async () => {
    await kiosk?.stop();
    dir.remove();
  });

  it('answers over TLS with HSTS, and marks the session cookie Secure', async () => {
    const url = kiosk.url;
    expect(url).toMatch(/^https:/);
    const health = await httpsJson(`${url}/healthz`, 'GET');
    expect(health.status).toBe(200);
    expect(String(health.headers['strict-transport-security'])).toMatch(/max-age=/);
    expect(String(health.headers['content-security-policy'])).toMatch(/script-src 'self'/);
    const login = await httpsJson(`${url}/api/session`, 'POST', {
      name: 'tls-admin',
      password: 'tls-admin-password',
    });
    expect(login.status).toBe(200);
    expect(String(login.headers['set-cookie'])).toMatch(/gk_session=.*HttpOnly; SameSite=Strict; Secure/);
  });
});

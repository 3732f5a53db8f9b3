import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../helpers/certificates.ts';
import { gateKiosk } from '../helpers/cli.ts';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';
import { freePort, makeSchool, type SchoolFiles, SchoolKiosk } from '../helpers/school.ts';

interface GateStatus {
  desk: { online: boolean; cursor: number; lastError: string | null };
}

describe('a desk on https with its certificate pinned in the gates’ configs', () => {
  const certs = tempDir('gk-pin-');
  let school: SchoolFiles;
  let other: SchoolFiles;
  let desk: SchoolKiosk;
  let trusting: SchoolKiosk;
  let misled: SchoolKiosk;

  beforeAll(async () => {
    const deskCert = selfSignedCert(certs.path, 'desk.school.local');
    const otherCert = selfSignedCert(certs.path, 'impostor.school.local');
    const deskPort = await freePort();
    school = await makeSchool({
      deskPort,
      gates: [{ id: 'north', name: '北门' }],
      deskTls: deskCert,
      pinnedCert: deskCert.cert,
    });
    other = await makeSchool({
      deskPort,
      gates: [{ id: 'south', name: '南门' }],
      deskTls: deskCert,
      pinnedCert: otherCert.cert,
    });
    const [n] = school.gates as [SchoolFiles['gates'][number]];
    const [s] = other.gates as [SchoolFiles['gates'][number]];
    desk = await SchoolKiosk.begin(school.desk.config, school.desk.data, deskPort);
    [trusting, misled] = await Promise.all([
      SchoolKiosk.begin(n.config, n.data),
      SchoolKiosk.begin(s.config, s.data),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([trusting?.stop(), misled?.stop(), desk?.stop()]);
    school?.remove();
    other?.remove();
    certs.remove();
  });

  it('a gate pinned to the desk’s certificate pulls and pushes over TLS', async () => {
    expect(desk.url).toMatch(/^https:/);
    await waitUntil(
      async () => (await trusting.get<GateStatus>('/api/desk')).desk.cursor > 0,
      15_000,
      'the roster over TLS',
    );
    await trusting.arrive('1', 'S0001', 36.5);
    await waitUntil(
      async () => {
        const o = await trusting.get<{ pending: number; uploadedToday: number }>('/api/outbox');
        return o.pending === 0 && o.uploadedToday > 0;
      },
      10_000,
      'the screening on the desk',
    );
    const list = await gateKiosk([
      'gate',
      'list',
      '--json',
      '--config',
      school.desk.config,
      '--data',
      school.desk.data,
    ]);
    const north = (JSON.parse(list.stdout) as { id: string; lastDrained: string | null }[]).find(
      (g) => g.id === 'north',
    );
    expect(north?.lastDrained).not.toBeNull();
  });

  it('a gate pinned to another certificate refuses the desk and sends nothing', async () => {
    await waitUntil(
      async () => (await misled.get<GateStatus>('/api/desk')).desk.lastError !== null,
      10_000,
      'a refusal',
    );
    const status = (await misled.get<GateStatus>('/api/desk')).desk;
    expect(status.online).toBe(false);
    expect(status.cursor).toBe(0);
    expect(status.lastError).toMatch(/not the pinned/);
  });
});

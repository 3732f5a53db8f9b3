import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedMoment } from '../../kiosk/time/zoned.ts';
import { waitUntil } from '../helpers/kiosk.ts';
import { CuttableLink, freePort, makeSchool, type SchoolFiles, SchoolKiosk } from '../helpers/school.ts';

const TZ = 'Asia/Shanghai';

interface Absence {
  personId: string;
  session: string;
  status: 'open' | 'arrived';
}
interface Completeness {
  session: string;
  cutoffPassed: boolean;
  final: boolean;
  unsynced: { id: string; message: { zh: string; en: string } }[];
}

/** A check whose cut-off is the next whole minute at least 30 s away (school time). */
function checkClosingSoon(): { start: string; cutoff: string; cutoffAt: number; date: string } {
  const cutoffAt = Math.ceil((Date.now() + 30_000) / 60_000) * 60_000;
  const at = zonedMoment(new Date(cutoffAt), TZ);
  const startAt = zonedMoment(new Date(cutoffAt - 30 * 60_000), TZ);
  const start = startAt.date === at.date ? startAt.time : '00:00';
  return { start, cutoff: at.time, cutoffAt, date: at.date };
}

describe('absences at the desk while a gate is cut off across the cut-off', () => {
  const check = checkClosingSoon();
  let school: SchoolFiles;
  let desk: SchoolKiosk;
  let north: SchoolKiosk;
  let south: SchoolKiosk;
  let southLink: CuttableLink;

  beforeAll(async () => {
    const [deskPort, linkPort] = [await freePort(), await freePort()];
    school = await makeSchool({
      deskPort,
      gates: [
        { id: 'north', name: '北门' },
        { id: 'south', name: '南门' },
      ],
      sessions: [{ id: 'morning', name: '晨检', start: check.start, cutoff: check.cutoff }],
      gatePorts: { south: linkPort },
    });
    southLink = await CuttableLink.open(linkPort, deskPort);
    const [n, s] = school.gates as [SchoolFiles['gates'][number], SchoolFiles['gates'][number]];
    desk = await SchoolKiosk.begin(school.desk.config, school.desk.data, deskPort);
    [north, south] = await Promise.all([
      SchoolKiosk.begin(n.config, n.data),
      SchoolKiosk.begin(s.config, s.data),
    ]);
    for (const gate of [north, south]) {
      await waitUntil(
        async () => (await gate.get<{ desk: { cursor: number } }>('/api/desk')).desk.cursor > 0,
        15_000,
        'the roster at the gate',
      );
    }
  }, 90_000);

  afterAll(async () => {
    await Promise.all([north?.stop(), south?.stop(), desk?.stop()]);
    await southLink?.close();
    school?.remove();
  });

  it('says the list is not final, naming the gate and its last sync, and is right once the gate’s records arrive', async () => {
    expect(Date.now()).toBeLessThan(check.cutoffAt - 5_000);
    southLink.sever();
    // Before the cut-off: one pupil through each gate; the south gate's record cannot reach the desk.
    await north.arrive('1', 'S0001', 36.5);
    await south.arrive('2', 'S0004', 36.6);
    await waitUntil(
      async () => (await north.get<{ pending: number }>('/api/outbox')).pending === 0,
      10_000,
      'north sent',
    );
    await waitUntil(
      async () => (await south.get<{ pending: number }>('/api/outbox')).pending > 0,
      10_000,
      'south queued',
    );

    // The cut-off passes; the desk takes its roll call.
    const absences = () => desk.get<Absence[]>(`/api/absences?date=${check.date}&session=morning`);
    await waitUntil(
      async () => (await absences()).length > 0,
      check.cutoffAt - Date.now() + 20_000,
      'the roll call',
    );
    await waitUntil(
      async () =>
        (await desk.get<Completeness[]>(`/api/desk/absences?date=${check.date}`))[0]?.unsynced.every(
          (g) => g.id !== 'north',
        ) ?? false,
      15_000,
      'north heard from after the cut-off',
    );
    const [before] = await desk.get<Completeness[]>(`/api/desk/absences?date=${check.date}&session=morning`);
    expect(before?.cutoffPassed).toBe(true);
    expect(before?.final).toBe(false);
    expect(before?.unsynced.map((g) => g.id)).toEqual(['south']);
    expect(before?.unsynced[0]?.message.zh).toMatch(/^南门 最后同步 \d\d:\d\d · 名单未完成$/);
    const listed = await absences();
    expect(listed.find((a) => a.personId === 'S0001')).toBeUndefined();
    expect(listed.find((a) => a.personId === 'S0004')?.status).toBe('open');

    // The link heals: the south gate's screening arrives and closes the absence it caused.
    southLink.heal();
    await waitUntil(
      async () =>
        (await desk.get<Completeness[]>(`/api/desk/absences?date=${check.date}&session=morning`))[0]
          ?.final === true,
      // The gate tries again within 15 s of its last failure (its backoff towards the desk).
      40_000,
      'the list final',
    );
    const after = await absences();
    expect(after.find((a) => a.personId === 'S0004')?.status).toBe('arrived');
    expect(after.filter((a) => a.status === 'open').map((a) => a.personId)).not.toContain('S0004');
  }, 150_000);
});

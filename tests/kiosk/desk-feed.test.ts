import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Change, ChangeFeed } from '../../kiosk/desk/change-feed.ts';
import { deskUpkeep } from '../../kiosk/desk/desk-upkeep.ts';
import { GateRegistry } from '../../kiosk/desk/gate-registry.ts';
import type { Person } from '../../kiosk/identities/person.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { ReturnCertificateStore } from '../../kiosk/store/return-certificates.ts';
import { tempDir } from '../helpers/kiosk.ts';

const pupil = (id: string, over: Partial<Person> = {}): Person => ({
  id,
  name: `学生${id}`,
  kind: 'student',
  grade: 3,
  className: '2班',
  card: null,
  cards: [`C${id}`],
  guardianPhone: null,
  boarder: false,
  healthCode: 'green',
  healthCodeAt: '2026-11-23T06:00:00.000Z',
  returnCertificateDue: false,
  ...over,
});

const ids = (changes: Change[]) => changes.map((c) => (c.kind === 'person' ? c.person.id : c.kind));

describe("the desk's changes for its gates", () => {
  const dir = tempDir('gk-desk-feed-');
  let db: Db;
  let feed: ChangeFeed;
  beforeEach(() => {
    db = openDatabase(dir.path);
    new GateRegistry(db).add('north', '北门');
    new PeopleStore(db).replaceRoster([pupil('A1'), pupil('A2'), pupil('A3')], 'roster.csv', 'x');
    feed = new ChangeFeed(db);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('starts a gate from the whole roster, then sends each changed person once, as they stand', () => {
    const first = feed.page(0);
    expect(first.snapshot).toBe(true);
    expect(ids(first.changes)).toEqual(['A1', 'A2', 'A3']);
    expect(feed.page(first.next).changes).toEqual([]);
    const certificates = new ReturnCertificateStore(db);
    certificates.require('A2');
    certificates.record('A2', new Date('2026-11-23T07:00:00Z'), null);
    certificates.require('A2');
    const next = feed.page(first.next);
    expect(next.snapshot).toBe(false);
    expect(ids(next.changes)).toEqual(['A2']);
    const a2 = next.changes[0];
    expect(a2?.kind === 'person' && a2.person.returnCertificateDue).toBe(true);
    expect(a2?.kind === 'person' && a2.person.cards).toEqual(['CA2']);
    expect(feed.page(next.next).changes).toEqual([]);
  });

  it('sends a gate only the people a roster re-import changed', () => {
    const first = feed.page(0);
    const people = new PeopleStore(db);
    people.replaceRoster([pupil('A1'), pupil('A2'), pupil('A3')], 'roster.csv', 'y');
    expect(feed.page(first.next).changes).toEqual([]);
    people.replaceRoster([pupil('A1'), pupil('A2', { className: '5班' }), pupil('A3')], 'roster.csv', 'z');
    const next = feed.page(first.next);
    expect(ids(next.changes)).toEqual(['A2']);
    const a2 = next.changes[0];
    expect(a2?.kind === 'person' && a2.person.className).toBe('5班');
  });

  it('sends the whole roster again to a gate whose cursor is older than what the desk keeps', () => {
    const first = feed.page(0);
    new ReturnCertificateStore(db).require('A1');
    const caughtUp = feed.page(first.next).next;
    db.prepare("UPDATE desk_changes SET at = '2026-01-01T00:00:00.000Z'").run();
    new ReturnCertificateStore(db).require('A3');
    const removed = deskUpkeep(db, 30, new Date('2026-11-23T08:00:00Z'));
    expect(removed.changes).toBeGreaterThan(0);
    // A gate that had everything up to the purge goes on with the differences.
    const onward = feed.page(caughtUp);
    expect(onward.snapshot).toBe(false);
    expect(ids(onward.changes)).toEqual(['A3']);
    // One that was away since before them gets the whole roster.
    const away = feed.page(first.next);
    expect(away.snapshot).toBe(true);
    expect(ids(away.changes)).toEqual(['A1', 'A2', 'A3']);
  });
});

import { describe, expect, it } from 'vitest';
import type { IdentityEvent } from '../../drivers/types.ts';
import { interleavings, LaneVisits, type VisitInput, type VisitOutput } from '../../kiosk/lanes/visits.ts';

interface R {
  c: number;
}

const rules = {
  scanWaitMs: 10_000,
  retakeWindowMs: 8_000,
  readingFirstMs: 1_500,
  scanToMeasureMs: 2_500,
  orderGraceMs: 1_000,
  portSkewMs: 50,
};
const scan = (text: string): VisitInput<R> => ({
  kind: 'scan',
  identity: { kind: 'identity', text, source: 'scan' },
});
const reading = (c: number): VisitInput<R> => ({ kind: 'reading', reading: { c } });

/** A lane's visits fed one event at a time (each its own turn), with deadlines fired as time passes. */
function lane(overrides: Partial<typeof rules> = {}) {
  const visits = new LaneVisits<R>({ ...rules, ...overrides }, (r) => r.c < 35);
  const log: string[] = [];
  const say = (outs: VisitOutput<R>[]) => {
    for (const o of outs) log.push(told(o));
  };
  return {
    log,
    at(ms: number, ...inputs: VisitInput<R>[]) {
      for (const input of inputs) say(visits.accept([[input]], ms));
    },
    turn(ms: number, ...streams: VisitInput<R>[][]) {
      say(visits.accept(streams, ms));
    },
    until(ms: number) {
      say(visits.tick(ms));
    },
  };
}

function told(o: VisitOutput<R>): string {
  const who = (i: IdentityEvent) => i.text;
  switch (o.kind) {
    case 'waiting':
      return `waiting ${who(o.identity)}`;
    case 'held':
      return `held ${o.reading.c}`;
    case 'paired':
      return `${who(o.identity)} ${o.reading.c}`;
    case 'no_identity':
      return `nobody ${o.reading.c}`;
    case 'not_measured':
      return `not measured ${who(o.identity)}`;
    case 'ambiguous':
      return `verify [${o.identities.map(who).join(',')}] nobody [${o.readings.map((r) => r.c).join(',')}]${o.cause === 'same_turn' ? ' (same turn)' : ''}`;
    case 'idle':
      return 'idle';
  }
}

describe('a lane as a sequence of visits', () => {
  it('gives a reading to the person whose visit is open, and closes the visit', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(900, reading(36.5));
    l.at(5_000, reading(36.7));
    l.until(6_600);
    expect(l.log).toEqual(['waiting A', 'A 36.5', 'held 36.7', 'nobody 36.7']);
  });

  it('sends a scan squeezed between two readings closer than the ports’ skew to verify: either reading could be theirs', () => {
    // Dense traffic whose scanner port lags: A's reading, then B's (before B's scan reached the
    // kiosk), B's scan 8 ms later, then C's reading 8 ms after that, which must not go on B.
    const l = lane();
    l.at(0, scan('A'));
    l.at(5, reading(36.1));
    l.at(15, reading(36.2));
    l.at(23, scan('B'));
    l.at(31, reading(36.3));
    expect(l.log).toEqual(['waiting A', 'A 36.1', 'nobody 36.2', 'waiting B', 'verify [B] nobody [36.3]']);
  });

  it('pairs a dense stream in order: a scan 5 ms after a reading that went to the person before', () => {
    // 100 people a second, each scan 5 ms after the last reading: every reading went to an open
    // visit, so no reading on nobody could be the next person's, late.
    const l = lane();
    l.at(0, scan('A'));
    l.at(5, reading(36.1));
    l.at(10, scan('B'));
    l.at(15, reading(36.2));
    l.at(20, scan('C'));
    l.at(25, reading(36.3));
    expect(l.log).toEqual(['waiting A', 'A 36.1', 'waiting B', 'B 36.2', 'waiting C', 'C 36.3']);
  });

  it('gives no reading to a scan that came close behind a reading on nobody, however late the next reading is', () => {
    // B's reading reached the kiosk just before B's scan; the thermometer's port then ran 40 ms late,
    // so C's reading comes 50 ms after B's scan, before C's own (late) scan.
    const l = lane();
    l.at(0, scan('A'));
    l.at(1, reading(36.0));
    l.at(8, reading(36.1));
    l.at(9, scan('B'));
    l.at(59, reading(36.2));
    l.at(60, scan('C'));
    expect(l.log).toEqual([
      'waiting A',
      'A 36',
      'nobody 36.1',
      'waiting B',
      'verify [B] nobody [36.2]',
      'waiting C',
    ]);
  });

  it('pairs a scan close behind a hand at the sensor: had the low reading been theirs, they would measure again', () => {
    const l = lane();
    l.at(0, reading(33.0));
    l.at(20, scan('A'));
    l.at(900, reading(36.5));
    expect(l.log).toEqual(['nobody 33', 'waiting A', 'A 36.5']);
  });

  it('once a reading went on nobody, verifies each scan close behind a reading on nobody until a pause', () => {
    // B's scan came after B's reading (its port late): B verifies; C's scan then comes 5 ms after a
    // reading on nobody that could be C's, late, and so on, until someone scans after a pause.
    const l = lane();
    l.at(0, scan('A'));
    l.at(5, reading(36.1));
    l.at(15, reading(36.2));
    l.at(16, scan('B'));
    l.at(25, reading(36.3));
    l.at(30, scan('C'));
    l.at(35, reading(36.4));
    l.at(1_000, scan('D'));
    l.at(1_005, reading(36.5));
    expect(l.log).toEqual([
      'waiting A',
      'A 36.1',
      'nobody 36.2',
      'waiting B',
      'verify [B] nobody [36.3]',
      'waiting C',
      'verify [C] nobody [36.4]',
      'waiting D',
      'D 36.5',
    ]);
  });

  it('pairs the same three events at a gate’s pace: a stray reading, a scan, the pupil’s reading', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(800, reading(36.1));
    l.at(1_200, reading(33.0));
    l.at(1_500, scan('B'));
    l.at(2_300, reading(36.4));
    expect(l.log).toEqual(['waiting A', 'A 36.1', 'nobody 33', 'waiting B', 'B 36.4']);
  });

  it('keeps the visit open after a re-take, so the second reading is the same pupil’s, not the next one’s', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(800, reading(33.9));
    l.at(2_000, reading(38.6));
    l.at(3_000, scan('B'));
    l.at(3_900, reading(36.4));
    expect(l.log).toEqual(['waiting A', 'A 33.9', 'A 38.6', 'waiting B', 'B 36.4']);
  });

  it('closes a re-take window that ran out without a second reading', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(800, reading(33.9));
    l.until(8_800);
    l.at(12_000, reading(36.6));
    l.until(14_000);
    expect(l.log).toEqual(['waiting A', 'A 33.9', 'idle', 'held 36.6', 'nobody 36.6']);
  });

  it('records a scan nobody measured when the next person has scanned and the grace is over', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(2_000, scan('B'));
    l.until(3_000);
    l.at(3_500, reading(36.5));
    expect(l.log).toEqual(['waiting A', 'waiting B', 'not measured A', 'B 36.5']);
  });

  it('records a scan nobody measured within the wait', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.until(10_000);
    expect(l.log).toEqual(['waiting A', 'not measured A']);
  });

  it('sends a scan close behind a reading on nobody to verify, not "not measured", when no reading follows', () => {
    // The reading 20 ms before B's scan may have been B's (the scanner's port late): B was perhaps
    // measured, and must measure again to know.
    const l = lane();
    l.at(0, scan('A'));
    l.at(900, reading(36.1));
    l.at(1_000, reading(36.2));
    l.at(1_020, scan('B'));
    // B is told as soon as they would have measured (scanToMeasureMs), not after the whole wait.
    l.until(3_519);
    expect(l.log.at(-1)).toBe('waiting B');
    l.until(3_520);
    expect(l.log).toEqual(['waiting A', 'A 36.1', 'nobody 36.2', 'waiting B', 'verify [B] nobody []']);
  });

  it('keeps scans close behind readings on nobody late through the grace: a reading after it goes on no one of them', () => {
    // Three readings, then their three scans, all within a few milliseconds (four people written at
    // once by a machine, the thermometer's port first): each reading may be any of theirs.
    const l = lane();
    l.at(0, scan('A'));
    l.at(500, reading(36.0));
    l.at(1_000, reading(36.1));
    l.at(1_001, reading(36.2));
    l.at(1_002, reading(36.3));
    l.at(1_003, scan('B'));
    l.at(1_004, scan('C'));
    l.at(1_005, scan('D'));
    l.until(2_005);
    l.at(3_000, reading(36.4));
    expect(l.log).toEqual([
      'waiting A',
      'A 36',
      'nobody 36.1',
      'nobody 36.2',
      'nobody 36.3',
      'waiting B',
      'waiting C',
      'waiting D',
      'verify [B] nobody []',
      'verify [C] nobody []',
      'verify [D] nobody [36.4]',
    ]);
  });

  it('sends both people to verify when a reading comes inside the grace after a second scan', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(2_000, scan('B'));
    l.at(2_400, reading(38.6));
    l.at(2_900, reading(36.6));
    expect(l.log).toEqual([
      'waiting A',
      'waiting B',
      'verify [A,B] nobody [38.6]',
      'verify [] nobody [36.6]',
    ]);
  });

  it('takes a double scan of the same person as one visit', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(300, scan('A'));
    l.at(900, reading(36.5));
    expect(l.log).toEqual(['waiting A', 'A 36.5']);
  });

  it('pairs a reading with the scan that follows on a quiet lane, once the person has not measured again', () => {
    const l = lane();
    l.at(0, reading(36.5));
    l.at(700, scan('A'));
    expect(l.log).toEqual(['held 36.5', 'waiting A']);
    // Someone who scans takes up to scanToMeasureMs to reach the thermometer: until then, no pair.
    l.until(3_100);
    expect(l.log.at(-1)).toBe('waiting A');
    l.until(3_200);
    expect(l.log.at(-1)).toBe('A 36.5');
  });

  it('never gives the last pupil’s second measurement to the next pupil', () => {
    const l = lane();
    l.at(0, scan('A'));
    l.at(600, reading(36.5));
    l.at(1_400, reading(36.6));
    l.at(2_000, scan('B'));
    l.at(2_800, reading(36.9));
    expect(l.log).toEqual(['waiting A', 'A 36.5', 'nobody 36.6', 'waiting B', 'B 36.9']);
  });

  it('never holds a reading that cannot stand (a hand waved at the sensor) for the next scan', () => {
    const l = lane();
    l.at(0, reading(33.1));
    l.at(500, scan('A'));
    l.at(1_400, reading(36.4));
    expect(l.log).toEqual(['nobody 33.1', 'waiting A', 'A 36.4']);
  });

  it('decides a reading with no scan at once when reading-first is off', () => {
    const l = lane({ readingFirstMs: 0 });
    l.at(0, reading(36.5));
    l.at(200, scan('A'));
    expect(l.log).toEqual(['nobody 36.5', 'waiting A']);
  });

  it('gives the person who scanned the reading they take after their scan, and the held one to nobody', () => {
    // C measured without scanning and walked on; A, next, scans and measures 1.8 s later: the held
    // reading is C's, not A's.
    const l = lane();
    l.at(0, reading(37.9));
    l.at(500, scan('A'));
    l.at(2_300, reading(36.5));
    expect(l.log).toEqual(['held 37.9', 'waiting A', 'nobody 37.9', 'A 36.5']);
  });

  it('does not pair when a second reading comes after a scan closer than the ports’ skew behind the held one', () => {
    const l = lane();
    l.at(0, reading(36.5));
    l.at(20, scan('A'));
    l.at(900, reading(37.9));
    expect(l.log).toEqual(['held 36.5', 'waiting A', 'verify [A] nobody [36.5,37.9]']);
  });

  it('holds no reading for a scan when reading first is off (the config’s default)', () => {
    const l = lane({ readingFirstMs: 0 });
    l.at(0, reading(37.9));
    l.at(500, scan('A'));
    l.at(2_300, reading(36.5));
    expect(l.log).toEqual(['nobody 37.9', 'waiting A', 'A 36.5']);
  });

  it('lets a held reading go to nobody when a second reading comes before any scan', () => {
    const l = lane();
    l.at(0, reading(36.5));
    l.at(400, reading(36.7));
    l.at(600, scan('A'));
    l.at(1_300, reading(36.8));
    expect(l.log).toEqual(['held 36.5', 'nobody 36.5', 'nobody 36.7', 'waiting A', 'A 36.8']);
  });

  describe('events read in one turn from two ports', () => {
    it('decides when every order gives the same answer: a scan and its reading on an idle lane', () => {
      const l = lane();
      l.turn(0, [scan('A')], [reading(36.5)]);
      expect(l.log).toEqual(['waiting A', 'A 36.5']);
    });

    it('sends everyone to verify when the orders disagree: a reading and the next scan after a stall', () => {
      const l = lane();
      l.at(0, scan('A'));
      l.turn(900, [reading(36.5)], [scan('B')]);
      expect(l.log).toEqual(['waiting A', 'verify [A,B] nobody [36.5] (same turn)']);
    });

    it('sends a burst of scans and readings to verify', () => {
      const l = lane();
      l.turn(0, [scan('A'), scan('B'), scan('C')], [reading(36.1), reading(36.2), reading(36.3)]);
      expect(l.log).toEqual(['verify [A,B,C] nobody [36.1,36.2,36.3] (same turn)']);
    });
  });
});

describe('interleavings', () => {
  it('keeps each stream’s order and lists every merge', () => {
    expect(interleavings<number | string>([[1, 2], ['a']], 10)).toEqual([
      [1, 2, 'a'],
      [1, 'a', 2],
      ['a', 1, 2],
    ]);
    const five: (number | string)[][] = [
      [1, 2, 3, 4, 5],
      ['a', 'b', 'c', 'd', 'e'],
    ];
    expect(interleavings(five, 100)).toBeNull();
  });
});

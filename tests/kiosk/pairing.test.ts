import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IdentityEvent, TemperatureEvent } from '../../drivers/types.ts';
import { type Clock, LanePairing, type PairingOutput } from '../../kiosk/lanes/pairing.ts';

const scan = (text: string): IdentityEvent => ({ kind: 'identity', text, source: 'scan' });
const reading = (bodyC: number): TemperatureEvent => ({ kind: 'temperature', bodyC });
const clock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

describe('pairing a scan and a reading on one lane', () => {
  let out: PairingOutput<TemperatureEvent>[];
  let pairing: LanePairing<TemperatureEvent>;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-23T00:00:00Z') });
    out = [];
    pairing = new LanePairing(10_000, (o) => out.push(o), clock);
  });
  afterEach(() => {
    pairing.dispose();
    vi.useRealTimers();
  });
  const paired = () => out.filter((o) => o.kind === 'paired');

  it('pairs a scan followed by a reading, showing the wait in between', () => {
    pairing.onIdentity(scan('S0001'));
    expect(out).toEqual([expect.objectContaining({ kind: 'waiting' })]);
    vi.advanceTimersByTime(3_000);
    pairing.onTemperature(reading(36.6));
    expect(paired()).toEqual([
      expect.objectContaining({ identity: scan('S0001'), temperature: reading(36.6) }),
    ]);
  });

  it('pairs a reading followed by a scan', () => {
    pairing.onTemperature(reading(36.6));
    expect(out).toEqual([]);
    vi.advanceTimersByTime(4_000);
    pairing.onIdentity(scan('S0001'));
    expect(paired()).toEqual([
      expect.objectContaining({ identity: scan('S0001'), temperature: reading(36.6) }),
    ]);
    vi.advanceTimersByTime(20_000);
    expect(paired()).toHaveLength(1);
  });

  it('still pairs exactly at the window edge', () => {
    pairing.onIdentity(scan('S0001'));
    vi.advanceTimersByTime(10_000);
    pairing.onTemperature(reading(36.6));
    expect(paired()).toEqual([expect.objectContaining({ identity: scan('S0001') })]);
  });

  it('does not pair just past the window: the scan expires and the reading has no identity', () => {
    pairing.onIdentity(scan('S0001'));
    vi.advanceTimersByTime(10_001);
    expect(out.map((o) => o.kind)).toEqual(['waiting', 'expired']);
    pairing.onTemperature(reading(36.6));
    vi.advanceTimersByTime(10_001);
    expect(paired()).toEqual([expect.objectContaining({ identity: null, temperature: reading(36.6) })]);
  });

  it('gives out a reading nobody scanned for once its window has passed', () => {
    pairing.onTemperature(reading(38.2));
    vi.advanceTimersByTime(10_000);
    expect(paired()).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(paired()).toEqual([expect.objectContaining({ identity: null, temperature: reading(38.2) })]);
  });

  it('a newer scan replaces a waiting one', () => {
    pairing.onIdentity(scan('S0001'));
    vi.advanceTimersByTime(2_000);
    pairing.onIdentity(scan('S0002'));
    pairing.onTemperature(reading(36.5));
    expect(paired()).toEqual([expect.objectContaining({ identity: scan('S0002') })]);
    vi.advanceTimersByTime(30_000);
    expect(out.filter((o) => o.kind === 'expired')).toHaveLength(0);
  });

  it('a second unclaimed reading releases the first without an identity', () => {
    pairing.onTemperature(reading(36.1));
    pairing.onTemperature(reading(36.2));
    expect(paired()).toEqual([expect.objectContaining({ identity: null, temperature: reading(36.1) })]);
    pairing.onIdentity(scan('S0003'));
    expect(paired()[1]).toEqual(
      expect.objectContaining({ identity: scan('S0003'), temperature: reading(36.2) }),
    );
  });
});

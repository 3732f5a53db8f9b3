import { describe, expect, it } from 'vitest';
import { CalibrationError, estimateBodyC, fitCalibration } from '../../kiosk/thermometry/calibration.ts';
import { LaneThermometry } from '../../kiosk/thermometry/lane-thermometry.ts';
import { defaultPresence, type ForeheadReading, PresenceDetector } from '../../kiosk/thermometry/presence.ts';
import type { Reading } from '../../kiosk/thermometry/reading.ts';

/** A module streaming at `periodMs`: `objectAt(ms)` says what the sensor sees over time. */
function stream(
  detector: { accept(s: { objectC: number; ambientC: number; atMs: number }): void },
  ms: number,
  periodMs: number,
  objectAt: (t: number) => number,
  ambientC = 24,
) {
  for (let t = 0; t <= ms; t += periodMs) detector.accept({ objectC: objectAt(t), ambientC, atMs: t });
}

describe('presence detection on a forehead module', () => {
  const run = (objectAt: (t: number) => number, ms = 6000, periodMs = 70) => {
    const readings: ForeheadReading[] = [];
    stream(new PresenceDetector(defaultPresence, (r) => readings.push(r)), ms, periodMs, objectAt);
    return readings;
  };

  it('measures nobody while only the ambient is seen', () => {
    expect(run(() => 24.2)).toEqual([]);
  });

  it('measures one person once, with the steady value, however long they stay', () => {
    const person = (t: number) => (t < 1000 ? 24 : t < 1300 ? 30 : 34.8 + (t % 140 === 0 ? 0.05 : -0.05));
    const readings = run(person);
    expect(readings).toHaveLength(1);
    expect(readings[0]?.stable).toBe(true);
    expect(readings[0]?.objectC).toBeCloseTo(34.8, 1);
  });

  it('measures two people who come one after the other', () => {
    const two = (t: number) => (t < 500 ? 24 : t < 2000 ? 34.5 : t < 3000 ? 24 : t < 4500 ? 35.2 : 24);
    expect(run(two).map((r) => r.objectC)).toEqual([34.5, 35.2]);
  });

  it('gives an unstable reading for someone who never holds still', () => {
    const fidget = (t: number) => (t < 500 ? 24 : 33 + ((t / 70) % 2) * 1.5);
    const readings = run(fidget);
    expect(readings[0]?.stable).toBe(false);
  });

  it('does not measure twice when the value hovers at the presence edge', () => {
    const edge = (t: number) => (t < 500 ? 24 : t < 2500 ? 34 : 24 + 1.5 * ((t / 70) % 2));
    expect(run(edge)).toHaveLength(1);
  });

  it('keeps up with 115200-baud continuous output (1,280 frames/s) over a long stay', () => {
    const readings = run((t) => (t < 100 ? 24 : 34.6), 60_000, 0.78);
    expect(readings).toHaveLength(1);
  });
});

describe('calibration against a clinical thermometer', () => {
  const points = [
    { objectC: 33.8, clinicalC: 36.4 },
    { objectC: 34.4, clinicalC: 36.8 },
    { objectC: 35.0, clinicalC: 37.2 },
    { objectC: 35.9, clinicalC: 37.9 },
  ];

  it('fits a line through paired readings', () => {
    const fit = fitCalibration(points);
    expect(fit.slope).toBeCloseTo(0.71, 2);
    expect(estimateBodyC(34.4, fit)).toBeCloseTo(36.8, 1);
    expect(fit.residualSdC).toBeLessThan(0.1);
  });

  it('fits only an offset when the forehead values barely differ', () => {
    const fit = fitCalibration([
      { objectC: 34.5, clinicalC: 36.7 },
      { objectC: 34.6, clinicalC: 36.9 },
      { objectC: 34.5, clinicalC: 36.8 },
    ]);
    expect(fit.slope).toBe(1);
    expect(estimateBodyC(34.5, fit)).toBeCloseTo(36.77, 2);
  });

  it('refuses too few or nonsensical pairs', () => {
    expect(() => fitCalibration(points.slice(0, 2))).toThrow(CalibrationError);
    expect(() =>
      fitCalibration([
        { objectC: 33, clinicalC: 38 },
        { objectC: 34, clinicalC: 37 },
        { objectC: 35, clinicalC: 36 },
      ]),
    ).toThrow(/slope/);
  });

  it('uses the nominal forehead offset without a calibration', () => {
    expect(estimateBodyC(34.8, null)).toBe(36.8);
  });
});

describe('a lane thermometer', () => {
  it('passes a body reading through, and estimates from a forehead stream with raw values kept', () => {
    const readings: Reading[] = [];
    const lane = new LaneThermometry({
      presence: defaultPresence,
      calibration: () => ({
        id: 7,
        laneId: '1',
        deviceId: 't1',
        slope: 1,
        intercept: 2.5,
        residualSdC: 0.1,
        points: [],
        at: '',
      }),
      onReading: (r) => readings.push(r),
    });
    lane.accept({ kind: 'temperature', bodyC: 36.6 }, 0);
    for (let t = 0; t < 1500; t += 70) lane.accept({ kind: 'temperature', objectC: 34.5, ambientC: 23 }, t);
    expect(readings).toEqual([
      {
        bodyC: 36.6,
        objectC: null,
        ambientC: null,
        source: 'device_body',
        stable: true,
        calibrationId: null,
      },
      { bodyC: 37, objectC: 34.5, ambientC: 23, source: 'object_estimate', stable: true, calibrationId: 7 },
    ]);
  });
});

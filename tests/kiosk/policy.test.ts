import { describe, expect, it } from 'vitest';
import { decide, type IdentityFinding } from '../../kiosk/policy/decide.ts';
import type { Decision, HealthCode } from '../../kiosk/policy/types.ts';

const now = new Date('2026-11-23T00:30:00Z');
const rules = { feverC: 37.3, minPlausibleC: 35.0, healthStatusMaxAgeH: 24 };
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const person = (code: HealthCode, ageH: number | null, returnCertificateDue = false): IdentityFinding => ({
  kind: 'person',
  personId: 'S0001',
  health: { code, at: ageH === null ? null : hoursAgo(ageH) },
  returnCertificateDue,
});

const cases: [string, number | null, IdentityFinding, Decision, HealthCode][] = [
  ['normal reading, fresh green', 36.6, person('green', 1), 'pass', 'green'],
  ['37.2 is below the threshold', 37.2, person('green', 1), 'pass', 'green'],
  ['37.3 is a fever (≥)', 37.3, person('green', 1), 'fever', 'green'],
  ['float noise at the threshold', 37.29999999, person('green', 1), 'fever', 'green'],
  ['38.5 is a fever', 38.5, person('green', 1), 'fever', 'green'],
  ['35.0 is plausible', 35.0, person('green', 1), 'pass', 'green'],
  ['34.9 is not plausible', 34.9, person('green', 1), 'retake', 'green'],
  ['no reading at all', null, person('green', 1), 'retake', 'green'],
  ['yellow code', 36.5, person('yellow', 1), 'code_yellow', 'yellow'],
  ['red code', 36.5, person('red', 1), 'code_red', 'red'],
  ['red code with fever stays red', 38.0, person('red', 1), 'code_red', 'red'],
  ['fever beats a yellow code', 38.0, person('yellow', 1), 'fever', 'yellow'],
  ['stale green (25 h)', 36.5, person('green', 25), 'verify', 'unknown'],
  ['green exactly at the age limit', 36.5, person('green', 24), 'pass', 'green'],
  ['stale red is still red', 36.5, person('red', 48), 'code_red', 'red'],
  ['unknown status', 36.5, person('unknown', 1), 'verify', 'unknown'],
  ['status with no time', 36.5, person('green', null), 'verify', 'unknown'],
  ['status from the future', 36.5, person('green', -5), 'verify', 'unknown'],
  ['return certificate due', 36.5, person('green', 1, true), 'verify', 'green'],
  ['implausible reading and stale status', 34.0, person('green', 30), 'retake', 'unknown'],
  ['not on the roster', 36.5, { kind: 'unknown', text: 'X1' }, 'unknown_person', 'unknown'],
  ['nobody scanned', 36.5, { kind: 'none' }, 'no_identity', 'unknown'],
  ['nobody scanned, high reading', 38.1, { kind: 'none' }, 'no_identity', 'unknown'],
];

describe('the screening policy', () => {
  it.each(cases)('%s', (_name, temperatureC, identity, decision, healthCode) => {
    const out = decide({ temperatureC, identity, rules, now });
    expect(out.decision).toBe(decision);
    expect(out.healthCode).toBe(healthCode);
  });

  it('says why, in Chinese and English', () => {
    const out = decide({ temperatureC: 37.8, identity: person('green', 30), rules, now });
    expect(out.reasons.map((r) => r.code)).toEqual(['temperature_high', 'status_stale']);
    expect(out.reasons[0]?.zh).toBe('体温 37.8°C ≥ 37.3°C');
    expect(out.reasons[1]?.en).toBe('Health code status is 30 h old');
  });

  it('keeps a high reading among the reasons when nobody scanned', () => {
    const out = decide({ temperatureC: 38.1, identity: { kind: 'none' }, rules, now });
    expect(out.reasons.map((r) => r.code)).toEqual(['no_identity', 'temperature_high']);
  });

  it('asks for a re-take when the reading did not hold steady, unless it was already high', () => {
    const unsteady = (temperatureC: number) =>
      decide({ temperatureC, readingStable: false, identity: person('green', 1), rules, now });
    expect(unsteady(36.5).decision).toBe('retake');
    expect(unsteady(36.5).reasons.map((r) => r.code)).toEqual(['temperature_unstable']);
    expect(unsteady(37.6).decision).toBe('fever');
  });

  it('names the right lane for a pupil at the wrong one, without changing the decision', () => {
    const out = decide({
      temperatureC: 36.5,
      identity: person('green', 1),
      rules,
      now,
      assignedLaneName: '二号通道',
    });
    expect(out.decision).toBe('pass');
    expect(out.reasons).toEqual([{ code: 'wrong_lane', zh: '请走二号通道', en: 'Your lane is 二号通道' }]);
  });

  it('asks to verify a failed signed pass, and still catches a fever', () => {
    const badPass = {
      kind: 'bad_pass' as const,
      reason: { code: 'pass_expired', zh: '通行码已过期', en: 'Pass expired' },
    };
    expect(decide({ temperatureC: 36.5, identity: badPass, rules, now })).toEqual({
      decision: 'verify',
      healthCode: 'unknown',
      reasons: [badPass.reason],
    });
    expect(decide({ temperatureC: 38.0, identity: badPass, rules, now }).decision).toBe('fever');
  });

  it('follows a configured threshold', () => {
    const strict = { ...rules, feverC: 37.0 };
    expect(decide({ temperatureC: 37.0, identity: person('green', 1), rules: strict, now }).decision).toBe(
      'fever',
    );
    expect(decide({ temperatureC: 36.9, identity: person('green', 1), rules: strict, now }).decision).toBe(
      'pass',
    );
  });
});

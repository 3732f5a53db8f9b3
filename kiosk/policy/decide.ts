import type { Rules } from '../config/schema.ts';
import { hundredths, isFever } from './severity.ts';
import type { Decision, HealthCode, Reason } from './types.ts';

export interface HealthStatus {
  code: HealthCode;
  /** When the status was issued; null when nobody knows. */
  at: Date | null;
}

export type IdentityFinding =
  | { kind: 'none' }
  | { kind: 'unknown'; text: string }
  /** A scanned signed pass that failed (bad signature, unknown key, expired, revoked, ...). */
  | { kind: 'bad_pass'; reason: Reason }
  | { kind: 'person'; personId: string; health: HealthStatus; returnCertificateDue: boolean };

export interface PolicyInput {
  temperatureC: number | null;
  /** False when the person did not hold still: a low or normal value then proves nothing. */
  readingStable?: boolean;
  identity: IdentityFinding;
  rules: Pick<Rules, 'feverC' | 'minPlausibleC' | 'healthStatusMaxAgeH'>;
  now: Date;
  /** The lane this person's grade is assigned to, when it is not this one: screened anyway, and told. */
  assignedLaneName?: string | null;
}

export interface PolicyOutcome {
  decision: Decision;
  /** The colour that counted: `unknown` when the status is missing or stale. */
  healthCode: HealthCode;
  reasons: Reason[];
}

/**
 * Whether a reading cannot stand on its own and the person should measure again (too low to be a
 * body, or not held still), unless it already shows a fever. The lane keeps the person's visit open
 * on it, before the rest of the decision is known.
 */
export function readingNeedsRetake(
  temperatureC: number | null,
  stable: boolean,
  rules: Pick<Rules, 'feverC' | 'minPlausibleC'>,
): boolean {
  if (temperatureC !== null && isFever(temperatureC, rules.feverC)) return false;
  return temperatureC === null || hundredths(temperatureC) < hundredths(rules.minPlausibleC) || !stable;
}

/**
 * The screening rule, in one place: a pure function of the reading, the person's status, the rules
 * and the time. Every finding is listed in `reasons`; the decision is the most serious of them.
 */
export function decide(input: PolicyInput): PolicyOutcome {
  const { rules, temperatureC, identity } = input;
  const reasons: Reason[] = [];
  const t = temperatureC === null ? null : temperatureC.toFixed(1);
  const fever = temperatureC !== null && isFever(temperatureC, rules.feverC);
  const tooLow = temperatureC === null || hundredths(temperatureC) < hundredths(rules.minPlausibleC);
  const unstable = input.readingStable === false;
  const implausible = tooLow || unstable;

  if (fever) {
    reasons.push({
      code: 'temperature_high',
      zh: `体温 ${t}°C ≥ ${rules.feverC.toFixed(1)}°C`,
      en: `Temperature ${t} °C ≥ ${rules.feverC.toFixed(1)} °C`,
    });
  } else if (tooLow) {
    reasons.push(
      temperatureC === null
        ? { code: 'temperature_missing', zh: '未测得体温', en: 'No temperature reading' }
        : {
            code: 'temperature_implausible',
            zh: `体温 ${t}°C 低于 ${rules.minPlausibleC.toFixed(1)}°C，读数不可信`,
            en: `Temperature ${t} °C below ${rules.minPlausibleC.toFixed(1)} °C is not plausible`,
          },
    );
  } else if (unstable) {
    reasons.push({
      code: 'temperature_unstable',
      zh: '测温时未保持静止',
      en: 'The reading did not hold steady',
    });
  }

  if (identity.kind === 'none') {
    reasons.unshift({ code: 'no_identity', zh: '测温前未扫码', en: 'No code was scanned for this reading' });
    return { decision: 'no_identity', healthCode: 'unknown', reasons };
  }
  if (identity.kind === 'unknown') {
    reasons.unshift({ code: 'unknown_person', zh: '名单中无此人', en: 'Not on the roster' });
    return { decision: 'unknown_person', healthCode: 'unknown', reasons };
  }
  if (identity.kind === 'bad_pass') {
    reasons.unshift(identity.reason);
    return { decision: fever ? 'fever' : 'verify', healthCode: 'unknown', reasons };
  }

  const { health } = identity;
  const ageH = health.at === null ? null : (input.now.getTime() - health.at.getTime()) / 3_600_000;
  const stale = ageH === null || ageH > rules.healthStatusMaxAgeH || ageH < -1;
  // An old green proves nothing; an old yellow or red still stands until a newer status says otherwise.
  const code: HealthCode = health.code === 'green' && stale ? 'unknown' : health.code;

  if (health.code === 'unknown' || health.at === null) {
    reasons.push({ code: 'status_unknown', zh: '健康码状态未知', en: 'Health code status unknown' });
  } else if (stale) {
    const hours = Math.round(ageH ?? 0);
    reasons.push(
      hours < 0
        ? { code: 'status_future', zh: '健康码时间晚于当前时间', en: 'Health code time is in the future' }
        : {
            code: 'status_stale',
            zh: `健康码状态已过期（${hours} 小时前）`,
            en: `Health code status is ${hours} h old`,
          },
    );
  }
  if (code === 'red') reasons.push({ code: 'code_red', zh: '红码', en: 'Red code' });
  if (code === 'yellow') reasons.push({ code: 'code_yellow', zh: '黄码', en: 'Yellow code' });
  if (identity.returnCertificateDue) {
    reasons.push({ code: 'return_certificate_due', zh: '需出示复课证明', en: 'Return certificate required' });
  }

  if (input.assignedLaneName) {
    reasons.push({
      code: 'wrong_lane',
      zh: `请走${input.assignedLaneName}`,
      en: `Your lane is ${input.assignedLaneName}`,
    });
  }

  let decision: Decision;
  if (code === 'red') decision = 'code_red';
  else if (fever) decision = 'fever';
  else if (code === 'yellow') decision = 'code_yellow';
  else if (implausible) decision = 'retake';
  else if (code === 'unknown' || identity.returnCertificateDue) decision = 'verify';
  else decision = 'pass';
  return { decision, healthCode: code, reasons };
}

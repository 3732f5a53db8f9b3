import { NOMINAL_FOREHEAD_OFFSET_C } from '../../drivers/types.ts';

export interface CalibrationPoint {
  /** The module's forehead (object) reading. */
  objectC: number;
  /** A clinical thermometer's reading of the same person at the same time. */
  clinicalC: number;
}

export interface CalibrationFit {
  slope: number;
  intercept: number;
  /** Standard deviation of the residuals: how far a single estimate may be off. */
  residualSdC: number;
}

export interface Calibration extends CalibrationFit {
  id: number;
  laneId: string;
  deviceId: string;
  points: CalibrationPoint[];
  at: string;
}

export class CalibrationError extends Error {}

/**
 * Least-squares line body = slope × object + intercept through the maintenance staff's pairs. With
 * too little spread in the forehead values a slope means nothing, so only an offset is fitted.
 */
export function fitCalibration(points: readonly CalibrationPoint[]): CalibrationFit {
  if (points.length < 3) throw new CalibrationError('at least 3 paired readings are needed');
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.objectC, 0) / n;
  const my = points.reduce((s, p) => s + p.clinicalC, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.objectC - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.objectC - mx) * (p.clinicalC - my), 0);
  const spread = Math.max(...points.map((p) => p.objectC)) - Math.min(...points.map((p) => p.objectC));
  let slope = spread >= 0.5 && sxx > 0 ? sxy / sxx : 1;
  if (slope < 0.3 || slope > 3) {
    throw new CalibrationError(
      `the readings do not fit a line (slope ${slope.toFixed(2)}): check that each pair is the same person at the same time`,
    );
  }
  slope = Math.round(slope * 10_000) / 10_000;
  const intercept = Math.round((my - slope * mx) * 10_000) / 10_000;
  const residuals = points.map((p) => p.clinicalC - (slope * p.objectC + intercept));
  const residualSdC = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / Math.max(1, n - 2));
  return { slope, intercept, residualSdC: Math.round(residualSdC * 1000) / 1000 };
}

/** Body estimate from a forehead reading: the lane's calibration, or the nominal offset without one. */
export function estimateBodyC(objectC: number, calibration: CalibrationFit | null): number {
  const body = calibration
    ? calibration.slope * objectC + calibration.intercept
    : objectC + NOMINAL_FOREHEAD_OFFSET_C;
  return Math.round(body * 100) / 100;
}

export function calibrationAgeDays(calibration: { at: string }, now: Date): number {
  return (now.getTime() - new Date(calibration.at).getTime()) / 86_400_000;
}

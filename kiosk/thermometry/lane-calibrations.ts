import type { CalibrationStore } from '../store/calibrations.ts';
import {
  type Calibration,
  type CalibrationPoint,
  calibrationAgeDays,
  fitCalibration,
} from './calibration.ts';

export interface CalibrationStatus {
  deviceId: string;
  calibration: Calibration | null;
  ageDays: number | null;
  /** Missing or older than the configured age: the display warns. */
  stale: boolean;
}

/** The calibrations in force, one per lane's forehead thermometer, cached for the per-reading path. */
export class LaneCalibrations {
  private readonly current = new Map<string, Calibration | null>();

  constructor(
    private readonly store: CalibrationStore,
    /** laneId → id of the lane's object-reporting thermometer. */
    private readonly thermometers: ReadonlyMap<string, string>,
    private readonly maxAgeDays: number,
  ) {
    for (const [laneId, deviceId] of thermometers) this.current.set(laneId, store.latest(laneId, deviceId));
  }

  /** Whether the lane's thermometer needs a calibration at all. */
  needs(laneId: string): boolean {
    return this.thermometers.has(laneId);
  }

  get(laneId: string): Calibration | null {
    return this.current.get(laneId) ?? null;
  }

  status(laneId: string, now = new Date()): CalibrationStatus | null {
    const deviceId = this.thermometers.get(laneId);
    if (deviceId === undefined) return null;
    const calibration = this.get(laneId);
    const ageDays = calibration ? Math.round(calibrationAgeDays(calibration, now) * 10) / 10 : null;
    return { deviceId, calibration, ageDays, stale: ageDays === null || ageDays > this.maxAgeDays };
  }

  /** Fits and stores a new calibration from paired readings; it applies from the next reading on. */
  record(laneId: string, points: CalibrationPoint[], at = new Date()): Calibration {
    const deviceId = this.thermometers.get(laneId);
    if (deviceId === undefined) throw new Error(`lane "${laneId}" has no forehead thermometer to calibrate`);
    const calibration = this.store.add(laneId, deviceId, fitCalibration(points), points, at);
    this.current.set(laneId, calibration);
    return calibration;
  }
}

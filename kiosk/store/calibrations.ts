import type { Calibration, CalibrationFit, CalibrationPoint } from '../thermometry/calibration.ts';
import type { Db } from './database.ts';

interface Row {
  id: number;
  lane_id: string;
  device_id: string;
  slope: number;
  intercept: number;
  residual_sd_c: number;
  points: string;
  at: string;
}

/** Thermometer calibrations per lane and device; the newest one counts, older ones are kept. */
export class CalibrationStore {
  constructor(private readonly db: Db) {}

  add(
    laneId: string,
    deviceId: string,
    fit: CalibrationFit,
    points: CalibrationPoint[],
    at = new Date(),
  ): Calibration {
    const info = this.db
      .prepare(
        `INSERT INTO calibrations (lane_id, device_id, slope, intercept, residual_sd_c, points, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        laneId,
        deviceId,
        fit.slope,
        fit.intercept,
        fit.residualSdC,
        JSON.stringify(points),
        at.toISOString(),
      );
    return { id: Number(info.lastInsertRowid), laneId, deviceId, ...fit, points, at: at.toISOString() };
  }

  latest(laneId: string, deviceId: string): Calibration | null {
    const row = this.db
      .prepare('SELECT * FROM calibrations WHERE lane_id = ? AND device_id = ? ORDER BY id DESC LIMIT 1')
      .get(laneId, deviceId) as Row | undefined;
    return row
      ? {
          id: row.id,
          laneId: row.lane_id,
          deviceId: row.device_id,
          slope: row.slope,
          intercept: row.intercept,
          residualSdC: row.residual_sd_c,
          points: JSON.parse(row.points) as CalibrationPoint[],
          at: row.at,
        }
      : null;
  }
}

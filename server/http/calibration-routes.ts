import type { Router } from 'express';
import { z } from 'zod';
import { CalibrationError } from '../../kiosk/thermometry/calibration.ts';
import type { LaneCalibrations } from '../../kiosk/thermometry/lane-calibrations.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { HttpError, parseRequest, said } from './errors.ts';

const body = z
  .object({
    points: z
      .array(
        z.object({ objectC: z.number().min(20).max(45), clinicalC: z.number().min(34).max(43) }).strict(),
      )
      .min(3, said('至少需要 3 组对照读数', 'at least 3 paired readings'))
      .max(100),
  })
  .strict();

/** Lane thermometer calibration: maintenance staff enter forehead readings beside clinical ones. */
export function calibrationRoutes(
  calibrations: LaneCalibrations,
  laneIds: readonly string[],
  onChange: () => void,
): Router {
  const routes = guardedRouter();
  const lane = (laneId: string) => {
    if (!laneIds.includes(laneId)) {
      throw new HttpError(404, 'not_found', { zh: `没有通道“${laneId}”`, en: `no lane "${laneId}"` });
    }
    if (!calibrations.needs(laneId)) {
      throw new HttpError(409, 'not_calibratable', {
        zh: `通道“${laneId}”没有需要校准的额温模块`,
        en: `lane "${laneId}" has no forehead thermometer to calibrate`,
      });
    }
    return laneId;
  };
  routes.get('/api/lanes/:laneId/calibration', 'devices:diagnose', (req, res) => {
    res.json(calibrations.status(lane(req.params.laneId)));
  });
  routes.post('/api/lanes/:laneId/calibration', 'devices:diagnose', (req, res) => {
    const laneId = lane(req.params.laneId);
    const { points } = parseRequest(body, req.body, 'body', { points: '对照读数' });
    try {
      res.status(201).json(calibrations.record(laneId, points));
      onChange();
    } catch (err) {
      if (err instanceof CalibrationError) {
        const zh = `校准无法计算：${err.message}`;
        throw new HttpError(400, 'invalid_calibration', { zh, en: err.message }, [
          { field: 'points', message: err.message, zh, en: err.message },
        ]);
      }
      throw err;
    }
  });
  return routes.router;
}

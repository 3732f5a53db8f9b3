import type { Router } from 'express';
import type { LaneView } from '../../contract/display-events.ts';
import type { Lane } from '../../kiosk/lanes/lane.ts';
import type { LaneCalibrations } from '../../kiosk/thermometry/lane-calibrations.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import type { LaneDevice } from '../devices.ts';
import { laneViews } from '../lane-views.ts';

export function lanesRoutes(
  lanes: readonly Lane[],
  devices: readonly LaneDevice[],
  calibrations: LaneCalibrations,
): Router {
  const routes = guardedRouter();
  routes.get('/api/lanes', 'lanes:read', (_req, res) => {
    res.json(laneViews(lanes, devices, calibrations) satisfies LaneView[]);
  });
  return routes.router;
}

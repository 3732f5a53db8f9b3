import type { LaneView } from '../contract/display-events.ts';
import type { Lane } from '../kiosk/lanes/lane.ts';
import type { LaneCalibrations } from '../kiosk/thermometry/lane-calibrations.ts';
import type { LaneDevice } from './devices.ts';

/** The lanes and their devices' live state, as the contract's `GET /api/lanes` and the display snapshot. */
export function laneViews(
  lanes: readonly Lane[],
  devices: readonly LaneDevice[],
  calibrations: LaneCalibrations,
): LaneView[] {
  return lanes.map((lane) => ({
    id: lane.id,
    name: lane.config.name,
    grades: lane.config.grades,
    devices: devices
      .filter((d) => d.laneId === lane.id)
      .map((d) => {
        const status = d.link.status();
        return {
          id: d.config.id,
          role: d.config.role,
          model: d.config.model,
          simulated: d.simulator !== null,
          state: status.state,
          lastFrameAt: status.lastFrameAt === null ? null : new Date(status.lastFrameAt).toISOString(),
        };
      }),
    calibration: calibrationView(calibrations, lane.id),
  }));
}

function calibrationView(calibrations: LaneCalibrations, laneId: string): LaneView['calibration'] {
  const status = calibrations.status(laneId);
  if (!status) return null;
  return { at: status.calibration?.at ?? null, ageDays: status.ageDays, stale: status.stale };
}

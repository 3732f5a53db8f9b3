import type { TemperatureEvent } from '../../drivers/types.ts';
import { type Calibration, estimateBodyC } from './calibration.ts';
import { PresenceDetector, type PresenceOptions } from './presence.ts';
import type { Reading } from './reading.ts';

export interface LaneThermometryOptions {
  presence: PresenceOptions;
  /** The lane's current calibration for its object-reporting thermometer, if any. */
  calibration: () => Calibration | null;
  onReading: (reading: Reading) => void;
}

/**
 * One lane's thermometer events → readings. A device that reports body temperature gives a reading
 * per event; a module that streams forehead and ambient values goes through presence detection and
 * the lane's calibration, and its raw values are kept beside the estimate.
 */
export class LaneThermometry {
  private readonly presence: PresenceDetector;

  constructor(private readonly opts: LaneThermometryOptions) {
    this.presence = new PresenceDetector(opts.presence, (forehead) => {
      const calibration = opts.calibration();
      opts.onReading({
        bodyC: estimateBodyC(forehead.objectC, calibration),
        objectC: forehead.objectC,
        ambientC: forehead.ambientC,
        source: 'object_estimate',
        stable: forehead.stable,
        calibrationId: calibration?.id ?? null,
      });
    });
  }

  accept(event: TemperatureEvent, atMs: number): void {
    if (event.bodyC !== undefined) {
      this.opts.onReading({
        bodyC: event.bodyC,
        objectC: event.objectC ?? null,
        ambientC: event.ambientC ?? null,
        source: 'device_body',
        stable: true,
        calibrationId: null,
      });
      return;
    }
    if (event.objectC !== undefined && event.ambientC !== undefined) {
      this.presence.accept({ objectC: event.objectC, ambientC: event.ambientC, atMs });
    }
  }
}

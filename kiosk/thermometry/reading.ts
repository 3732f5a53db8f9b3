/** A temperature reading as the lane pairs it: from a device that reports body temperature, or estimated. */
export interface Reading {
  /** Body temperature (reported, or estimated from the forehead); null when there is none. */
  bodyC: number | null;
  /** Raw forehead (object) and ambient values, kept beside the estimate. */
  objectC: number | null;
  ambientC: number | null;
  source: 'device_body' | 'object_estimate';
  /** False when the person did not hold still long enough for a steady reading. */
  stable: boolean;
  /** The lane calibration used for an estimate, if any. */
  calibrationId: number | null;
}

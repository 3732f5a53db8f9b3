import { deviceModel } from '../../drivers/registry.ts';
import type { KioskConfig } from '../config/schema.ts';

/**
 * lane id → the id of its forehead thermometer: a module that reports object and ambient temperature,
 * whose body estimate is calibrated per lane. Lanes whose thermometer reports body temperature have none.
 */
export function foreheadThermometers(lanes: KioskConfig['lanes']): Map<string, string> {
  const found = new Map<string, string>();
  for (const lane of lanes) {
    const thermometer = lane.devices.find((d) => deviceModel(d.model).reports === 'object');
    if (thermometer) found.set(lane.id, thermometer.id);
  }
  return found;
}

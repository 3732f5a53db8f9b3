import { em18Model } from './card/em18.ts';
import { rdm6300Model } from './card/rdm6300.ts';
import type { DeviceModel } from './model.ts';
import { lcusRelayModel } from './relay/lcus-relay.ts';
import { gm65Model } from './scanner/gm65.ts';
import { lineScannerModel } from './scanner/line-scanner.ts';
import { zebraSsiModel } from './scanner/zebra-ssi.ts';
import { cjmcu90614Model } from './thermometer/cjmcu-90614.ts';
import { gd60914Model } from './thermometer/gd60914.ts';
import { gyMcu90614Model } from './thermometer/gy-mcu90614.ts';
import { idc50Model } from './thermometer/idc50.ts';
import { k3AsciiModel } from './thermometer/k3-ascii.ts';

export type { DeviceModel } from './model.ts';

/** Every device model gate-kiosk speaks, keyed by the name the config and fixtures use. */
export const deviceModels = {
  'gy-mcu90614': gyMcu90614Model,
  'cjmcu-90614': cjmcu90614Model,
  idc50: idc50Model,
  'k3-ascii': k3AsciiModel,
  gd60914: gd60914Model,
  'line-scanner': lineScannerModel,
  'zebra-ssi': zebraSsiModel,
  gm65: gm65Model,
  rdm6300: rdm6300Model,
  em18: em18Model,
  'lcus-relay': lcusRelayModel,
} satisfies Record<string, DeviceModel>;

export type DeviceModelName = keyof typeof deviceModels;

export const deviceModelNames = Object.keys(deviceModels) as DeviceModelName[];

export function isDeviceModelName(name: string): name is DeviceModelName {
  return Object.hasOwn(deviceModels, name);
}

export function deviceModel(name: DeviceModelName): DeviceModel {
  return deviceModels[name];
}

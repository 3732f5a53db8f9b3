import type { DeviceModel } from './model.ts';
import { createLineScannerCodec, createLineScannerSimulator } from './scanner/line-scanner.ts';
import { createK3AsciiCodec, createK3AsciiSimulator } from './thermometer/k3-ascii.ts';

export type { DeviceModel } from './model.ts';

/** Every device model gate-kiosk speaks, keyed by the name the config uses. */
export const deviceModels = {
  'k3-ascii': {
    role: 'thermometer',
    label: 'K3 Pro thermometer (ASCII lines)',
    defaultBaudRate: 115200,
    reports: 'body',
    createCodec: () => createK3AsciiCodec(),
    createSimulator: (opts) => createK3AsciiSimulator(opts),
  },
  'line-scanner': {
    role: 'scanner',
    label: 'Barcode/QR scanner, text lines (Honeywell, Datalogic, Newland)',
    defaultBaudRate: 9600,
    createCodec: () => createLineScannerCodec(),
    createSimulator: (opts) => createLineScannerSimulator(opts),
  },
} satisfies Record<string, DeviceModel>;

export type DeviceModelName = keyof typeof deviceModels;

export const deviceModelNames = Object.keys(deviceModels) as DeviceModelName[];

export function isDeviceModelName(name: string): name is DeviceModelName {
  return Object.hasOwn(deviceModels, name);
}

export function deviceModel(name: DeviceModelName): DeviceModel {
  return deviceModels[name];
}

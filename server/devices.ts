import { type DeviceModelName, deviceModel } from '../drivers/registry.ts';
import { SimulatedDevice } from '../drivers/simulated-device.ts';
import { DeviceLink } from '../drivers/transport/device-link.ts';
import { openRealPort, type PortFactory, SimulatedPorts } from '../drivers/transport/port-factory.ts';
import type { DeviceConfig, KioskConfig } from '../kiosk/config/schema.ts';

export interface LaneDevice {
  laneId: string;
  config: DeviceConfig;
  link: DeviceLink;
  /** Present when the config says `port: simulated`. */
  simulator: SimulatedDevice | null;
}

export interface DeviceSetOptions {
  openRealPort?: PortFactory;
  /** Seed for simulated devices' chunking, so runs can be repeated. */
  seed?: number;
}

/** Builds every configured device: a link over a real port, or over a simulated one with its simulator. */
export function buildDevices(config: KioskConfig, opts: DeviceSetOptions = {}): LaneDevice[] {
  const ports = new SimulatedPorts();
  const devices: LaneDevice[] = [];
  let n = 0;
  for (const lane of config.lanes) {
    for (const device of lane.devices) {
      const model = deviceModel(device.model as DeviceModelName);
      const simulated = device.port === 'simulated';
      const path = simulated
        ? `simulated:${config.school.id}/${lane.id}/${device.id}/${process.pid}`
        : device.port;
      if (simulated) ports.create(path);
      const link = new DeviceLink({
        deviceId: device.id,
        path,
        baudRate: device.baudRate ?? model.defaultBaudRate,
        codec: model.createCodec(),
        openPort: simulated ? ports.factory : (opts.openRealPort ?? openRealPort),
      });
      const simulator = simulated
        ? new SimulatedDevice(ports, path, model.createSimulator({ seed: (opts.seed ?? Date.now()) + n++ }))
        : null;
      devices.push({ laneId: lane.id, config: device, link, simulator });
    }
  }
  return devices;
}

import { explainDetail } from '../../drivers/transport/link-detail.ts';
import type { PortFactory } from '../../drivers/transport/port-factory.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import type { PersonDirectory } from '../../kiosk/identities/directory.ts';
import type { Lane } from '../../kiosk/lanes/lane.ts';
import { attachBarriers } from '../barrier.ts';
import { buildDevices } from '../devices.ts';
import type { Logger } from '../logger.ts';
import { startAutoArrivals } from '../simulation/auto-arrivals.ts';
import type { Part } from './part.ts';

export interface DevicesOptions {
  openRealPort?: PortFactory;
  /** Seed for simulated devices (else the config's `simulation.seed`). */
  seed?: number;
}

/**
 * The devices: each port (or simulated device) feeding its lane, the barrier relays, and the
 * simulated arrivals of a demo. Started after the lanes, stopped before them.
 */
export function buildDevicesPart(
  config: KioskConfig,
  lanes: readonly Lane[],
  directory: PersonDirectory,
  opts: DevicesOptions,
  log: Logger,
) {
  const seed = opts.seed ?? config.simulation.seed;
  const deviceSet = buildDevices(config, {
    ...(opts.openRealPort ? { openRealPort: opts.openRealPort } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  const devices = deviceSet.devices;
  for (const d of devices) {
    const lane = lanes.find((l) => l.id === d.laneId);
    const devLog = log.child({ lane: d.laneId, device: d.config.id });
    const deviceId = d.config.id;
    d.link.on('event', (event, stamp) => lane?.accept(event, { deviceId, ...stamp }));
    d.link.on('state', (state, detail) =>
      devLog.info(
        { zh: `设备状态：${explainDetail(state, detail, d.config.role).zh}`, state, detail },
        'device state',
      ),
    );
  }
  let stopBarriers = () => {};
  let stopArrivals = () => {};
  const part: Part = {
    name: 'devices',
    start() {
      deviceSet.start();
      stopBarriers = attachBarriers(lanes, devices, log);
      stopArrivals = startAutoArrivals({
        perMinute: config.simulation.autoArrivalsPerMin,
        devices,
        directory,
      });
    },
    async stop() {
      stopArrivals();
      stopBarriers();
      await deviceSet.stop();
    },
  };
  return { part, devices };
}

import { readFileSync } from 'node:fs';
import { deviceModel } from '../drivers/registry.ts';
import { parseTranscript } from '../drivers/replay.ts';
import { SimulatedDevice } from '../drivers/simulated-device.ts';
import { DeviceLink } from '../drivers/transport/device-link.ts';
import { openRealPort, type PortFactory, SimulatedPorts } from '../drivers/transport/port-factory.ts';
import type { PortSpec } from '../drivers/transport/port-locator.ts';
import { SerialReaderThread } from '../drivers/transport/serial-reader-thread.ts';
import { threadedPorts } from '../drivers/transport/threaded-port.ts';
import type { CodecOptions } from '../drivers/types.ts';
import type { DeviceConfig, KioskConfig } from '../kiosk/config/schema.ts';
import { startWorker } from '../kiosk/threads/start-worker.ts';

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

export interface DeviceSet {
  devices: LaneDevice[];
  start(): void;
  stop(): Promise<void>;
}

/**
 * Builds every configured device: a link over a real port (by path or USB ids), or over a simulated
 * port fed by the model's simulator or a recorded transcript.
 */
export function buildDevices(config: KioskConfig, opts: DeviceSetOptions = {}): DeviceSet {
  const ports = new SimulatedPorts();
  // Real ports on Linux are read on their own thread, so the order of their bytes is known even
  // while the main thread is busy (drivers/transport/read-stamp.ts).
  const reader =
    process.platform === 'linux'
      ? new SerialReaderThread(() =>
          startWorker(new URL('./serial-reader', import.meta.url), import.meta.url, {
            name: 'serial reader',
          }),
        )
      : null;
  const realPorts = opts.openRealPort ?? (reader ? threadedPorts(reader) : openRealPort);
  const devices: LaneDevice[] = [];
  let n = 0;
  for (const lane of config.lanes) {
    for (const device of lane.devices) {
      const model = deviceModel(device.model);
      const simulated = device.port === 'simulated';
      const codecOptions: CodecOptions = {
        ...(device.cardFormat ? { cardFormat: device.cardFormat } : {}),
        ...(device.debounceMs !== undefined ? { debounceMs: device.debounceMs } : {}),
      };
      let port: PortSpec;
      if (simulated) {
        port = { path: `simulated:${config.school.id}/${lane.id}/${device.id}/${process.pid}` };
        ports.create(port.path);
      } else if (device.usb) port = { usb: device.usb };
      else port = { path: device.port ?? '' };
      const link = new DeviceLink({
        deviceId: device.id,
        port,
        baudRate: device.baudRate ?? model.defaultBaudRate,
        codec: model.createCodec(codecOptions),
        openPort: simulated ? ports.factory : realPorts,
        ...(model.commands ? { commands: model.commands } : {}),
        ...(model.silenceTimeoutMs && !device.transcript ? { silenceTimeoutMs: model.silenceTimeoutMs } : {}),
        ...(simulated ? { pathExists: () => true } : {}),
      });
      let simulator: SimulatedDevice | null = null;
      if (simulated && 'path' in port) {
        simulator = new SimulatedDevice(
          ports,
          port.path,
          model.createSimulator({ ...codecOptions, seed: (opts.seed ?? Date.now()) + n++ }),
        );
        const sim = simulator;
        link.on('tx', (bytes) => sim.hostWrote(bytes));
      }
      devices.push({ laneId: lane.id, config: device, link, simulator });
    }
  }
  return {
    devices,
    start() {
      for (const d of devices) {
        d.link.start();
        if (!d.simulator) continue;
        if (d.config.transcript) {
          const transcript = parseTranscript(readFileSync(d.config.transcript, 'utf8'));
          void d.simulator.playTranscript(transcript, true);
        } else d.simulator.start();
      }
    },
    async stop() {
      for (const d of devices) d.simulator?.stop();
      await Promise.all(devices.map((d) => d.link.stop()));
      await reader?.stop();
    },
  };
}

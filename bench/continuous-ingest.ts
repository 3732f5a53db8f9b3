import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { encodeGyMcu90614Frame } from '../drivers/thermometer/gy-mcu90614.ts';
import { startKiosk } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { concat } from '../tests/helpers/gate-load.ts';

export interface IngestFigures {
  lanes: number;
  framesPerSPerLane: number;
  framesSent: number;
  framesDecoded: number;
  keptUp: boolean;
  cpuPercentOfOneCore: number;
  eventLoopDelayP99Ms: number;
  readingsMeasured: number;
}

/** 115200 baud 8N1 carries 11,520 bytes/s: 1,280 nine-byte frames. */
const FRAMES_PER_S = 1280;
const TICK_MS = 10;

/**
 * 16 lanes of GY-MCU90614 modules in continuous mode at the wire's limit, each seeing a person step
 * up and away every 3 s, through the simulated serial port, the codec, presence detection and the
 * lanes: how much of one core it takes, and whether every frame was decoded.
 */
export async function measureContinuousIngest(
  lanes: number,
  dir: string,
  durationMs: number,
): Promise<IngestFigures> {
  const configPath = join(dir, `ingest-${lanes}.yaml`);
  writeFileSync(
    configPath,
    JSON.stringify({
      school: { id: 'ingest', name: 'Ingest' },
      rules: { pairWindowS: 2, decisionHoldS: 1 },
      lanes: Array.from({ length: lanes }, (_, i) => ({
        id: `${i + 1}`,
        name: `lane ${i + 1}`,
        devices: [
          { id: `t${i + 1}`, role: 'thermometer', model: 'gy-mcu90614', port: 'simulated', baudRate: 115200 },
        ],
      })),
    }),
  );
  const kiosk = await startKiosk({
    configPath,
    dataDir: join(dir, `ingest-data-${lanes}`),
    port: 0,
    logger: createLogger('silent'),
  });
  let readings = 0;
  for (const lane of kiosk.lanes) lane.on('screened', () => readings++);
  const thermometers = kiosk.devices.filter((d) => d.config.role === 'thermometer');
  // The simulators' own idle stream would add frames we do not count.
  for (const t of thermometers) t.simulator?.stop();
  while (thermometers.some((t) => !t.link.isOpen)) await new Promise((r) => setTimeout(r, 5));
  const framesBefore = thermometers.map((t) => t.link.status().counters.frames);

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  while (performance.now() - t0 < durationMs) {
    const elapsed = performance.now() - t0;
    // Keep to the wire's rate whatever the timer jitter: send what is due by now.
    const n = Math.floor((elapsed / 1000) * FRAMES_PER_S) - sent;
    const phase = elapsed % 3000;
    const objectC = phase > 1000 && phase < 2200 ? 34.6 + Math.random() * 0.1 : 23.5 + Math.random() * 0.2;
    const chunk = concat(Array.from({ length: n }, () => encodeGyMcu90614Frame(objectC, 23.4)));
    for (const t of thermometers) t.simulator?.inject(chunk);
    sent += n;
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  const sendingMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 100));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  loopDelay.disable();
  const decoded = thermometers.reduce(
    (s, t, i) => s + t.link.status().counters.frames - (framesBefore[i] ?? 0),
    0,
  );
  await kiosk.stop();
  return {
    lanes,
    framesPerSPerLane: Math.round((sent / sendingMs) * 1000),
    framesSent: sent * thermometers.length,
    framesDecoded: decoded,
    keptUp: decoded === sent * thermometers.length,
    cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
    eventLoopDelayP99Ms: Math.round((loopDelay.percentile(99) / 1e6) * 100) / 100,
    readingsMeasured: readings,
  };
}

import type { Router } from 'express';
import { z } from 'zod';
import { guardedRouter } from '../auth/guarded-router.ts';
import type { LaneDevice } from '../devices.ts';
import { HttpError, parseRequest, said } from './errors.ts';

const arrival = z
  .object({
    identity: z.string().min(1).max(2048).optional(),
    temperatureC: z.number().min(20).max(45).optional(),
  })
  .strict()
  .refine((a) => a.identity !== undefined || a.temperatureC !== undefined, {
    message: said('请给出 identity、temperatureC 或两者', 'give identity, temperatureC or both'),
  });

/** Pause between the scan and the reading, as a person steps from scanner to thermometer. */
const STEP_MS = 150;

/** `POST /api/sim/lanes/:laneId/arrivals`: simulated devices put a person's real frames on the wire. */
export function simRoutes(devices: readonly LaneDevice[]): Router {
  const routes = guardedRouter();
  routes.post('/api/sim/lanes/:laneId/arrivals', 'sim:drive', (req, res) => {
    const laneId = req.params.laneId;
    const laneDevices = devices.filter((d) => d.laneId === laneId);
    if (laneDevices.length === 0) {
      throw new HttpError(404, 'not_found', { zh: `没有通道“${laneId}”`, en: `no lane "${laneId}"` });
    }
    const body = parseRequest(arrival, req.body ?? {}, 'body');
    const scanner = laneDevices.find((d) => d.config.role === 'scanner' || d.config.role === 'card-reader');
    const thermometer = laneDevices.find((d) => d.config.role === 'thermometer');
    for (const [wanted, device, what] of [
      [body.identity, scanner, 'scanner'],
      [body.temperatureC, thermometer, 'thermometer'],
    ] as const) {
      if (wanted === undefined) continue;
      const whatZh = what === 'scanner' ? '扫码器' : '测温枪';
      if (!device) {
        throw new HttpError(409, 'no_device', {
          zh: `通道“${laneId}”没有${whatZh}`,
          en: `lane "${laneId}" has no ${what}`,
        });
      }
      if (!device.simulator) {
        throw new HttpError(409, 'real_device', {
          zh: `通道“${laneId}”的${whatZh}“${device.config.id}”是真实设备，不能模拟`,
          en: `lane "${laneId}" ${what} "${device.config.id}" is a real device`,
        });
      }
    }
    if (body.identity !== undefined) scanner?.simulator?.play({ kind: 'scan', text: body.identity });
    if (body.temperatureC !== undefined) {
      const bodyC = body.temperatureC;
      const delay = body.identity !== undefined ? STEP_MS : 0;
      setTimeout(() => thermometer?.simulator?.play({ kind: 'measure', bodyC }), delay);
    }
    res.status(202).json({ laneId, accepted: true });
  });
  return routes.router;
}

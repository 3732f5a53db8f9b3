import type { Router } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Lane } from '../../kiosk/lanes/lane.ts';
import type { OutboxStatus } from '../../kiosk/upload/uploader.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import type { LaneDevice } from '../devices.ts';
import { registerOutboxMetrics } from './outbox-routes.ts';

const codecCounters = ['frames', 'badChecksums', 'bytesSkipped', 'resyncs', 'oversize'] as const;
const metricName: Record<(typeof codecCounters)[number], string> = {
  frames: 'frames',
  badChecksums: 'bad_checksums',
  bytesSkipped: 'bytes_skipped',
  resyncs: 'resyncs',
  oversize: 'oversize_frames',
};

/** `GET /metrics` in Prometheus text format: device states and counters, decisions, the outbox. */
export function metricsRoutes(
  lanes: readonly Lane[],
  devices: readonly LaneDevice[],
  uploadStatus: () => OutboxStatus,
): Router {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'gate_kiosk_' });
  const labels = (d: LaneDevice) => ({ lane: d.laneId, device: d.config.id, model: d.config.model });
  const deviceLabels = ['lane', 'device', 'model'] as const;

  new Gauge({
    name: 'gate_kiosk_device_up',
    help: '1 when the device is online, 0 when offline or in error',
    labelNames: deviceLabels,
    registers: [register],
    collect() {
      for (const d of devices) this.set(labels(d), d.link.status().state === 'online' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gate_kiosk_device_error',
    help: '1 when the device is in error (open but failing or silent)',
    labelNames: deviceLabels,
    registers: [register],
    collect() {
      for (const d of devices) this.set(labels(d), d.link.status().state === 'error' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gate_kiosk_device_last_frame_age_seconds',
    help: 'Seconds since the device last sent a valid frame (absent before the first)',
    labelNames: deviceLabels,
    registers: [register],
    collect() {
      this.reset();
      for (const d of devices) {
        const at = d.link.status().lastFrameAt;
        if (at !== null) this.set(labels(d), (Date.now() - at) / 1000);
      }
    },
  });
  for (const key of codecCounters) {
    new Counter({
      name: `gate_kiosk_device_${metricName[key]}_total`,
      help: `Codec counter ${key} per device`,
      labelNames: deviceLabels,
      registers: [register],
      collect() {
        this.reset();
        for (const d of devices) this.inc(labels(d), d.link.status().counters[key]);
      },
    });
  }
  new Counter({
    name: 'gate_kiosk_device_reconnects_total',
    help: 'Times a device came back after its port was lost',
    labelNames: deviceLabels,
    registers: [register],
    collect() {
      this.reset();
      for (const d of devices) this.inc(labels(d), d.link.status().reconnects);
    },
  });
  new Counter({
    name: 'gate_kiosk_lane_order_unknown_total',
    help: 'Times a lane could not tell the order of scans and readings and sent the people involved to verify',
    labelNames: ['lane', 'cause'] as const,
    registers: [register],
    collect() {
      this.reset();
      for (const lane of lanes) {
        for (const [cause, n] of Object.entries(lane.orderUnknownBy)) this.inc({ lane: lane.id, cause }, n);
      }
    },
  });
  const decisions = new Counter({
    name: 'gate_kiosk_screenings_total',
    help: 'Screenings decided since start, by lane and decision',
    labelNames: ['lane', 'decision'] as const,
    registers: [register],
  });
  for (const lane of lanes) {
    lane.on('screened', ({ record }) => decisions.inc({ lane: lane.id, decision: record.decision }));
  }
  registerOutboxMetrics(register, uploadStatus);

  const routes = guardedRouter();
  routes.get('/metrics', 'loopback-or-token', async (_req, res) => {
    res.type(register.contentType).send(await register.metrics());
  });
  return routes.router;
}

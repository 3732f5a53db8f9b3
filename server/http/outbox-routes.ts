import type { Router } from 'express';
import { Gauge, type Registry } from 'prom-client';
import type { RejectedRecord } from '../../kiosk/upload/outbox.ts';
import type { OutboxStatus } from '../../kiosk/upload/uploader.ts';
import { guardedRouter } from '../auth/guarded-router.ts';
import { HttpError } from './errors.ts';

/** What the routes need of the uploader. */
export interface OutboxView {
  status(): OutboxStatus;
  rejected(limit?: number): RejectedRecord[];
  requeue(recordId: string): boolean;
}

/**
 * `GET /api/outbox`: the upload status (the display's connectivity indicator reads it);
 * `GET /api/outbox/rejected`: records the district refused, with its reason;
 * `POST /api/outbox/rejected/:recordId/retry`: sends one of them again, once someone has looked at it.
 */
export function outboxRoutes(outbox: OutboxView): Router {
  const routes = guardedRouter();
  routes.get('/api/outbox', 'outbox:read', (_req, res) => {
    res.json(outbox.status());
  });
  routes.get('/api/outbox/rejected', 'outbox:read', (_req, res) => {
    res.json(outbox.rejected());
  });
  routes.post('/api/outbox/rejected/:recordId/retry', 'users:manage', (req, res) => {
    const recordId = req.params.recordId;
    if (!outbox.requeue(recordId)) {
      throw new HttpError(404, 'not_found', {
        zh: `待上报队列中没有被退回的记录“${recordId}”`,
        en: `no rejected record "${recordId}" in the outbox`,
      });
    }
    res.json({ recordId, status: 'pending' });
  });
  return routes.router;
}

/** The outbox in `/metrics`: queue sizes and whether the district is reachable. */
export function registerOutboxMetrics(register: Registry, status: () => OutboxStatus): void {
  let current: OutboxStatus | null = null;
  const read = (): OutboxStatus => {
    current ??= status();
    queueMicrotask(() => {
      current = null;
    });
    return current;
  };
  const gauge = (name: string, help: string, value: (s: OutboxStatus) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [register],
      collect() {
        this.reset();
        const v = value(read());
        if (v !== null) this.set(v);
      },
    });
  gauge('gate_kiosk_outbox_pending', 'Records waiting for upload to the district', (s) => s.pending);
  gauge(
    'gate_kiosk_outbox_rejected',
    'Records the district rejected, kept aside with its reason',
    (s) => s.failed,
  );
  gauge('gate_kiosk_outbox_uploaded_today', 'Records the district took today', (s) => s.uploadedToday);
  gauge('gate_kiosk_upload_online', '1 when the last upload attempt reached the district', (s) =>
    s.online ? 1 : 0,
  );
  gauge('gate_kiosk_upload_last_success_timestamp_seconds', 'When an upload last succeeded', (s) =>
    s.lastSuccessAt ? Date.parse(s.lastSuccessAt) / 1000 : null,
  );
  gauge(
    'gate_kiosk_upload_offline_seconds',
    'How long the district has been unreachable (0 when online)',
    (s) => (s.offlineSince ? (Date.now() - Date.parse(s.offlineSince)) / 1000 : 0),
  );
  gauge(
    'gate_kiosk_storage_fault',
    '1 when records cannot be written (disk full, read-only, failing)',
    (s) => (s.storage ? 1 : 0),
  );
}

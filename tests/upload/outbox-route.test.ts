import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { StorageHealth } from '../../kiosk/store/storage-health.ts';
import { Outbox } from '../../kiosk/upload/outbox.ts';
import { Uploader } from '../../kiosk/upload/uploader.ts';
import { errorHandler, notFound } from '../../server/http/errors.ts';
import { outboxRoutes, registerOutboxMetrics } from '../../server/http/outbox-routes.ts';
import { createLogger } from '../../server/logger.ts';
import { actAs, TEST_CSRF } from '../helpers/access.ts';
import { tempDir } from '../helpers/kiosk.ts';
import { insertOutboxRows } from './records.ts';

describe('GET /api/outbox and the rejected records', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let outbox: Outbox;
  let uploader: Uploader;
  let storage: StorageHealth;
  let server: Server;
  let url: string;

  beforeEach(async () => {
    dir = tempDir('gk-route-');
    db = openDatabase(dir.path);
    outbox = new Outbox(db, 'Asia/Shanghai');
    storage = new StorageHealth();
    uploader = new Uploader({ outbox, endpoint: null, schoolId: 's', kioskId: 'k', batchSize: 10, storage });
    const app = express();
    actAs(app, 'admin');
    app.use(outboxRoutes(uploader));
    app.use(notFound);
    app.use(errorHandler(createLogger('silent')));
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    db.close();
    dir.remove();
  });

  it('reports the queue and the link in the contract fields', async () => {
    insertOutboxRows(db, 4);
    const status = await (await fetch(`${url}/api/outbox`)).json();
    expect(status).toMatchObject({
      pending: 4,
      failed: 0,
      uploadedToday: 0,
      lastSuccessAt: null,
      online: false,
      lastError: 'no upload endpoint in the config (upload.endpoint)',
    });
  });

  it('lists rejected records with the reason, and sends one again on request', async () => {
    const [id] = insertOutboxRows(db, 1);
    const [row] = outbox.pendingAfter(null, 1);
    outbox.markRejected([{ seq: row?.seq as number, reason: 'data.decision: Invalid option' }]);
    expect(await (await fetch(`${url}/api/outbox`)).json()).toMatchObject({ pending: 0, failed: 1 });
    expect(await (await fetch(`${url}/api/outbox/rejected`)).json()).toEqual([
      {
        recordId: id,
        kind: 'screening',
        at: expect.any(String),
        reason: 'data.decision: Invalid option',
        attempts: 1,
      },
    ]);
    const retry = await fetch(`${url}/api/outbox/rejected/${id}/retry`, {
      method: 'POST',
      headers: { 'x-csrf-token': TEST_CSRF },
    });
    expect(retry.status).toBe(200);
    expect(await (await fetch(`${url}/api/outbox`)).json()).toMatchObject({ pending: 1, failed: 0 });
    expect(
      (
        await fetch(`${url}/api/outbox/rejected/${id}/retry`, {
          method: 'POST',
          headers: { 'x-csrf-token': TEST_CSRF },
        })
      ).status,
    ).toBe(404);
  });

  it('says in the status, and in /metrics, when records cannot be written', async () => {
    const err = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(storage.note(err)?.message.zh).toMatch(/存储空间已满/);
    const status = await (await fetch(`${url}/api/outbox`)).json();
    expect(status.storage).toMatchObject({ code: 'full', message: { en: expect.stringMatching(/full/) } });
    const register = new Registry();
    registerOutboxMetrics(register, () => uploader.status());
    const text = await register.metrics();
    expect(text).toMatch(/^gate_kiosk_storage_fault 1$/m);
    expect(text).toMatch(/^gate_kiosk_upload_online 0$/m);
    storage.clear();
    expect((await (await fetch(`${url}/api/outbox`)).json()).storage).toBeNull();
  });
});

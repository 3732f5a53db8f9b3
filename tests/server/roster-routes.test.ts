// POST /api/roster/import over real HTTP: a dry run answers what would change, a real import replaces
// the roster and tells the kiosk at once, a bad file is a 422 listing every bad row and writes nothing.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../kiosk/identities/person.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { errorHandler, notFound } from '../../server/http/errors.ts';
import { rosterRoutes } from '../../server/http/roster-routes.ts';
import { createLogger } from '../../server/logger.ts';
import { actAs, TEST_CSRF } from '../helpers/access.ts';
import { tempDir } from '../helpers/kiosk.ts';

const fixture = (name: string) => readFileSync(`fixtures/roster/${name}`);

describe('POST /api/roster/import', () => {
  const dir = tempDir('gk-roster-http-');
  let db: Db;
  let people: PeopleStore;
  let server: Server;
  let url: string;
  const seen: Person[][] = [];

  beforeAll(async () => {
    db = openDatabase(dir.path);
    people = new PeopleStore(db);
    const app = express();
    actAs(app, 'admin');
    // As in the kiosk: JSON bodies are parsed for every other route.
    app.use(express.json({ limit: '64kb' }));
    app.use(
      rosterRoutes(people, 'Asia/Shanghai', (current) => seen.push(current), { audit: new AuditLog(db) }),
    );
    app.use(notFound);
    app.use(errorHandler(createLogger('silent')));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/roster/import`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    db.close();
    dir.remove();
  });
  beforeEach(async () => {
    seen.length = 0;
    const res = await post('?filename=test-roster.csv', fixture('test-roster.csv'));
    expect(res.status).toBe(200);
    seen.length = 0;
  });

  async function post(query: string, body: Uint8Array | string, type = 'application/octet-stream') {
    const res = await fetch(url + query, {
      method: 'POST',
      headers: { 'content-type': type, 'x-csrf-token': TEST_CSRF },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  const peopleRows = () => db.prepare('SELECT * FROM people ORDER BY id').all();

  it('answers a dry run with what would change and writes nothing', async () => {
    const before = peopleRows();
    const res = await post('?dryRun=true&filename=roster-good.xlsx', fixture('roster-good.xlsx'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      imported: 0,
      dryRun: true,
      counts: { added: 3, updated: 1, removed: 1, unchanged: 4 },
      removed: [{ id: 'S0004', name: '赵六' }],
      warnings: [{ row: 1, field: '备注', message: 'column K is not a roster column; ignored' }],
      errors: [],
    });
    expect((res.body.added as { id: string }[]).map((p) => p.id)).toEqual(['S0006', 'S0007', 'S0008']);
    expect(res.body.updated).toEqual([
      { row: 2, id: 'S0001', name: '张三丰', kind: 'student', grade: 1, class: '1班', fields: ['card'] },
    ]);
    expect(peopleRows()).toEqual(before);
    expect(seen).toEqual([]);
  });

  it('imports, and hands the new roster to the kiosk at once', async () => {
    const res = await post(
      '?dryRun=false&filename=roster-good.xlsx',
      fixture('roster-good.xlsx'),
      'text/csv',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 8, dryRun: false, counts: { added: 3, removed: 1 } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.map((p) => p.id)).toEqual([
      'S0001',
      'S0002',
      'S0003',
      'S0005',
      'S0006',
      'S0007',
      'S0008',
      'T0001',
    ]);
    expect(seen[0]?.find((p) => p.id === 'S0001')?.cards).toEqual(['0040856634', '0040856635']);
    expect(people.current()).toHaveLength(8);
  });

  it('imports a GBK csv without a dryRun parameter', async () => {
    const res = await post('?filename=%E5%90%8D%E5%8D%95.csv', fixture('roster-gbk.csv'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 4, dryRun: false });
    expect(people.current().map((p) => p.name)).toEqual(['欧阳娜娜', '阿卜杜拉·艾山', '司马光', '诸葛亮']);
  });

  it('refuses a file that is no roster with 422, saying why in Chinese and in English', async () => {
    const res = await post(
      '?dryRun=true&filename=photo.xlsx',
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2]),
    );
    expect(res.status).toBe(422);
    const error = res.body.error as { zh: string; en: string; details: { zh: string; en: string }[] };
    expect(error.zh).toMatch(/^photo\.xlsx：文件无法读取，未导入（不是可读的 \.xlsx 工作簿/);
    expect(error.en).toMatch(/^photo\.xlsx: not a readable \.xlsx workbook .*; nothing imported$/);
    expect(error.en).not.toMatch(/[\u4e00-\u9fff]/);
    expect(error.details[0]?.zh).toMatch(/^不是可读的 \.xlsx 工作簿/);
  });

  it('refuses a bad file with 422, every bad row listed, nothing written', async () => {
    const before = peopleRows();
    const res = await post('?dryRun=false&filename=roster-bad.csv', fixture('roster-bad.csv'));
    expect(res.status).toBe(422);
    const error = res.body.error as { code: string; message: string; details: unknown[] };
    expect(error.code).toBe('invalid_roster');
    expect(error.message).toBe('roster-bad.csv: 14 errors, nothing imported');
    expect(error.details).toHaveLength(14);
    expect(error.details[0]).toEqual({
      row: 3,
      field: 'id',
      message: 'duplicate id "S1001" (also row 2)',
      zh: '学号 "S1001" 重复（第 2 行也有）',
      en: 'duplicate id "S1001" (also row 2)',
    });
    expect(peopleRows()).toEqual(before);
    expect(seen).toEqual([]);

    const notXlsx = await post('?filename=roster.xlsx', 'PK\u0003\u0004 not really');
    expect(notXlsx.status).toBe(422);
    expect(notXlsx.body.error).toMatchObject({
      code: 'invalid_roster',
      details: [{ row: 0, field: 'file', message: expect.stringMatching(/not a readable \.xlsx/) }],
    });
  });

  it('answers 400 naming the field for a missing or unsupported file name, a bad dryRun, no body', async () => {
    const csv = fixture('test-roster.csv');
    const cases: [string, Uint8Array | string, string][] = [
      ['', csv, 'filename'],
      ['?filename=roster.xls', csv, 'filename'],
      ['?filename=roster.txt', csv, 'filename'],
      ['?filename=roster.csv&dryRun=maybe', csv, 'dryRun'],
      ['?filename=roster.csv', '', 'body'],
    ];
    for (const [query, body, field] of cases) {
      const res = await post(query, body);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toMatchObject({
        code: 'invalid_request',
        details: [expect.objectContaining({ field })],
      });
    }
    const json = await post('?filename=roster.csv', '{"a":1}', 'application/json');
    expect(json.status).toBe(400);
    expect(people.current()).toHaveLength(6);
    // Each is in the audit log as a refused import, with why.
    const refused = new AuditLog(db)
      .list({ limit: 6 })
      .reverse()
      .map((e) => [e.action, e.detail.reason, e.detail.file]);
    expect(refused).toEqual([
      ['roster_import_refused', 'invalid_request', 'upload:'],
      ['roster_import_refused', 'invalid_request', 'upload:roster.xls'],
      ['roster_import_refused', 'invalid_request', 'upload:roster.txt'],
      ['roster_import_refused', 'invalid_request', 'upload:roster.csv'],
      ['roster_import_refused', 'invalid_request', 'upload:roster.csv'],
      ['roster_import_refused', 'invalid_request', 'upload:roster.csv'],
    ]);
  });

  it('refuses a body over 10 MB with 413 in both languages, and logs the refusal', async () => {
    const res = await post('?filename=big.csv&dryRun=true', new Uint8Array(10 * 1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'too_large',
      message: 'the file is larger than 10 MB, the most a roster file may be',
      zh: '文件超过 10 MB，名单文件最多 10 MB',
      en: 'the file is larger than 10 MB, the most a roster file may be',
      limit: 'upload',
      max: 10,
    });
    expect(new AuditLog(db).list({ limit: 1 })[0]).toMatchObject({
      action: 'roster_import_refused',
      detail: { file: 'upload:big.csv', dryRun: true, reason: 'too_large' },
    });
  });

  it('reads one file at a time: a second upload while one is read is answered 409', async () => {
    const file = fixture('roster-good.xlsx');
    const answers = await Promise.all([
      post('?dryRun=true&filename=a.xlsx', file),
      post('?dryRun=true&filename=b.xlsx', file),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const busy = answers.find((a) => a.status === 409)?.body.error;
    expect(busy).toMatchObject({ code: 'roster_busy', zh: '另一个名单文件正在读取，请稍后再试' });
    expect((await post('?dryRun=true&filename=c.xlsx', file)).status).toBe(200);
  });
});

// Roster imports over real HTTP into a running kiosk while both lanes take arrivals: a 300,000-row
// workbook, a 300,000-row CSV and a zip bomb are refused with 413 naming the bound in both
// languages, a school-sized roster (20,000) is previewed and imported, every arrival is decided all
// the while, and each attempt is in the audit log under the admin's name. The figures (time to the
// answer, /healthz and event-loop delay, resident memory, arrival → display) are printed, not asserted.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceModels } from '../../drivers/registry.ts';
import type { LaneUpdate } from '../../kiosk/lanes/lane-update.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { RunningKiosk } from '../../server/app.ts';
import { authedFetch, DisplayClient, postJson, startTestKiosk, tempDir } from '../helpers/kiosk.ts';
import { rosterCsv, rosterWorkbook, zipBomb } from '../helpers/roster-files.ts';

interface Figures {
  ms: number;
  healthzMaxMs: number;
  eventLoopMaxMs: number;
  rssPeakMB: number;
  decisions: number;
  /** From the last byte of a reading at the serial port to the decision at a display client. */
  arrivalP99Ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const measuring = deviceModels['k3-ascii'].createSimulator({ seed: 3 });
const scanning = deviceModels['line-scanner'].createSimulator({ seed: 4 });
const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.99) - 1)] ?? 0;

describe('roster imports while the lanes are deciding', () => {
  const dir = tempDir('gk-roster-load-');
  let kiosk: RunningKiosk;
  let display: DisplayClient;

  beforeAll(async () => {
    kiosk = await startTestKiosk(dir.path);
    display = new DisplayClient(kiosk.url);
    await display.connected();
  });
  afterAll(async () => {
    display?.close();
    await kiosk?.stop();
    dir.remove();
  });

  const onRoster = () =>
    (kiosk.db.prepare('SELECT count(*) AS n FROM people WHERE left_at IS NULL').get() as { n: number }).n;
  const upload = (name: string, bytes: Uint8Array, dryRun: boolean) =>
    authedFetch(`${kiosk.url}/api/roster/import?filename=${name}&dryRun=${dryRun}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });

  /** Runs `work` while both lanes take one arrival after another and /healthz is asked every 10 ms. */
  async function underLoad<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; figures: Figures; errors: string[] }> {
    let done = false;
    const errors: string[] = [];
    const arrivals: number[] = [];
    const healthz: number[] = [];
    let rssPeak = process.memoryUsage().rss;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    // As a gate sees it: a scan, then a reading whose last chunk completes the frame; the time runs
    // from that chunk at the (simulated) serial port to the decision at a display client.
    const lane = async (laneId: string, ids: string[]) => {
      const device = (role: string) => {
        const sim = kiosk.devices.find((d) => d.laneId === laneId && d.config.role === role)?.simulator;
        if (!sim) throw new Error(`lane ${laneId} has no simulated ${role}`);
        return sim;
      };
      const thermometer = device('thermometer');
      const scanner = device('scanner');
      for (let n = 0; !done; n++) {
        const id = ids[n % ids.length] as string;
        scanner.inject(Buffer.concat(scanning.emit({ kind: 'scan', text: id }).map((c) => c.bytes)));
        await sleep(5);
        const chunks = measuring.emit({ kind: 'measure', bodyC: 36.5 }).map((c) => c.bytes);
        const last = chunks.pop() as Uint8Array;
        thermometer.inject(Buffer.concat(chunks));
        const mark = display.mark;
        const t0 = performance.now();
        thermometer.inject(last);
        await display
          .waitFor<LaneUpdate>(
            'lane:update',
            (u) => u.laneId === laneId && u.state === 'decided',
            10_000,
            mark,
          )
          .then(() => arrivals.push(performance.now() - t0))
          .catch((err: Error) => errors.push(`lane ${laneId}: ${err.message}`));
        await sleep(20);
      }
    };
    const probe = async () => {
      while (!done) {
        const t0 = performance.now();
        const res = await fetch(`${kiosk.url}/healthz`);
        healthz.push(performance.now() - t0);
        if (!res.ok) errors.push(`/healthz answered ${res.status}`);
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        await sleep(10);
      }
    };
    const load = [lane('1', ['S0001', 'S0002', 'S0003']), lane('2', ['S0004', 'S0005']), probe()];
    const t0 = performance.now();
    const result = await work();
    const ms = performance.now() - t0;
    done = true;
    await Promise.all(load);
    loop.disable();
    return {
      result,
      errors,
      figures: {
        ms: Math.round(ms),
        healthzMaxMs: Math.round(Math.max(0, ...healthz) * 10) / 10,
        eventLoopMaxMs: Math.round(loop.max / 1e5) / 10,
        rssPeakMB: Math.round(rssPeak / 1e6),
        decisions: arrivals.length,
        arrivalP99Ms: Math.round(p99(arrivals) * 10) / 10,
      },
    };
  }

  const show = (what: string, f: Figures) =>
    console.log(
      `${what}: answered in ${f.ms} ms; meanwhile ${f.decisions} arrivals decided (frame → display p99 ${f.arrivalP99Ms} ms), ` +
        `/healthz max ${f.healthzMaxMs} ms, event-loop delay max ${f.eventLoopMaxMs} ms, resident memory peak ${f.rssPeakMB} MB ` +
        '(test process and kiosk together)',
    );

  it('refuses a 300,000-row workbook with 413 naming rosterLimits.maxRows while every arrival is decided', async () => {
    const idle = await underLoad(() => new Promise((r) => setTimeout(r, 1500)));
    show('idle, 1.5 s', idle.figures);
    const file = rosterWorkbook(300_000);
    const { result: res, figures, errors } = await underLoad(() => upload('all-ever.xlsx', file, true));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: {
        code: 'roster_too_large',
        message:
          'too many rows (300001 rows in the workbook); a roster has at most 20000 people (config rosterLimits.maxRows)',
        zh: '名单行数过多（工作簿有 300001 行），一份名单最多 20000 人（配置 rosterLimits.maxRows）',
        en: 'too many rows (300001 rows in the workbook); a roster has at most 20000 people (config rosterLimits.maxRows)',
        limit: 'rosterLimits.maxRows',
        max: 20000,
        details: [
          {
            row: 0,
            field: 'file',
            message: expect.stringMatching(/^too many rows/),
            zh: expect.stringMatching(/^名单行数过多/),
            en: expect.stringMatching(/^too many rows/),
          },
        ],
      },
    });
    expect(errors).toEqual([]);
    expect(figures.decisions).toBeGreaterThan(0);
    show(`300,000-row workbook (${(file.length / 1e6).toFixed(1)} MB)`, figures);
    expect(new AuditLog(kiosk.db).list({ limit: 1 })[0]).toMatchObject({
      actor: 'test-admin',
      action: 'roster_import_refused',
      detail: { file: 'upload:all-ever.xlsx', dryRun: true, reason: 'too_many_rows', bytes: file.length },
    });
  });

  it('refuses a 300,000-row CSV and a zip bomb the same way', async () => {
    const csv = await upload('all-ever.csv', rosterCsv(300_000), false);
    expect(csv.status).toBe(413);
    expect(await csv.json()).toMatchObject({
      error: { code: 'roster_too_large', limit: 'rosterLimits.maxRows' },
    });
    const bomb = await zipBomb(350, true);
    const { result: res, figures } = await underLoad(() => upload('bomb.xlsx', bomb, false));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'roster_too_large',
        limit: 'rosterLimits.maxUnzippedMB',
        max: 50,
        zh: expect.stringMatching(/^工作簿解压后过大/),
      },
    });
    show(`zip bomb (${(bomb.length / 1e6).toFixed(2)} MB → 350 MB, stated as 1 KB)`, figures);
    expect(onRoster()).toBe(6);
  });

  it('previews and imports a school of 20,000, audited with the counts, and the lanes know them at once', async () => {
    const file = rosterWorkbook(20_000);
    const preview = await underLoad(() => upload('school.xlsx', file, true));
    expect(preview.result.status).toBe(200);
    expect(await preview.result.json()).toMatchObject({
      dryRun: true,
      counts: { added: 20_000, removed: 6 },
    });
    show('20,000-row workbook, dry run', preview.figures);
    const real = await underLoad(() => upload('school.xlsx', file, false));
    expect(real.result.status).toBe(200);
    expect(await real.result.json()).toMatchObject({ imported: 20_000, counts: { added: 20_000 } });
    expect(real.errors).toEqual([]);
    show('20,000-row workbook, import', real.figures);
    expect(
      new AuditLog(kiosk.db)
        .list({ limit: 2 })
        .reverse()
        .map((e) => [e.actor, e.action, e.detail.people, e.detail.counts]),
    ).toEqual([
      ['test-admin', 'roster_dry_run', 20_000, { added: 20_000, updated: 0, removed: 6, unchanged: 0 }],
      ['test-admin', 'roster_import', 20_000, { added: 20_000, updated: 0, removed: 6, unchanged: 0 }],
    ]);
    const mark = display.mark;
    await postJson(`${kiosk.url}/api/sim/lanes/1/arrivals`, { identity: 'T0019999', temperatureC: 36.5 });
    const update = await display.waitFor<LaneUpdate>(
      'lane:update',
      (u) => u.laneId === '1' && u.state === 'decided',
      10_000,
      mark,
    );
    expect(update.person?.displayName).toBe('张*');
  });
});

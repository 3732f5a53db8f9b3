import { toHex, toMaskedHex } from '../../drivers/hex.ts';
import { deviceModel } from '../../drivers/registry.ts';
import { maskScanText } from '../../drivers/scan-mask.ts';
import { runSelfTest, type SelfTestResult } from '../../drivers/self-test.ts';
import { explainDetail } from '../../drivers/transport/link-detail.ts';
import type { DeviceEvent } from '../../drivers/types.ts';
import { loadConfig } from '../../kiosk/config/load.ts';
import { buildDevices, type LaneDevice } from '../devices.ts';
import { CommandFailure } from './command-failure.ts';

export interface DiagOptions {
  config: string;
  device?: string;
  seconds: number;
  json?: boolean;
}

/** Devices that could not be watched or failed: said in Chinese, then English (exit 1). */
export class DiagFailure extends CommandFailure {}

function describeEvent(e: DeviceEvent): string {
  if (e.kind === 'identity')
    return `${e.source === 'card' ? '刷卡' : '扫码'} ${e.source} ${maskScanText(e.text)}${e.symbology ? ` (${e.symbology})` : ''}`;
  const parts: string[] = [];
  if (e.bodyC !== undefined) parts.push(`体温 body ${e.bodyC.toFixed(2)} °C`);
  if (e.objectC !== undefined) parts.push(`表面 object ${e.objectC.toFixed(2)} °C`);
  if (e.ambientC !== undefined) parts.push(`环境 ambient ${e.ambientC.toFixed(2)} °C`);
  if (e.remark) parts.push(e.remark);
  return parts.join(', ');
}

/**
 * `gate-kiosk diag`: opens the config's devices (not while the kiosk holds them), prints raw bytes
 * and decoded events live, runs each model's self-test, and ends with the counters. Fails (exit 1)
 * naming every device that never came online or failed its self-test.
 */
export async function diagCommand(opts: DiagOptions, out = process.stdout): Promise<void> {
  const config = loadConfig(opts.config);
  const set = buildDevices(config);
  const devices = set.devices.filter((d) => opts.device === undefined || d.config.id === opts.device);
  if (devices.length === 0) {
    const known = set.devices.map((d) => d.config.id).join(', ');
    throw new DiagFailure(
      `配置 ${opts.config} 中没有设备 "${opts.device}"；已有设备：${known}`,
      `no device "${opts.device}" in ${opts.config}; devices: ${known}`,
    );
  }
  const started = Date.now();
  const line = (record: Record<string, unknown>, text: string) =>
    out.write(opts.json ? `${JSON.stringify(record)}\n` : `${text}\n`);
  const stamp = () => `+${((Date.now() - started) / 1000).toFixed(3)}s`;
  const wasOnline = new Set<string>();

  for (const d of devices) {
    const name = `${d.laneId}/${d.config.id}`;
    const hex = (b: Uint8Array) =>
      d.config.role === 'thermometer' || d.config.role === 'relay' ? toHex(b) : toMaskedHex(b);
    d.link.on('state', (state, detail) => {
      if (state === 'online') wasOnline.add(d.config.id);
      const said = explainDetail(state, detail, d.config.role);
      const next = said.next ? `\n    → ${said.next.zh} · ${said.next.en}` : '';
      line(
        { type: 'state', device: d.config.id, lane: d.laneId, state, detail, zh: said.zh },
        `${stamp()} ${name} ${said.zh} · ${state}: ${detail}${next}`,
      );
    });
    d.link.on('rx', (chunk) =>
      line({ type: 'rx', device: d.config.id, hex: hex(chunk) }, `${stamp()} ${name} rx ${hex(chunk)}`),
    );
    d.link.on('tx', (bytes) =>
      line({ type: 'tx', device: d.config.id, hex: hex(bytes) }, `${stamp()} ${name} tx ${hex(bytes)}`),
    );
    d.link.on('event', (e) =>
      line(
        {
          type: 'event',
          device: d.config.id,
          event: e.kind === 'identity' ? { ...e, text: maskScanText(e.text) } : e,
        },
        `${stamp()} ${name} → ${describeEvent(e)}`,
      ),
    );
  }
  set.start();
  try {
    await new Promise((r) => setTimeout(r, Math.min(1500, opts.seconds * 1000)));
    const tests = new Map<string, SelfTestResult>();
    for (const d of devices) {
      const commands = deviceModel(d.config.model).commands;
      if (!commands?.selfTest) continue;
      const result = await runSelfTest(d.link, commands);
      tests.set(d.config.id, result);
      line(
        { type: 'selftest', device: d.config.id, ...result },
        `${stamp()} ${d.laneId}/${d.config.id} 自检${result.ok ? '通过' : '失败'}：${result.detail.zh} · ` +
          `self-test ${result.ok ? 'passed' : 'FAILED'}: ${result.detail.en}`,
      );
    }
    const remaining = opts.seconds * 1000 - (Date.now() - started);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    summarize(devices, tests, wasOnline, line);
    const failed = devices.filter((d) => !wasOnline.has(d.config.id) || tests.get(d.config.id)?.ok === false);
    if (failed.length > 0) {
      const said = failed.map((d) => {
        const test = tests.get(d.config.id)?.detail;
        if (wasOnline.has(d.config.id) && test) {
          return {
            zh: `${d.config.id}：自检失败（${test.zh}）`,
            en: `${d.config.id}: self-test failed (${test.en})`,
          };
        }
        const { state, detail } = d.link.status();
        return {
          zh: `${d.config.id}：从未上线（${explainDetail(state, detail, d.config.role).zh}）`,
          en: `${d.config.id}: never online (${detail})`,
        };
      });
      throw new DiagFailure(said.map((s) => s.zh).join('；'), said.map((s) => s.en).join('; '));
    }
  } finally {
    for (const d of devices) d.link.removeAllListeners('state');
    await set.stop();
  }
}

function summarize(
  devices: LaneDevice[],
  tests: Map<string, SelfTestResult>,
  wasOnline: Set<string>,
  line: (record: Record<string, unknown>, text: string) => void,
): void {
  for (const d of devices) {
    const s = d.link.status();
    const c = s.counters;
    const ageS = s.lastFrameAt === null ? null : ((Date.now() - s.lastFrameAt) / 1000).toFixed(1);
    const age = ageS === null ? 'never' : `${ageS} s ago`;
    const stateZh = { online: '在线', offline: '离线', error: '故障' }[s.state];
    line(
      {
        type: 'summary',
        device: d.config.id,
        lane: d.laneId,
        model: d.config.model,
        path: s.path,
        state: s.state,
        wasOnline: wasOnline.has(d.config.id),
        counters: c,
        reconnects: s.reconnects,
        bytesRx: s.bytesRx,
        bytesTx: s.bytesTx,
        lastFrameAgeMs: s.lastFrameAt === null ? null : Date.now() - s.lastFrameAt,
        selfTest: tests.get(d.config.id) ?? null,
      },
      `${d.laneId}/${d.config.id} ${d.config.model} ${s.path ?? '?'}：${stateZh}；帧 ${c.frames}，校验错 ${c.badChecksums}，` +
        `重同步 ${c.resyncs}，跳过字节 ${c.bytesSkipped}，超长 ${c.oversize}，重连 ${s.reconnects}，` +
        `收 ${s.bytesRx} B，发 ${s.bytesTx} B，最后一帧 ${ageS === null ? '无' : `${ageS} 秒前`}\n` +
        `  · on ${s.path ?? '?'}: ${s.state}; frames ${c.frames}, bad checksums ${c.badChecksums}, ` +
        `resyncs ${c.resyncs}, bytes skipped ${c.bytesSkipped}, oversize ${c.oversize}, reconnects ${s.reconnects}, ` +
        `rx ${s.bytesRx} B, tx ${s.bytesTx} B, last frame ${age}`,
    );
  }
}

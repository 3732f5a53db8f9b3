import type { Namespace, Server } from 'socket.io';
import type {
  DiagAnswer,
  DiagClientEvents,
  DiagCounters,
  DiagDevice,
  DiagServerEvents,
  ReplayReply,
  SelfTestReply,
} from '../../contract/diag-events.ts';
import type { FixtureLibrary } from '../../drivers/fixture-library.ts';
import { toHex, toMaskedHex } from '../../drivers/hex.ts';
import { deviceModel } from '../../drivers/registry.ts';
import { maskScanText } from '../../drivers/scan-mask.ts';
import { runSelfTest } from '../../drivers/self-test.ts';
import type { Bilingual, DeviceEvent } from '../../drivers/types.ts';
import type { PrincipalSources } from '../auth/principal.ts';
import { guardNamespace } from '../auth/socket-guard.ts';
import type { LaneDevice } from '../devices.ts';

/** At most this many frame events per device per second reach diagnostics clients; the rest are counted. */
const MAX_FRAMES_PER_S = 40;

function diagEvent(event: DeviceEvent): DeviceEvent {
  return event.kind === 'identity' ? { ...event, text: maskScanText(event.text) } : event;
}

/**
 * Namespace `/diag` for maintenance staff: the devices, raw bytes both ways with their decoded
 * events, state changes, counters every second; `selftest` and `replay` requests with an answer.
 */
export function attachDiagNamespace(
  io: Server,
  devices: readonly LaneDevice[],
  laneNames: ReadonlyMap<string, string>,
  fixtures: FixtureLibrary,
  sources: PrincipalSources,
  /** A lane's own counters (order unknown, not measured), shown beside its devices'. */
  laneCounts: (laneId: string) => { orderUnknown: number; notMeasured: number } | null = () => null,
): void {
  const ns: Namespace<DiagClientEvents, DiagServerEvents> = io.of('/diag');
  const guard = guardNamespace(ns, sources, 'devices:diagnose', { displayTokens: false });
  const describe = (): DiagDevice[] =>
    devices.map((d) => {
      const model = deviceModel(d.config.model);
      return {
        laneId: d.laneId,
        laneName: laneNames.get(d.laneId) ?? d.laneId,
        deviceId: d.config.id,
        role: d.config.role,
        model: d.config.model,
        label: model.label,
        simulated: d.simulator !== null,
        canSelfTest: model.commands?.selfTest !== undefined,
        expectsTraffic: model.silenceTimeoutMs !== undefined,
        fixtures: fixtures
          .list()
          .filter((f) => f.model === d.config.model)
          .map((f) => f.name),
      };
    });
  const counters = (): DiagCounters[] =>
    devices.map((d) => {
      const s = d.link.status();
      return {
        laneId: d.laneId,
        deviceId: d.config.id,
        state: s.state,
        detail: s.detail,
        path: s.path,
        counters: s.counters,
        reconnects: s.reconnects,
        bytesRx: s.bytesRx,
        bytesTx: s.bytesTx,
        lastFrameAgeMs: s.lastFrameAt === null ? null : Date.now() - s.lastFrameAt,
        framesNotShown: dropped.get(d.config.id) ?? 0,
        lane: laneCounts(d.laneId),
      };
    });

  const budget = new Map<string, { second: number; used: number }>();
  const dropped = new Map<string, number>();
  const allowed = (deviceId: string): boolean => {
    const second = Math.floor(Date.now() / 1000);
    const b = budget.get(deviceId);
    if (!b || b.second !== second) {
      budget.set(deviceId, { second, used: 1 });
      return true;
    }
    if (b.used >= MAX_FRAMES_PER_S) {
      dropped.set(deviceId, (dropped.get(deviceId) ?? 0) + 1);
      return false;
    }
    b.used++;
    return true;
  };

  for (const d of devices) {
    const base = { laneId: d.laneId, deviceId: d.config.id };
    let pendingEvents: DeviceEvent[] = [];
    // Nothing is done per frame while no one watches diagnostics: this is the lanes' hot path.
    d.link.on('event', (event) => {
      if (ns.sockets.size > 0) pendingEvents.push(diagEvent(event));
    });
    d.link.on('rx', (chunk) => {
      if (ns.sockets.size === 0) return;
      // The link decodes a chunk after announcing it: collect its events on the next tick.
      queueMicrotask(() => {
        const events = pendingEvents;
        pendingEvents = [];
        if (ns.sockets.size === 0 || !allowed(d.config.id)) return;
        ns.emit('frame', {
          ...base,
          at: new Date().toISOString(),
          dir: 'rx',
          hex:
            d.config.role === 'thermometer' || d.config.role === 'relay' ? toHex(chunk) : toMaskedHex(chunk),
          ...(events[0] ? { event: events[0] } : {}),
          events,
        });
      });
    });
    d.link.on('tx', (bytes) => {
      if (ns.sockets.size === 0 || !allowed(d.config.id)) return;
      ns.emit('frame', { ...base, at: new Date().toISOString(), dir: 'tx', hex: toHex(bytes), events: [] });
    });
    d.link.on('state', (state, detail) => ns.emit('device:status', { ...base, state, detail }));
  }

  const timer = setInterval(() => {
    if (ns.sockets.size > 0) ns.emit('counters', counters());
  }, 1000);
  timer.unref();
  io.on('close', () => {
    clearInterval(timer);
    guard.stop();
  });

  ns.on('connection', (socket) => {
    socket.emit('devices', describe());
    socket.emit('counters', counters());
    socket.on('selftest', async (req: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: SelfTestReply) => void) : () => {};
      if (!guard.stillAllowed(socket)) return;
      const deviceId = (req as { deviceId?: unknown } | null)?.deviceId;
      const d = devices.find((x) => x.config.id === deviceId);
      if (!d) {
        reply({
          ...answer(false, { zh: `没有设备“${String(deviceId)}”`, en: `no device "${String(deviceId)}"` }),
          elapsedMs: null,
        });
        return;
      }
      const result = await runSelfTest(d.link, deviceModel(d.config.model).commands);
      reply({ ...answer(result.ok, result.detail), elapsedMs: result.elapsedMs });
    });
    socket.on('replay', (req: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: ReplayReply) => void) : () => {};
      if (!guard.stillAllowed(socket)) return;
      const { deviceId, fixture } = (req ?? {}) as { deviceId?: unknown; fixture?: unknown };
      const d = devices.find((x) => x.config.id === deviceId);
      if (!d?.simulator) {
        reply(
          answer(false, {
            zh: '只有模拟设备可以回放录制文件',
            en: 'only a simulated device can play a fixture',
          }),
        );
        return;
      }
      try {
        const transcript = fixtures.load(String(fixture));
        if (transcript.header.model !== d.config.model) {
          reply(
            answer(false, {
              zh: `录制文件属于 ${transcript.header.model}，不是 ${d.config.model}`,
              en: `fixture is for ${transcript.header.model}, not ${d.config.model}`,
            }),
          );
          return;
        }
        void d.simulator.playTranscript(transcript, false);
        reply(
          answer(true, {
            zh: `正在把 ${String(fixture)} 回放到 ${d.config.id}`,
            en: `playing ${String(fixture)} into ${d.config.id}`,
          }),
        );
      } catch (err) {
        const message = (err as Error).message;
        reply(answer(false, { zh: `无法回放：${message}`, en: `cannot play it: ${message}` }));
      }
    });
  });
}

/** An answer to a `/diag` request: Chinese and English, and `detail` in English as before. */
function answer(ok: boolean, said: Bilingual): DiagAnswer {
  return { ok, detail: said.en, zh: said.zh, en: said.en };
}

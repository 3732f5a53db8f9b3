import { deviceModel } from '../drivers/registry.ts';
import { barrierOpensFor } from '../kiosk/lanes/barrier.ts';
import type { Lane } from '../kiosk/lanes/lane.ts';
import type { LaneDevice } from './devices.ts';
import type { Logger } from './logger.ts';

const DEFAULT_PULSE_MS = 800;

/**
 * Lanes with a relay pulse it to open their barrier on a pass. A pulse whose port is down is not
 * sent at all (a barrier opening late, for whoever stands there then, is worse than not opening).
 */
export function attachBarriers(
  lanes: readonly Lane[],
  devices: readonly LaneDevice[],
  log: Logger,
): () => void {
  const timers = new Set<NodeJS.Timeout>();
  for (const lane of lanes) {
    const relay = devices.find((d) => d.laneId === lane.id && d.config.role === 'relay');
    if (!relay) continue;
    const pulse = deviceModel(relay.config.model).pulse?.(
      relay.config.channel ?? 1,
      relay.config.pulseMs ?? DEFAULT_PULSE_MS,
    );
    if (!pulse) continue;
    lane.on('screened', (screened) => {
      if (!barrierOpensFor(screened)) return;
      if (!relay.link.write(pulse.on)) {
        log.warn(
          { zh: '闸机未打开：继电器离线', lane: lane.id, device: relay.config.id },
          'barrier not opened: its relay is offline',
        );
        return;
      }
      const t = setTimeout(() => {
        timers.delete(t);
        if (!relay.link.write(pulse.off)) {
          log.error(
            { zh: '闸机打开期间继电器离线', lane: lane.id, device: relay.config.id },
            'barrier relay went offline while open',
          );
        }
      }, pulse.afterMs);
      timers.add(t);
    });
  }
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}

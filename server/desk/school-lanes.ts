import type { KioskConfig, LaneConfig } from '../../kiosk/config/schema.ts';
import type { Db } from '../../kiosk/store/database.ts';

export type SummaryConfig = Pick<KioskConfig, 'school' | 'sessions' | 'lanes' | 'rules'>;

/**
 * The desk's summary lists its own lanes and, after them, every lane of its gates that screened
 * anyone (`<gate>/<lane>`, named "北门 · 1"), so the day shows per gate and per lane. Read anew
 * for every summary: a gate's lane appears with its first record.
 */
export function withGateLanes(config: SummaryConfig, db: Db): SummaryConfig {
  const gateLanes = db.prepare(
    `SELECT DISTINCT s.lane_id AS laneId, g.name AS gateName FROM screenings s
     JOIN desk_gates g ON s.lane_id LIKE g.id || '/%' ORDER BY s.lane_id`,
  );
  return {
    school: config.school,
    sessions: config.sessions,
    rules: config.rules,
    get lanes(): LaneConfig[] {
      const extra = (gateLanes.all() as { laneId: string; gateName: string }[]).map(
        ({ laneId, gateName }): LaneConfig => ({
          id: laneId,
          name: `${gateName} · ${laneId.slice(laneId.indexOf('/') + 1)}`,
          grades: [],
          devices: [],
        }),
      );
      return [...config.lanes, ...extra];
    },
  };
}

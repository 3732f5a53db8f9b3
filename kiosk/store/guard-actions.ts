import type { GuardActionKind, HandCheck, Visitor } from '../guard/actions.ts';
import { Outbox } from '../upload/outbox.ts';
import type { Db } from './database.ts';
import type { ScreeningRecord } from './screenings.ts';

/** A guard's answer to one screening, with who gave it and when. */
export interface GuardAction {
  id: string;
  at: string;
  localDate: string;
  laneId: string;
  screeningId: string;
  /** The decision the guard answered. */
  decision: ScreeningRecord['decision'];
  action: GuardActionKind;
  checked: HandCheck | null;
  visitor: Visitor | null;
  note: string | null;
  actor: string;
}

export interface GuardActionFilter {
  date?: string;
  lane?: string;
  limit?: number;
}

interface Row {
  id: string;
  at: string;
  local_date: string;
  lane_id: string;
  screening_id: string;
  decision: ScreeningRecord['decision'];
  action: GuardActionKind;
  detail: string;
  actor: string;
}

interface Detail {
  checked: HandCheck | null;
  visitor: Visitor | null;
  note: string | null;
}

/**
 * The guard_actions table (one answer per screening), queued for the district as a `screening`
 * record that names the screening it resolves.
 */
export class GuardActionStore {
  private readonly insert;
  private readonly selectByScreening;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO guard_actions (id, at, local_date, lane_id, screening_id, decision, action, detail, actor)
       VALUES (@id, @at, @localDate, @laneId, @screeningId, @decision, @action, @detail, @actor)`,
    );
    this.selectByScreening = db.prepare('SELECT * FROM guard_actions WHERE screening_id = ?');
  }

  /** Stores the action and its outbox row; `alsoInTransaction` (closing a case) commits with them. */
  record(action: GuardAction, screening: ScreeningRecord, alsoInTransaction?: () => void): void {
    this.db.transaction(() => {
      const detail: Detail = { checked: action.checked, visitor: action.visitor, note: action.note };
      this.insert.run({ ...action, detail: JSON.stringify(detail) });
      Outbox.enqueue(this.db, {
        recordId: action.id,
        kind: 'screening',
        at: action.at,
        data: JSON.stringify(uploadData(action, screening)),
      });
      alsoInTransaction?.();
    })();
  }

  byScreening(screeningId: string): GuardAction | null {
    const row = this.selectByScreening.get(screeningId) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** The day's actions, newest first. */
  list(filter: GuardActionFilter = {}): GuardAction[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: filter.limit ?? 1000 };
    if (filter.date) {
      where.push('local_date = @date');
      params.date = filter.date;
    }
    if (filter.lane) {
      where.push('lane_id = @lane');
      params.lane = filter.lane;
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM guard_actions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY at DESC, id DESC LIMIT @limit`,
      )
      .all(params) as Row[];
    return rows.map(fromRow);
  }
}

function fromRow(row: Row): GuardAction {
  const detail = JSON.parse(row.detail) as Detail;
  return {
    id: row.id,
    at: row.at,
    localDate: row.local_date,
    laneId: row.lane_id,
    screeningId: row.screening_id,
    decision: row.decision,
    action: row.action,
    checked: detail.checked,
    visitor: detail.visitor,
    note: detail.note,
    actor: row.actor,
  };
}

/**
 * The screening as the district already has it, plus how the guard resolved it. A visitor's name
 * and phone stay at the school.
 */
function uploadData(a: GuardAction, s: ScreeningRecord) {
  return {
    resolves: s.id,
    laneId: s.laneId,
    session: s.session,
    localDate: s.localDate,
    personId: s.personId,
    temperatureC: s.temperatureC,
    temperatureSource: s.temperatureSource,
    healthCode: s.healthCode,
    decision: s.decision,
    reasons: s.reasons.map((r) => r.code),
    guardAction: {
      action: a.action,
      checked: a.checked,
      visitorRegistered: a.visitor !== null,
      at: a.at,
      by: a.actor,
    },
  };
}

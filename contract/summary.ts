// `GET /api/summary` (server/http/summary-routes.ts): the day's figures the summary page reads, as
// kiosk/reports/daily-summary.ts builds them. Types only.
export type {
  ClassFigures,
  DailySummary,
  LaneDriftWarning,
  LaneFigures,
  SessionFigures,
} from '../kiosk/reports/daily-summary.ts';

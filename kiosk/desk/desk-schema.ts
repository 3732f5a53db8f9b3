import type { Db } from '../store/database.ts';

/**
 * The tables of a school with a desk and gates, kept apart from the kiosk's own migrations. Both roles
 * have them; only a desk fills `desk_gates`, `desk_received` and `desk_changes`, and only a gate
 * fills `desk_link`. Every statement is idempotent, so this runs at every start.
 */
const TABLES = `
  CREATE TABLE IF NOT EXISTS desk_gates (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
  );
  CREATE TABLE IF NOT EXISTS desk_gate_kiosks (
    gate_id     TEXT NOT NULL REFERENCES desk_gates(id),
    kiosk_id    TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    -- the last time this kiosk had nothing left to send (an empty batch): all it made before is here
    last_drained TEXT,
    PRIMARY KEY (gate_id, kiosk_id)
  );
  CREATE TABLE IF NOT EXISTS desk_received (
    record_id   TEXT PRIMARY KEY,
    gate_id     TEXT NOT NULL,
    kiosk_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    received_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS desk_received_by_gate ON desk_received (gate_id, received_at);
  CREATE TABLE IF NOT EXISTS desk_changes (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  -- on a gate: screenings made at the school's other gates and at the desk (for repeats), as the
  -- desk sent them, and cases the desk closed that this gate does not hold
  CREATE TABLE IF NOT EXISTS desk_screenings (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    local_date  TEXT NOT NULL,
    session     TEXT NOT NULL,
    person_id   TEXT NOT NULL,
    record      TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS desk_screenings_by_person ON desk_screenings (person_id, local_date, session, at);
  CREATE TABLE IF NOT EXISTS desk_closed_cases (
    id          TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL,
    closed_at   TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS desk_closed_cases_by_person ON desk_closed_cases (person_id, closed_at);
  CREATE TABLE IF NOT EXISTS desk_link (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
`;

/**
 * On a desk, every change to a person (roster import, return certificate, health status), every
 * case closed and every screening that counts for repeats (any gate's or the desk's) is noted in `desk_changes` by triggers, in the same transaction as the change itself,
 * whichever code made it. Gates read the notes by their sequence number (the cursor).
 */
const DESK_TRIGGERS = `
  CREATE TRIGGER IF NOT EXISTS desk_person_inserted AFTER INSERT ON people
    BEGIN INSERT INTO desk_changes (kind, key) VALUES ('person', NEW.id); END;
  CREATE TRIGGER IF NOT EXISTS desk_person_updated AFTER UPDATE ON people
    BEGIN INSERT INTO desk_changes (kind, key) VALUES ('person', NEW.id); END;
  CREATE TRIGGER IF NOT EXISTS desk_card_added AFTER INSERT ON person_identities
    BEGIN INSERT INTO desk_changes (kind, key) VALUES ('person', NEW.person_id); END;
  CREATE TRIGGER IF NOT EXISTS desk_card_removed AFTER DELETE ON person_identities
    BEGIN INSERT INTO desk_changes (kind, key) VALUES ('person', OLD.person_id); END;
  CREATE TRIGGER IF NOT EXISTS desk_case_closed AFTER UPDATE OF status ON cases
    WHEN NEW.status = 'closed' AND OLD.status = 'open'
    BEGIN INSERT INTO desk_changes (kind, key) VALUES ('case_closed', NEW.id); END;
  CREATE TRIGGER IF NOT EXISTS desk_screening_added AFTER INSERT ON screenings
    WHEN NEW.person_id IS NOT NULL AND NEW.temperature_c IS NOT NULL
      AND NEW.decision NOT IN ('retake', 'not_measured')
    BEGIN INSERT INTO desk_changes (kind, key) VALUES ('screening', NEW.id); END;
`;

export function ensureDeskTables(db: Db): void {
  db.exec(TABLES);
}

/** Makes this kiosk's store a desk's: its changes are noted for the gates from now on. */
export function ensureDeskTriggers(db: Db): void {
  db.exec(TABLES);
  db.exec(DESK_TRIGGERS);
  // The feed starts at 1, so a gate that took the whole roster at cursor 0 never asks for it again.
  db.prepare(
    "INSERT INTO desk_changes (kind, key) SELECT 'start', '' WHERE NOT EXISTS (SELECT 1 FROM desk_changes)",
  ).run();
}

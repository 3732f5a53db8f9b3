/** Schema versions, applied in order inside one transaction each; never edit a released one. */
export const migrations: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'people, screenings, outbox',
    sql: `
      CREATE TABLE people (
        id              TEXT PRIMARY KEY,
        name            TEXT NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('student', 'staff')),
        grade           INTEGER,
        class_name      TEXT,
        card            TEXT UNIQUE,
        guardian_phone  TEXT,
        boarder         INTEGER NOT NULL DEFAULT 0,
        health_code     TEXT NOT NULL DEFAULT 'unknown' CHECK (health_code IN ('green','yellow','red','unknown')),
        health_code_at  TEXT,
        return_certificate_due INTEGER NOT NULL DEFAULT 0,
        left_at         TEXT
      );
      CREATE TABLE roster_imports (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        TEXT NOT NULL,
        file      TEXT NOT NULL,
        sha256    TEXT NOT NULL,
        people    INTEGER NOT NULL
      );
      CREATE TABLE screenings (
        id                 TEXT PRIMARY KEY,
        at                 TEXT NOT NULL,
        local_date         TEXT NOT NULL,
        lane_id            TEXT NOT NULL,
        session            TEXT NOT NULL,
        person_id          TEXT REFERENCES people(id),
        identity_text      TEXT,
        temperature_c      REAL,
        temperature_source TEXT,
        health_code        TEXT NOT NULL,
        decision           TEXT NOT NULL,
        reasons            TEXT NOT NULL
      );
      CREATE INDEX screenings_by_date ON screenings (local_date, lane_id, at);
      CREATE INDEX screenings_by_person ON screenings (person_id, at);
      CREATE TABLE outbox (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id   TEXT NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        at          TEXT NOT NULL,
        data        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','rejected')),
        attempts    INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_pending ON outbox (status, seq);
    `,
  },
  {
    version: 2,
    name: 'thermometer calibrations; raw forehead and ambient values beside estimates',
    sql: `
      CREATE TABLE calibrations (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        lane_id       TEXT NOT NULL,
        device_id     TEXT NOT NULL,
        slope         REAL NOT NULL,
        intercept     REAL NOT NULL,
        residual_sd_c REAL NOT NULL,
        points        TEXT NOT NULL,
        at            TEXT NOT NULL
      );
      CREATE INDEX calibrations_by_lane ON calibrations (lane_id, device_id, id);
      ALTER TABLE screenings ADD COLUMN object_c REAL;
      ALTER TABLE screenings ADD COLUMN ambient_c REAL;
      ALTER TABLE screenings ADD COLUMN calibration_id INTEGER REFERENCES calibrations(id);
    `,
  },
  {
    version: 3,
    name: 'several cards per person',
    sql: `
      CREATE TABLE person_identities (
        person_id  TEXT NOT NULL REFERENCES people(id),
        kind       TEXT NOT NULL CHECK (kind IN ('card')),
        value      TEXT NOT NULL UNIQUE,
        position   INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX person_identities_by_person ON person_identities (person_id, position);
      INSERT INTO person_identities (person_id, kind, value, position)
        SELECT id, 'card', card, 0 FROM people WHERE card IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'return certificates; outbox priority, retry and outcome',
    sql: `
      CREATE TABLE return_certificates (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id   TEXT NOT NULL REFERENCES people(id),
        issued_at   TEXT NOT NULL,
        note        TEXT,
        recorded_at TEXT NOT NULL
      );
      CREATE INDEX return_certificates_by_person ON return_certificates (person_id, id);
      ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
      ALTER TABLE outbox ADD COLUMN last_error TEXT;
      ALTER TABLE outbox ADD COLUMN sent_at TEXT;
      DROP INDEX outbox_pending;
      CREATE INDEX outbox_pending ON outbox (status, priority DESC, seq);
    `,
  },
  {
    version: 5,
    name: 'outbox: records sent, by day, for the upload status',
    sql: `
      CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE status = 'sent';
    `,
  },
  {
    version: 6,
    name: 'accounts, sessions, display tokens, audit log',
    sql: `
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT NOT NULL UNIQUE,
        role          TEXT NOT NULL CHECK (role IN ('guard','nurse','admin','maintenance')),
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        disabled_at   TEXT
      );
      CREATE TABLE auth_sessions (
        token_hash   TEXT PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id),
        csrf_token   TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
      );
      CREATE TABLE display_tokens (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        token_hash  TEXT NOT NULL UNIQUE,
        name        TEXT NOT NULL,
        lanes       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        revoked_at  TEXT
      );
      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        person_id   TEXT,
        detail      TEXT NOT NULL
      );
      CREATE INDEX audit_by_person ON audit_log (person_id, id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 7,
    name: 'nurse cases and re-checks; guard actions at the gate',
    sql: `
      CREATE TABLE cases (
        id                 TEXT PRIMARY KEY,
        screening_id       TEXT NOT NULL UNIQUE REFERENCES screenings(id),
        opened_at          TEXT NOT NULL,
        local_date         TEXT NOT NULL,
        person_id          TEXT REFERENCES people(id),
        lane_id            TEXT NOT NULL,
        decision           TEXT NOT NULL CHECK (decision IN ('fever','code_yellow','code_red','verify')),
        gate_temperature_c REAL,
        health_code        TEXT NOT NULL,
        status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
        disposition        TEXT CHECK (disposition IN ('admitted','observation','sent_home','referred')),
        disposition_note   TEXT,
        guardian_contact   TEXT,
        closed_at          TEXT,
        closed_by          TEXT,
        confirmed_fever_at TEXT
      );
      CREATE INDEX cases_by_status ON cases (status, opened_at);
      CREATE INDEX cases_by_person ON cases (person_id, opened_at);
      CREATE TABLE case_rechecks (
        id            TEXT PRIMARY KEY,
        case_id       TEXT NOT NULL REFERENCES cases(id),
        at            TEXT NOT NULL,
        temperature_c REAL NOT NULL,
        method        TEXT NOT NULL CHECK (method IN ('axillary','oral','ear')),
        symptoms      TEXT NOT NULL,
        note          TEXT,
        recorded_by   TEXT NOT NULL
      );
      CREATE INDEX case_rechecks_by_case ON case_rechecks (case_id, at);
      CREATE TABLE guard_actions (
        id            TEXT PRIMARY KEY,
        at            TEXT NOT NULL,
        local_date    TEXT NOT NULL,
        lane_id       TEXT NOT NULL,
        screening_id  TEXT NOT NULL UNIQUE REFERENCES screenings(id),
        decision      TEXT NOT NULL,
        action        TEXT NOT NULL,
        detail        TEXT NOT NULL,
        actor         TEXT NOT NULL
      );
      CREATE INDEX guard_actions_by_date ON guard_actions (local_date, lane_id, at);
    `,
  },
  {
    version: 8,
    name: 'absences at each cut-off, roll calls, daily summaries',
    sql: `
      CREATE TABLE roll_calls (
        local_date  TEXT NOT NULL,
        session     TEXT NOT NULL,
        at          TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('listed','no_screenings')),
        expected    TEXT NOT NULL,
        PRIMARY KEY (local_date, session)
      );
      CREATE TABLE absences (
        id                   TEXT PRIMARY KEY,
        local_date           TEXT NOT NULL,
        session              TEXT NOT NULL,
        person_id            TEXT NOT NULL REFERENCES people(id),
        listed_at            TEXT NOT NULL,
        reason               TEXT NOT NULL DEFAULT 'unknown' CHECK (reason IN ('sick','personal','unknown')),
        symptoms             TEXT NOT NULL DEFAULT '[]',
        doctor_seen          INTEGER,
        diagnosis            TEXT,
        follow_ups           TEXT NOT NULL DEFAULT '[]',
        arrived_at           TEXT,
        arrival_screening_id TEXT,
        revision             INTEGER NOT NULL DEFAULT 1,
        updated_at           TEXT NOT NULL,
        updated_by           TEXT NOT NULL,
        UNIQUE (local_date, session, person_id)
      );
      CREATE INDEX absences_by_person ON absences (person_id, local_date);
      CREATE TABLE daily_summaries (
        local_date  TEXT PRIMARY KEY,
        record_id   TEXT NOT NULL UNIQUE,
        at          TEXT NOT NULL,
        data        TEXT NOT NULL
      );
    `,
  },
];

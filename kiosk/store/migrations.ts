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
];

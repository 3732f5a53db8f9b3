/**
 * Schema version 2: a day's overview from a rollup, `records` partitioned by day, every table keyed by
 * `school_id` first (so the schema can be distributed by school), and the work of a batch in one
 * server-side function (one round trip). Upgrades a version-1 database with its data in place:
 * records are copied once into the partitioned table, and the rollup is built from them.
 *
 * `gate_kiosk.time_zone` (set by the migration runner) is the schools' time zone: the local date of a
 * direct report that carries none.
 */
export const migration2 = `
  -- Idempotency keys are the school's: (school, key), and the body's hash answers a resend unparsed.
  ALTER TABLE batches DROP CONSTRAINT batches_pkey;
  ALTER TABLE batches ADD PRIMARY KEY (school_id, idempotency_key);
  ALTER TABLE batches ADD COLUMN body_sha256 text;

  -- Partitions by day, made on demand and ahead of time. A day another scheme already covers
  -- (pg_partman's monthly partitions, say) is left to it.
  CREATE FUNCTION collector_ensure_partitions(parent text, days date[]) RETURNS integer
  LANGUAGE plpgsql AS $fn$
  DECLARE
    d date;
    made integer := 0;
    part text;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('gate-kiosk collector partitions'));
    FOREACH d IN ARRAY coalesce(ARRAY(SELECT DISTINCT x FROM unnest(days) AS x WHERE x IS NOT NULL ORDER BY x), '{}') LOOP
      part := parent || '_p' || to_char(d, 'YYYYMMDD');
      IF to_regclass(quote_ident(part)) IS NULL THEN
        BEGIN
          EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, d, d + 1);
          made := made + 1;
        EXCEPTION WHEN invalid_object_definition THEN
          NULL;
        END;
      END IF;
    END LOOP;
    RETURN made;
  END
  $fn$;

  -- Drops this collector's day partitions of \`parent\` for days before \`before\`.
  CREATE FUNCTION collector_drop_partitions(parent text, before date) RETURNS integer
  LANGUAGE plpgsql AS $fn$
  DECLARE
    part text;
    dropped integer := 0;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('gate-kiosk collector partitions'));
    FOR part IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = parent::regclass AND c.relname ~ ('^' || parent || '_p[0-9]{8}$')
        AND to_date(right(c.relname, 8), 'YYYYMMDD') < before
      ORDER BY c.relname
    LOOP
      EXECUTE format('DROP TABLE %I', part);
      dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
  END
  $fn$;

  -- Records, partitioned by \`day\`: the UTC date of \`at\`, which never changes for a record, so a
  -- record sent again lands on the same day and is found there.
  ALTER TABLE records RENAME TO records_v1;
  ALTER INDEX records_pkey RENAME TO records_v1_pkey;
  DROP INDEX records_by_day;
  CREATE SEQUENCE records_received_seq;
  CREATE TABLE records (
    school_id     text NOT NULL,
    day           date NOT NULL,
    id            text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('screening', 'case', 'absence', 'daily_summary')),
    at            timestamptz NOT NULL,
    local_date    date,
    kiosk_id      text NOT NULL,
    batch_key     text NOT NULL,
    data          jsonb NOT NULL,
    received_seq  bigint NOT NULL DEFAULT nextval('records_received_seq'),
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (school_id, day, id)
  ) PARTITION BY RANGE (day);
  ALTER SEQUENCE records_received_seq OWNED BY records.received_seq;
  SELECT collector_ensure_partitions('records', ARRAY(SELECT DISTINCT (at AT TIME ZONE 'UTC')::date FROM records_v1));
  INSERT INTO records (school_id, day, id, kind, at, local_date, kiosk_id, batch_key, data, received_seq, received_at)
    SELECT school_id, (at AT TIME ZONE 'UTC')::date, id, kind, at, local_date, kiosk_id, batch_key, data,
           received_seq, received_at
    FROM records_v1 ORDER BY received_seq;
  SELECT setval('records_received_seq', coalesce((SELECT max(received_seq) FROM records_v1), 0) + 1, false);

  -- Direct reports keep what the district's list shows, so the list never reads \`records\`.
  ALTER TABLE direct_reports ADD COLUMN kiosk_id text, ADD COLUMN local_date date, ADD COLUMN data jsonb;
  UPDATE direct_reports d
    SET kiosk_id = r.kiosk_id, data = r.data,
        local_date = coalesce(r.local_date, (r.at AT TIME ZONE current_setting('gate_kiosk.time_zone'))::date)
    FROM records_v1 r WHERE r.school_id = d.school_id AND r.id = d.record_id;
  ALTER TABLE direct_reports ALTER COLUMN kiosk_id SET NOT NULL, ALTER COLUMN local_date SET NOT NULL,
    ALTER COLUMN data SET NOT NULL;
  DROP INDEX direct_reports_unanswered;
  CREATE INDEX direct_reports_unanswered ON direct_reports (school_id, reported_at) WHERE answered_at IS NULL;

  -- Who was screened on a day, and at which checks (and flagged at which): a person counts once
  -- per check and once for the day however often they are measured. One row per person and day,
  -- partitioned by the schools' local date like records. added_checks, added_flagged and
  -- was_flagged say what the batch that last wrote the row changed, for the rollup.
  CREATE TABLE check_people (
    school_id       text NOT NULL,
    local_date      date NOT NULL,
    person_key      text NOT NULL,
    checks          text[] NOT NULL,
    flagged_checks  text[] NOT NULL,
    added_checks    text[],
    added_flagged   text[],
    was_flagged     boolean,
    PRIMARY KEY (school_id, local_date, person_key)
  ) PARTITION BY RANGE (local_date);
  SELECT collector_ensure_partitions('check_people',
    ARRAY(SELECT DISTINCT local_date FROM records_v1 WHERE kind = 'screening' AND local_date IS NOT NULL));
  INSERT INTO check_people (school_id, local_date, person_key, checks, flagged_checks)
    SELECT school_id, local_date, coalesce(data->>'personId', id),
           array_agg(DISTINCT data->>'session'),
           coalesce(array_agg(DISTINCT data->>'session')
             FILTER (WHERE data->>'decision' IN ('fever', 'code_yellow', 'code_red')), '{}')
    FROM records_v1
    WHERE kind = 'screening' AND local_date IS NOT NULL AND NOT data ? 'resolves'
      AND data->>'decision' NOT IN ('retake', 'not_measured') AND data->>'session' IS NOT NULL
    GROUP BY 1, 2, 3;

  -- Each absence as its latest revision says (one per pupil and check).
  CREATE TABLE check_absences (
    school_id    text NOT NULL,
    local_date   date NOT NULL,
    session      text NOT NULL,
    absence_key  text NOT NULL,
    revision     integer NOT NULL,
    at           timestamptz NOT NULL,
    open         boolean NOT NULL,
    PRIMARY KEY (school_id, local_date, session, absence_key)
  );
  INSERT INTO check_absences (school_id, local_date, session, absence_key, revision, at, open)
    SELECT DISTINCT ON (school_id, local_date, data->>'session', coalesce(data->>'absenceId', id))
      school_id, local_date, data->>'session', coalesce(data->>'absenceId', id),
      coalesce((data->>'revision')::int, -1), at, (data->>'status') IS DISTINCT FROM 'arrived'
    FROM records_v1
    WHERE kind = 'absence' AND local_date IS NOT NULL AND data->>'session' IS NOT NULL
    ORDER BY school_id, local_date, data->>'session', coalesce(data->>'absenceId', id),
      coalesce((data->>'revision')::int, -1) DESC, at DESC;

  -- The overview's figures per school, day and check, kept in the transaction that stores a batch.
  -- Session '' is the whole day: people screened or flagged at any check, absences summed over the
  -- checks (one per pupil and check missed), and direct reports received for that day.
  CREATE TABLE day_checks (
    school_id       text NOT NULL,
    local_date      date NOT NULL,
    session         text NOT NULL,
    screened        integer NOT NULL DEFAULT 0,
    flagged         integer NOT NULL DEFAULT 0,
    absent          integer NOT NULL DEFAULT 0,
    direct_reports  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (school_id, local_date, session)
  );
  INSERT INTO day_checks (school_id, local_date, session, screened, flagged, absent, direct_reports)
    SELECT school_id, local_date, session, sum(screened), sum(flagged), sum(absent), sum(reports)
    FROM (
      SELECT school_id, local_date, c.session, count(*) AS screened, 0 AS flagged, 0 AS absent, 0 AS reports
      FROM check_people CROSS JOIN LATERAL unnest(checks) AS c (session) GROUP BY 1, 2, 3
      UNION ALL
      SELECT school_id, local_date, c.session, 0, count(*), 0, 0
      FROM check_people CROSS JOIN LATERAL unnest(flagged_checks) AS c (session) GROUP BY 1, 2, 3
      UNION ALL
      SELECT school_id, local_date, '', count(*), count(*) FILTER (WHERE cardinality(flagged_checks) > 0), 0, 0
      FROM check_people GROUP BY 1, 2
      UNION ALL
      SELECT school_id, local_date, s.session, 0, 0, count(*) FILTER (WHERE open), 0
      FROM check_absences a CROSS JOIN LATERAL (VALUES (a.session), ('')) AS s (session) GROUP BY 1, 2, 3
      UNION ALL
      SELECT school_id, local_date, '', 0, 0, 0, count(*) FROM direct_reports GROUP BY 1, 2
    ) x
    GROUP BY 1, 2, 3;

  DROP TABLE records_v1 CASCADE;

  -- Stores one batch: its records, the rollup, the kiosk's sign of life and the answer, in one call.
  -- Per record: p_dates is the local date it counts for, p_sessions its check, p_keys the person (a
  -- screening) or the absence, p_marks what it adds (1 a screened person, 2 flagged, 4 a direct
  -- report, 8 an absence, 16 the absence is open), p_revisions an absence's revision. Rows are
  -- written in key order, so two batches of one school never wait for each other in a circle.
  -- The key is claimed last: if another request holds it, everything is undone (SQLSTATE GK409)
  -- and the caller reads that request's answer. A batch without a key (an empty one) only says the
  -- kiosk is alive.
  CREATE FUNCTION collector_store_batch(
    p_school text, p_kiosk text, p_key text, p_ids_sha256 text, p_body_sha256 text, p_count integer,
    p_ids text[], p_kinds text[], p_ats timestamptz[], p_local_dates date[], p_data jsonb[],
    p_dates date[], p_sessions text[], p_keys text[], p_marks integer[], p_revisions integer[],
    p_repeated text[], p_rejected jsonb
  ) RETURNS text
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_inserted boolean[] := '{}';
    v_accepted jsonb := '[]';
    v_duplicate jsonb := '[]';
    v_answer jsonb;
    v_marks integer := 0;
    d_dates date[] := '{}';
    d_sessions text[] := '{}';
    d_screened integer[] := '{}';
    d_flagged integer[] := '{}';
    d_absent integer[] := '{}';
    d_reports integer[] := '{}';
    a_dates date[];
    a_sessions text[];
    a_keys text[];
    a_revisions integer[];
    a_ats timestamptz[];
    a_open boolean[];
  BEGIN
    INSERT INTO schools (id) VALUES (p_school) ON CONFLICT (id) DO NOTHING;

    IF cardinality(p_ids) > 0 THEN
      WITH ins AS (
        INSERT INTO records (school_id, day, id, kind, at, local_date, kiosk_id, batch_key, data)
        SELECT p_school, (r.at AT TIME ZONE 'UTC')::date, r.id, r.kind, r.at, r.local_date, p_kiosk, p_key, r.data
        FROM unnest(p_ids, p_kinds, p_ats, p_local_dates, p_data) WITH ORDINALITY AS r (id, kind, at, local_date, data, n)
        ORDER BY r.n
        ON CONFLICT (school_id, day, id) DO NOTHING
        RETURNING id
      )
      SELECT array_agg(ins.id IS NOT NULL ORDER BY r.n),
             coalesce(jsonb_agg(r.id ORDER BY r.n) FILTER (WHERE ins.id IS NOT NULL), '[]'),
             coalesce(jsonb_agg(r.id ORDER BY r.n) FILTER (WHERE ins.id IS NULL), '[]'),
             coalesce(bit_or(r.marks) FILTER (WHERE ins.id IS NOT NULL), 0)
      INTO v_inserted, v_accepted, v_duplicate, v_marks
      FROM unnest(p_ids, p_marks) WITH ORDINALITY AS r (id, marks, n)
      LEFT JOIN ins ON ins.id = r.id;
    END IF;

    IF v_marks & 4 <> 0 THEN
      WITH dr AS (
        INSERT INTO direct_reports (school_id, record_id, reported_at, kiosk_id, local_date, data)
        SELECT p_school, r.id, r.at, p_kiosk, r.d, r.data
        FROM unnest(p_ids, p_ats, p_dates, p_data, p_marks, v_inserted) AS r (id, at, d, data, marks, fresh)
        WHERE r.fresh AND r.marks & 4 <> 0
        ON CONFLICT DO NOTHING
        RETURNING local_date
      )
      SELECT d_dates || array_agg(local_date), d_sessions || array_agg(''::text),
             d_screened || array_agg(0), d_flagged || array_agg(0), d_absent || array_agg(0), d_reports || array_agg(1)
      INTO d_dates, d_sessions, d_screened, d_flagged, d_absent, d_reports
      FROM dr;
    END IF;

    IF v_marks & 1 <> 0 THEN
      -- Each person of the batch once, with the checks they were screened and flagged at; what that
      -- adds to what the day already held is written into the row (added_*) and counted from it.
      WITH up AS (
        INSERT INTO check_people AS c
          (school_id, local_date, person_key, checks, flagged_checks, added_checks, added_flagged, was_flagged)
        SELECT p_school, x.d, x.person, x.checks, x.flagged, x.checks, x.flagged, NULL
        FROM (
          SELECT r.d, r.person, array_agg(DISTINCT r.session) AS checks,
                 coalesce(array_agg(DISTINCT r.session) FILTER (WHERE r.marks & 2 <> 0), '{}') AS flagged
          FROM unnest(p_dates, p_sessions, p_keys, p_marks, v_inserted) AS r (d, session, person, marks, fresh)
          WHERE r.fresh AND r.marks & 1 <> 0
          GROUP BY r.d, r.person
          ORDER BY r.d, r.person
        ) x
        ON CONFLICT (school_id, local_date, person_key) DO UPDATE SET
          checks = c.checks || ARRAY(SELECT unnest(excluded.checks) EXCEPT SELECT unnest(c.checks)),
          flagged_checks = c.flagged_checks
            || ARRAY(SELECT unnest(excluded.flagged_checks) EXCEPT SELECT unnest(c.flagged_checks)),
          added_checks = ARRAY(SELECT unnest(excluded.checks) EXCEPT SELECT unnest(c.checks)),
          added_flagged = ARRAY(SELECT unnest(excluded.flagged_checks) EXCEPT SELECT unnest(c.flagged_checks)),
          was_flagged = cardinality(c.flagged_checks) > 0
        WHERE NOT (excluded.checks <@ c.checks AND excluded.flagged_checks <@ c.flagged_checks)
        RETURNING c.local_date, c.added_checks, c.added_flagged, c.was_flagged
      )
      SELECT d_dates || array_agg(up.local_date), d_sessions || array_agg(u.session),
             d_screened || array_agg(u.screened), d_flagged || array_agg(u.flagged),
             d_absent || array_agg(0), d_reports || array_agg(0)
      INTO d_dates, d_sessions, d_screened, d_flagged, d_absent, d_reports
      FROM up CROSS JOIN LATERAL (
        SELECT a AS session, 1 AS screened, 0 AS flagged FROM unnest(up.added_checks) AS a
        UNION ALL
        SELECT a, 0, 1 FROM unnest(up.added_flagged) AS a
        UNION ALL
        -- The whole day: a person new to it, or flagged for the first time that day.
        SELECT '', (up.was_flagged IS NULL)::int,
               (cardinality(up.added_flagged) > 0 AND NOT coalesce(up.was_flagged, false))::int
      ) AS u;
    END IF;

    IF v_marks & 8 <> 0 THEN
      -- The latest revision of each absence in the batch.
      SELECT array_agg(x.d), array_agg(x.session), array_agg(x.akey), array_agg(x.revision), array_agg(x.at), array_agg(x.open)
      INTO a_dates, a_sessions, a_keys, a_revisions, a_ats, a_open
      FROM (
        SELECT DISTINCT ON (r.d, r.session, r.akey) r.d, r.session, r.akey, r.revision, r.at, r.marks & 16 <> 0 AS open
        FROM unnest(p_dates, p_sessions, p_keys, p_revisions, p_ats, p_marks, v_inserted)
          AS r (d, session, akey, revision, at, marks, fresh)
        WHERE r.fresh AND r.marks & 8 <> 0
        ORDER BY r.d, r.session, r.akey, r.revision DESC, r.at DESC
      ) x;
      -- A newer revision of an absence already held counts its change (open or closed).
      WITH changed AS (
        SELECT c.local_date, c.session, c.absence_key, c.open AS was_open, x.revision, x.at, x.open
        FROM check_absences c
        JOIN unnest(a_dates, a_sessions, a_keys, a_revisions, a_ats, a_open) AS x (d, session, akey, revision, at, open)
          ON c.school_id = p_school AND c.local_date = x.d AND c.session = x.session AND c.absence_key = x.akey
        WHERE (x.revision, x.at) > (c.revision, c.at)
        ORDER BY 1, 2, 3
        FOR UPDATE OF c
      ), up AS (
        UPDATE check_absences c SET revision = ch.revision, at = ch.at, open = ch.open
        FROM changed ch
        WHERE c.school_id = p_school AND c.local_date = ch.local_date AND c.session = ch.session
          AND c.absence_key = ch.absence_key
        RETURNING c.local_date, c.session, ch.open::int - ch.was_open::int AS delta
      )
      SELECT d_dates || array_agg(local_date), d_sessions || array_agg(session),
             d_screened || array_agg(0), d_flagged || array_agg(0), d_absent || array_agg(delta), d_reports || array_agg(0)
      INTO d_dates, d_sessions, d_screened, d_flagged, d_absent, d_reports
      FROM up;
      -- A new absence counts when it is open.
      WITH ab AS (
        INSERT INTO check_absences (school_id, local_date, session, absence_key, revision, at, open)
        SELECT p_school, x.d, x.session, x.akey, x.revision, x.at, x.open
        FROM unnest(a_dates, a_sessions, a_keys, a_revisions, a_ats, a_open) AS x (d, session, akey, revision, at, open)
        ORDER BY 2, 3, 4
        ON CONFLICT DO NOTHING
        RETURNING local_date, session, open
      )
      SELECT d_dates || array_agg(local_date), d_sessions || array_agg(session),
             d_screened || array_agg(0), d_flagged || array_agg(0), d_absent || array_agg(open::int), d_reports || array_agg(0)
      INTO d_dates, d_sessions, d_screened, d_flagged, d_absent, d_reports
      FROM ab;
    END IF;

    IF cardinality(d_dates) > 0 THEN
      INSERT INTO day_checks AS t (school_id, local_date, session, screened, flagged, absent, direct_reports)
      SELECT p_school, x.d, s.session, sum(x.screened), sum(x.flagged), sum(x.absent), sum(x.reports)
      FROM unnest(d_dates, d_sessions, d_screened, d_flagged, d_absent, d_reports)
        AS x (d, session, screened, flagged, absent, reports)
      -- An absence counts at its check and, summed over the checks, for the whole day.
      CROSS JOIN LATERAL (
        SELECT x.session AS session
        UNION ALL
        SELECT ''::text WHERE x.session <> '' AND x.absent <> 0
      ) AS s
      GROUP BY x.d, s.session
      HAVING sum(x.screened) <> 0 OR sum(x.flagged) <> 0 OR sum(x.absent) <> 0 OR sum(x.reports) <> 0
      ORDER BY x.d, s.session
      ON CONFLICT (school_id, local_date, session) DO UPDATE SET
        screened = t.screened + excluded.screened,
        flagged = t.flagged + excluded.flagged,
        absent = t.absent + excluded.absent,
        direct_reports = t.direct_reports + excluded.direct_reports;
    END IF;

    INSERT INTO kiosks (school_id, id) VALUES (p_school, p_kiosk)
      ON CONFLICT (school_id, id) DO UPDATE SET last_batch_at = now();
    UPDATE schools SET last_batch_at = now() WHERE id = p_school;

    v_answer := jsonb_build_object('accepted', v_accepted, 'duplicate', v_duplicate || to_jsonb(p_repeated),
                                   'rejected', p_rejected);
    IF p_key IS NOT NULL THEN
      INSERT INTO batches (school_id, idempotency_key, kiosk_id, record_ids_sha256, body_sha256, records, answer)
      VALUES (p_school, p_key, p_kiosk, p_ids_sha256, p_body_sha256, p_count, v_answer)
      ON CONFLICT (school_id, idempotency_key) DO NOTHING;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'Idempotency-Key % is held by another request', p_key USING ERRCODE = 'GK409';
      END IF;
    END IF;
    RETURN v_answer::text;
  END
  $fn$;

  -- The overview of a day: one index read per school, whatever the day's size; no JIT.
  CREATE FUNCTION collector_day_overview(p_date date)
  RETURNS TABLE (school_id text, last_batch_at timestamptz, kiosks integer, unanswered integer,
                 session text, screened integer, flagged integer, absent integer, direct_reports integer)
  LANGUAGE sql STABLE SET jit = off AS $fn$
    WITH per_school AS MATERIALIZED (
      SELECT s.id, s.last_batch_at,
        (SELECT count(*) FROM kiosks k WHERE k.school_id = s.id)::int AS kiosks,
        (SELECT count(*) FROM direct_reports d WHERE d.school_id = s.id AND d.answered_at IS NULL)::int AS unanswered
      FROM schools s
    )
    SELECT p.id, p.last_batch_at, p.kiosks, p.unanswered,
      c.session, c.screened, c.flagged, c.absent, c.direct_reports
    FROM per_school p
    LEFT JOIN day_checks c ON c.school_id = p.id AND c.local_date = p_date
    ORDER BY p.id, c.session
  $fn$;

  CREATE FUNCTION collector_unanswered_reports(p_limit integer)
  RETURNS TABLE (school_id text, record_id text, kiosk_id text, reported_at timestamptz, data jsonb)
  LANGUAGE sql STABLE SET jit = off AS $fn$
    SELECT d.school_id, d.record_id, d.kiosk_id, d.reported_at, d.data
    FROM direct_reports d WHERE d.answered_at IS NULL
    ORDER BY d.reported_at, d.school_id, d.record_id
    LIMIT p_limit
  $fn$;
`;

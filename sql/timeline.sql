--
-- The timeline: outbound calls created per bucket and category over a
-- window, as JSON (scheduled_outbound_calls_timeline, _overview) and as rows
-- (callboard_call_timeline_rows, the view callboard_call_timeline), checked
-- against a plain scan on adversarial timestamps.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

-- Calls of their own, in a schema found first on the search_path (the
-- functions find the tables there, as the app's queries would).
CREATE SCHEMA timeline_calls;
CREATE TABLE timeline_calls.twilio_calls (LIKE public.twilio_calls);
-- A NULL status is possible only in a table other than the app's: it is failed.
ALTER TABLE timeline_calls.twilio_calls ALTER COLUMN status DROP NOT NULL;
SET search_path = timeline_calls, public;

CREATE FUNCTION add_call(at timestamptz, status text, direction text DEFAULT 'outbound') RETURNS integer
LANGUAGE sql AS $$
  INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                            created_at, updated_at)
  VALUES (gen_random_uuid(), 'CA', '+1', '+1', direction, status, 0, at, at)
  RETURNING 1
$$;

-- Every status of the mapping in docs/sql-api.md, and values outside it.
CREATE TABLE statuses (n integer, status text);
INSERT INTO statuses VALUES (0, 'initiated'), (1, 'queued'), (2, 'ringing'), (3, 'in_progress'),
  (4, 'in-progress'), (5, 'completed'), (6, 'failed'), (7, 'busy'), (8, 'no_answer'),
  (9, 'no-answer'), (10, 'canceled'), (11, 'Completed'), (12, NULL), (13, '');

-- Adversarial creation times: each hour's edge, a microsecond before and
-- after, for four days around the change to daylight saving time in New
-- York (2025-03-09 07:00 UTC), each with the next status in turn; the
-- change in New York's autumn, on Lord Howe Island (half an hour) and
-- Kolkata's midnights (UTC+05:30), 2000-01-01 (PostgreSQL's epoch) and
-- the microsecond before it, each with every status; calls in the future
-- of the windows below; and inbound calls at the same times, which count
-- nowhere.
SELECT sum(add_call(e.t, s.status)) AS around_each_hour
FROM (SELECT t, row_number() OVER (ORDER BY t) AS i
      FROM generate_series(timestamptz '2025-03-07 07:00+00', '2025-03-11 07:00+00', interval '1 hour') AS h,
           unnest(ARRAY[h - interval '1 microsecond', h, h + interval '1 microsecond']) AS t) AS e
JOIN statuses s ON s.n = e.i % 14;
SELECT sum(add_call(t, s.status)) AS around_each_change
FROM unnest(ARRAY[timestamptz '2025-11-02 06:00+00', '2025-04-05 15:00+00', '2025-03-08 18:30+00',
                  '2025-03-09 18:30+00', '2000-01-01 00:00+00', '1999-12-31 23:59:59.999999+00']) AS e,
     unnest(ARRAY[e - interval '1 microsecond', e, e + interval '1 microsecond']) AS t,
     statuses s;
SELECT sum(add_call(t, 'completed')) AS later
FROM unnest(ARRAY[timestamptz '2025-03-09 07:59:59.999999+00', '2025-03-09 08:00:00+00',
                  '2025-03-10 07:30:00+00', '2025-04-20 00:00:00+00', '2999-01-01 00:00:00+00']) AS t;
SELECT sum(add_call(t, 'completed', d)) AS not_outbound
FROM generate_series(timestamptz '2025-03-09 00:00+00', '2025-03-10 00:00+00', interval '30 minutes') AS t,
     unnest(ARRAY['inbound', 'Outbound', '']) AS d;
SELECT count(*) AS calls, count(*) FILTER (WHERE direction = 'outbound') AS outbound FROM twilio_calls;

-- A scan written without the extension's code: date_bin() for the window
-- and each call's bucket, fixed-length steps (so that no step is a calendar
-- day in the session's zone), callboard_call_category() for the mapping,
-- GROUP BY for the counts.
CREATE FUNCTION scan_timeline(bucket interval, span interval, until timestamptz)
RETURNS TABLE (bucket_start timestamptz, bucket_end timestamptz, category text,
               category_rank integer, calls bigint)
LANGUAGE sql STABLE AS $$
  WITH w AS (SELECT date_bin(bucket, until, timestamptz '2000-01-01 00:00+00')
                    + make_interval(secs => extract(epoch FROM bucket)) AS end_at,
                    make_interval(secs => extract(epoch FROM bucket)) AS step,
                    (extract(epoch FROM span) / extract(epoch FROM bucket))::int AS n),
       b AS (SELECT w.end_at - (w.n - i) * w.step AS bucket_start,
                    w.end_at - (w.n - i - 1) * w.step AS bucket_end
             FROM w, generate_series(0, w.n - 1) AS i),
       c AS (SELECT date_bin(bucket, c.created_at, timestamptz '2000-01-01 00:00+00') AS bucket_start,
                    callboard_call_category(c.status) AS category, count(*) AS calls
             FROM twilio_calls c, w
             WHERE c.direction = 'outbound'
               AND c.created_at >= w.end_at - w.n * w.step AND c.created_at < w.end_at
             GROUP BY 1, 2)
  SELECT b.bucket_start, b.bucket_end, k.category, k.category_rank, coalesce(c.calls, 0)
  FROM b CROSS JOIN callboard_categories() AS k
  LEFT JOIN c ON c.bucket_start = b.bucket_start AND c.category = k.category
$$;

-- The JSON's buckets as rows, to compare with the others.
CREATE FUNCTION json_timeline_rows(doc json)
RETURNS TABLE (bucket_start timestamptz, bucket_end timestamptz, category text,
               category_rank integer, calls bigint)
LANGUAGE sql STABLE AS $$
  -- The document parsed once, not once per row.
  WITH d AS MATERIALIZED (SELECT make_interval(secs => (doc -> 'timeline' ->> 'bucket_seconds')::int) AS step,
                                 doc -> 'timeline' -> 'buckets' AS buckets)
  SELECT (b ->> 'start')::timestamptz, (b ->> 'start')::timestamptz + d.step,
         k.category, k.category_rank, (b ->> k.category)::bigint
  FROM d, json_array_elements(d.buckets) AS b, callboard_categories() AS k
$$;

CREATE TABLE cases (bucket interval, span interval, until timestamptz);
INSERT INTO cases VALUES
  ('1 hour', '24 hours', '2025-03-09 07:30+00'),
  ('1 hour', '24 hours', '2025-03-09 07:00+00'),
  ('1 hour', '24 hours', '2025-03-09 06:59:59.999999+00'),
  ('1 day', '7 days', '2025-03-09 07:30+00'),
  ('1 day', '31 days', '2025-11-02 12:00+00'),
  ('15 minutes', '6 hours', '2025-03-09 08:00+00'),
  ('30 minutes', '2 days', '2025-11-02 06:00+00'),
  ('1 minute', '1 day', '2025-03-09 07:00+00'),
  ('8 hours', '31 days', '2025-03-20 00:00+00'),
  ('45 minutes', '3 days', '2025-04-05 15:00+00'),
  ('1 hour', '2 hours', '2000-01-01 00:30+00'),
  ('PT2H', 'P1D', '2025-03-09 18:30+00');

-- Each case: the rows equal the scan's, the JSON's buckets equal the rows,
-- the window holds calls, and every bucket and category is present.
CREATE FUNCTION compare_cases()
RETURNS TABLE (bucket interval, span interval, until text, buckets bigint, calls numeric,
               rows_vs_scan bigint, json_vs_rows bigint)
LANGUAGE plpgsql AS $$
DECLARE
  c cases;
  f text;
  s text;
  j text;
BEGIN
  FOR c IN SELECT * FROM cases LOOP
    -- Each query planned for its values, as a BI tool's would be.
    f := format('SELECT * FROM callboard_call_timeline_rows(%L, %L, %L)', c.bucket, c.span, c.until);
    s := format('SELECT * FROM scan_timeline(%L, %L, %L)', c.bucket, c.span, c.until);
    j := format('SELECT * FROM json_timeline_rows(scheduled_outbound_calls_timeline(%L, %L, %L))',
                c.bucket, c.span, c.until);
    bucket := c.bucket;
    span := c.span;
    until := to_char(c.until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US');
    EXECUTE format('SELECT count(*) / 4, sum(calls) FROM (%s) f', f) INTO buckets, calls;
    EXECUTE format('SELECT count(*) FROM ((%1$s EXCEPT ALL %2$s) UNION ALL (%2$s EXCEPT ALL %1$s)) d', f, s)
      INTO rows_vs_scan;
    EXECUTE format('SELECT count(*) FROM ((%1$s EXCEPT ALL %2$s) UNION ALL (%2$s EXCEPT ALL %1$s)) d', j, f)
      INTO json_vs_rows;
    RETURN NEXT;
  END LOOP;
END $$;

SET TimeZone = 'UTC';
SELECT * FROM compare_cases();

-- The same in the session time zones where a naive date_trunc() would go
-- wrong: New York's daylight saving changes, half-hour zones, a half-hour
-- daylight saving change, and +13:45.  The documents are byte for byte the
-- ones UTC gives.
CREATE TEMP TABLE utc_documents AS
SELECT c.*, scheduled_outbound_calls_timeline(c.bucket, c.span, c.until)::text AS doc,
       scheduled_outbound_calls_overview(c.bucket, c.span, c.until)::text AS overview
FROM cases c;

SET TimeZone = 'America/New_York';
SELECT count(*) AS cases, count(*) FILTER (WHERE rows_vs_scan = 0 AND json_vs_rows = 0) AS agree FROM compare_cases();
SELECT count(*) FILTER (WHERE scheduled_outbound_calls_timeline(bucket, span, until)::text = doc
                          AND scheduled_outbound_calls_overview(bucket, span, until)::text = overview)
       AS same_as_utc
FROM utc_documents;
SET TimeZone = 'Asia/Kolkata';
SELECT count(*) AS cases, count(*) FILTER (WHERE rows_vs_scan = 0 AND json_vs_rows = 0) AS agree FROM compare_cases();
SELECT count(*) FILTER (WHERE scheduled_outbound_calls_timeline(bucket, span, until)::text = doc) AS same_as_utc
FROM utc_documents;
SET TimeZone = 'Australia/Lord_Howe';
SELECT count(*) AS cases, count(*) FILTER (WHERE rows_vs_scan = 0 AND json_vs_rows = 0) AS agree FROM compare_cases();
SELECT count(*) FILTER (WHERE scheduled_outbound_calls_timeline(bucket, span, until)::text = doc) AS same_as_utc
FROM utc_documents;
SET TimeZone = 'Pacific/Chatham';
SET DateStyle = 'SQL, DMY';
SET IntervalStyle = 'sql_standard';
SELECT count(*) FILTER (WHERE scheduled_outbound_calls_timeline(bucket, span, until)::text = doc) AS same_as_utc
FROM utc_documents;
-- A day bucket is a UTC day, also where the session's day is 23 hours long.
SELECT bucket_start, calls FROM callboard_call_timeline_rows('1 day', '2 days', '2025-03-09 12:00-05')
WHERE category = 'completed';
RESET TimeZone;
RESET DateStyle;
RESET IntervalStyle;
SET TimeZone = 'UTC';

-- The document itself, every key in order.
\pset format unaligned
SELECT scheduled_outbound_calls_timeline('6 hours', '1 day', '2025-03-09 07:00+00');
SELECT scheduled_outbound_calls_overview('1 day', '2 days', '2025-03-09 07:00+00');
\pset format aligned

-- The overview: the summary's counts of the same snapshot, and the timeline.
SELECT (scheduled_outbound_calls_overview() -> 'summary')::text
       = (scheduled_outbound_calls_summary() -> 'summary')::text AS summary_matches,
       (scheduled_outbound_calls_overview() -> 'timeline')::text
       = (scheduled_outbound_calls_timeline() -> 'timeline')::text AS timeline_matches;

-- The defaults: the last 24 hours in hours, ending with the hour that holds
-- now().  In one transaction, so that now() stays put: a call in the last
-- microsecond of the current hour counts, one in the next hour (the
-- future) and one a microsecond before the window do not.
BEGIN;
SELECT date_bin('1 hour', now(), '2000-01-01 00:00+00') + interval '1 hour' AS window_end \gset
SELECT add_call(:'window_end'::timestamptz - interval '1 microsecond', 'queued')
       + add_call(:'window_end'::timestamptz, 'queued')
       + add_call(:'window_end'::timestamptz - interval '24 hours', 'busy')
       + add_call(:'window_end'::timestamptz - interval '24 hours 1 microsecond', 'busy')
       + add_call(now() + interval '2 hours', 'queued') AS added;
SELECT json_array_length(scheduled_outbound_calls_timeline() -> 'timeline' -> 'buckets') AS buckets,
       (scheduled_outbound_calls_timeline() -> 'timeline' ->> 'end')::timestamptz = :'window_end' AS ends_with_this_hour,
       (scheduled_outbound_calls_timeline() -> 'timeline' -> 'buckets' -> 23 ->> 'pending')::int AS pending_this_hour,
       (scheduled_outbound_calls_timeline() -> 'timeline' -> 'buckets' -> 0 ->> 'failed')::int AS failed_first_hour;
SELECT scheduled_outbound_calls_timeline()::text = scheduled_outbound_calls_timeline('1 hour', '24 hours', now())::text
       AS default_is_now,
       scheduled_outbound_calls_timeline()::text = scheduled_outbound_calls_timeline(until => NULL)::text
       AS null_is_now;
SELECT count(*) AS rows_vs_scan
FROM ((SELECT * FROM callboard_call_timeline_rows() EXCEPT ALL SELECT * FROM scan_timeline('1 hour', '24 hours', now()))
      UNION ALL
      (SELECT * FROM scan_timeline('1 hour', '24 hours', now()) EXCEPT ALL SELECT * FROM callboard_call_timeline_rows())) d;
-- The view is the rows of the defaults, in order.
SELECT (SELECT array_agg(v ORDER BY v.bucket_start, v.category_rank)::text FROM callboard_call_timeline v)
       = (SELECT array_agg(r)::text FROM callboard_call_timeline_rows() r) AS view_is_defaults,
       (SELECT count(*) FROM callboard_call_timeline) AS view_rows;
ROLLBACK;

-- Arguments by name, intervals in any input style.
SELECT scheduled_outbound_calls_timeline(span => '2 hours', bucket => 'PT30M', until => '2025-03-09 07:00+00')
       -> 'timeline' ->> 'start' AS start;

-- Errors: 22023 with a hint, nothing read.
SELECT scheduled_outbound_calls_timeline(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 hour', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 month');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('30 seconds', '1 hour');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('-1 hour');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('2 days', '31 days');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('7 minutes', '7 hours');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('90 seconds', '3 hours');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 hour', '1 mon');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 hour', '30 minutes');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 hour', '32 days');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 hour', '90 minutes');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 minute', '2 days');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline(until => 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline(until => '9999-12-31 23:30+00');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline(until => '0001-01-01 12:00+00');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_overview('1 week');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM callboard_call_timeline_rows('1 hour', '25 hours 30 minutes');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_timeline('1 hour', 'soon');
\echo :LAST_ERROR_SQLSTATE
-- The output limit applies to the documents.
SET callboard.max_output_bytes = 1000;
SELECT scheduled_outbound_calls_timeline('1 minute', '1 day', '2025-03-09 07:00+00');
\echo :LAST_ERROR_SQLSTATE
RESET callboard.max_output_bytes;

-- With the index docs/sql-api.md recommends, the window is an index-only range scan
-- of its own calls: the index is read once, for exactly the calls of the
-- window, whatever the table holds.
CREATE INDEX twilio_calls_callboard_timeline ON twilio_calls (created_at) INCLUDE (status)
  WHERE direction = 'outbound';
VACUUM (ANALYZE) twilio_calls;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF)
SELECT c.created_at::pg_catalog.timestamptz, c.status::pg_catalog.text FROM twilio_calls c
WHERE c.direction OPERATOR(pg_catalog.=) 'outbound'
  AND c.created_at OPERATOR(pg_catalog.>=) '2025-03-08 08:00+00'
  AND c.created_at OPERATOR(pg_catalog.<) '2025-03-09 08:00+00';
-- In a new backend, so that the function plans with these settings.
\c
SET search_path = timeline_calls, public;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
BEGIN;
SELECT sum(calls) AS window_calls
FROM callboard_call_timeline_rows('1 hour', '24 hours', '2025-03-09 07:30+00');
SELECT pg_stat_get_xact_numscans('twilio_calls_callboard_timeline'::regclass) AS index_scans,
       pg_stat_get_xact_tuples_returned('twilio_calls_callboard_timeline'::regclass) AS index_entries_read,
       (SELECT count(*) FROM twilio_calls) AS calls_in_table;
COMMIT;
RESET enable_seqscan;
RESET enable_bitmapscan;

RESET search_path;
DROP SCHEMA timeline_calls CASCADE;

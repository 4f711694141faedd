-- The timeline: what it declares, that it equals a plain scan on
-- adversarial timestamps in any session time zone, its errors, and that it
-- reads with the caller's rights and row-level security.
BEGIN;
SELECT plan(28);

CREATE EXTENSION callboard;
SELECT min(id) AS first_user FROM auth_user \gset

-- What the functions declare.
SELECT function_returns('scheduled_outbound_calls_timeline', ARRAY['interval', 'interval', 'timestamp with time zone'],
                        'json', 'the timeline is json');
SELECT volatility_is('scheduled_outbound_calls_timeline', ARRAY['interval', 'interval', 'timestamp with time zone'],
                     'stable', '...STABLE: now() is its default end');
SELECT isnt_definer('scheduled_outbound_calls_timeline', ARRAY['interval', 'interval', 'timestamp with time zone'],
                    '...and SECURITY INVOKER');
SELECT isnt_definer('scheduled_outbound_calls_overview', ARRAY['interval', 'interval', 'timestamp with time zone'],
                    'the overview is SECURITY INVOKER');
SELECT isnt_definer('callboard_call_timeline_rows', ARRAY['interval', 'interval', 'timestamp with time zone'],
                    'the rows are SECURITY INVOKER');
SELECT is((SELECT reloptions FROM pg_class WHERE relname = 'callboard_call_timeline'),
          ARRAY['security_invoker=true'], 'the view is security_invoker');
SELECT columns_are('callboard_call_timeline', ARRAY['bucket_start', 'bucket_end', 'category', 'category_rank', 'calls'],
                   'the view''s columns');

-- Calls at each 15-minute edge, a microsecond either side, for two days
-- around New York's change to daylight saving time, in every status; plus
-- inbound calls and calls in the future.
INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          user_id, created_at, updated_at)
SELECT gen_random_uuid(), 'CA' || i, '+1', '+1555', CASE WHEN i % 17 = 0 THEN 'inbound' ELSE 'outbound' END,
       (ARRAY['initiated', 'queued', 'ringing', 'in_progress', 'in-progress', 'completed', 'failed', 'busy',
              'no_answer', 'no-answer', 'canceled', 'Completed'])[i % 12 + 1],
       0, :first_user + i % 2, t, t
FROM (SELECT t, row_number() OVER (ORDER BY t) AS i
      FROM generate_series(timestamptz '2025-03-08 07:00+00', '2025-03-10 07:00+00', interval '15 minutes') AS e,
           unnest(ARRAY[e - interval '1 microsecond', e, e + interval '1 microsecond']) AS t) AS s;
INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          user_id, created_at, updated_at)
VALUES (gen_random_uuid(), 'CA-future', '+1', '+1555', 'outbound', 'queued', 0, :first_user,
        '2025-03-09 08:00+00', now());
-- Check the deferred foreign keys now, so the table can be altered below.
SET CONSTRAINTS ALL IMMEDIATE;

-- The plain scan: date_bin() and GROUP BY, every bucket and category.
CREATE FUNCTION pg_temp.scan(bucket interval, span interval, until timestamptz)
RETURNS TABLE (bucket_start timestamptz, bucket_end timestamptz, category text, category_rank integer, calls bigint)
LANGUAGE sql STABLE AS $$
  SELECT s.t, s.t + make_interval(secs => extract(epoch FROM bucket)), k.category, k.category_rank,
         (SELECT count(*) FROM twilio_calls c
          WHERE c.direction = 'outbound' AND callboard_call_category(c.status) = k.category
            AND date_bin(bucket, c.created_at, timestamptz '2000-01-01 00:00+00') = s.t)
  FROM (SELECT date_bin(bucket, until, timestamptz '2000-01-01 00:00+00')
               - n * make_interval(secs => extract(epoch FROM bucket)) AS t
        FROM generate_series(0, (extract(epoch FROM span) / extract(epoch FROM bucket))::int - 1) AS n) AS s,
       callboard_categories() AS k
  ORDER BY 1, 4
$$;

SELECT results_eq($$SELECT * FROM callboard_call_timeline_rows('1 hour', '24 hours', '2025-03-09 07:00+00')$$,
                  $$SELECT * FROM pg_temp.scan('1 hour', '24 hours', '2025-03-09 07:00+00')$$,
                  'hourly, ending at the change to daylight saving: the rows equal the scan');
SELECT results_eq($$SELECT * FROM callboard_call_timeline_rows('15 minutes', '6 hours', '2025-03-09 06:59:59.999999+00')$$,
                  $$SELECT * FROM pg_temp.scan('15 minutes', '6 hours', '2025-03-09 06:59:59.999999+00')$$,
                  'quarter hours, ending a microsecond before an edge');
SELECT results_eq($$SELECT * FROM callboard_call_timeline_rows('1 day', '3 days', '2025-03-09 12:00+00')$$,
                  $$SELECT * FROM pg_temp.scan('1 day', '3 days', '2025-03-09 12:00+00')$$,
                  'days: UTC days');
SELECT is((SELECT sum(calls)::int FROM callboard_call_timeline_rows('1 hour', '24 hours', '2025-03-09 07:00+00')),
          (SELECT count(*)::int FROM twilio_calls WHERE direction = 'outbound'
             AND created_at >= '2025-03-08 08:00+00' AND created_at < '2025-03-09 08:00+00'),
          'the window holds exactly the outbound calls of [start, end): the future call at the end is out');

CREATE TEMP TABLE utc_doc AS
SELECT scheduled_outbound_calls_timeline('15 minutes', '6 hours', '2025-03-09 07:00+00')::text AS doc;

SET LOCAL TimeZone = 'America/New_York';
SELECT results_eq($$SELECT * FROM callboard_call_timeline_rows('1 hour', '24 hours', '2025-03-09 07:00+00')$$,
                  $$SELECT * FROM pg_temp.scan('1 hour', '24 hours', '2025-03-09 07:00+00')$$,
                  'in New York''s zone, across its 23-hour day, the same');
SELECT results_eq($$SELECT * FROM callboard_call_timeline_rows('1 day', '3 days', '2025-03-09 12:00+00')$$,
                  $$SELECT * FROM pg_temp.scan('1 day', '3 days', '2025-03-09 12:00+00')$$,
                  '...day buckets too, still UTC days');
SET LOCAL TimeZone = 'Asia/Kathmandu';
SELECT is(scheduled_outbound_calls_timeline('15 minutes', '6 hours', '2025-03-09 07:00+00')::text,
          (SELECT doc FROM utc_doc), 'at UTC+05:45 the document is byte for byte the UTC one');
SET LOCAL TimeZone = 'UTC';

-- The view is the last 24 hours in hours.
SELECT results_eq('SELECT * FROM callboard_call_timeline', 'SELECT * FROM pg_temp.scan(''1 hour'', ''24 hours'', now())',
                  'the view is the scan of the last 24 hours');

-- Errors: 22023 with a hint.
SELECT throws_ok($$SELECT scheduled_outbound_calls_timeline('7 minutes')$$, '22023',
                 'bucket must be a whole number of minutes that divides a day', 'a bucket that does not divide a day');
SELECT throws_ok($$SELECT scheduled_outbound_calls_timeline('1 hour', '45 days')$$, '22023',
                 'span must be between one bucket and 31 days', 'a span over 31 days');
SELECT throws_ok($$SELECT * FROM callboard_call_timeline_rows('1 minute', '2 days')$$, '22023',
                 'a timeline holds at most 1440 buckets', 'too many buckets, from the rows function too');
SELECT throws_ok($$SELECT scheduled_outbound_calls_overview(until => '-infinity')$$, '22023',
                 'until is out of range for a timeline', 'an infinite until, from the overview too');

-- The caller's rights.
CREATE ROLE callboard_tap_timeline_nobody;
CREATE ROLE callboard_tap_timeline_reader;
GRANT SELECT ON twilio_calls TO callboard_tap_timeline_reader;
GRANT SELECT ON callboard_call_timeline TO callboard_tap_timeline_nobody, callboard_tap_timeline_reader;
SET LOCAL ROLE callboard_tap_timeline_nobody;
SELECT throws_ok('SELECT scheduled_outbound_calls_timeline()', '42501', 'permission denied for table twilio_calls',
                 'without SELECT on twilio_calls: 42501');
SELECT throws_ok('SELECT * FROM callboard_call_timeline', '42501', 'permission denied for table twilio_calls',
                 '...also through the view, which reads with the reader''s rights');
RESET ROLE;
SET LOCAL ROLE callboard_tap_timeline_reader;
SELECT lives_ok($$SELECT scheduled_outbound_calls_timeline('1 hour', '24 hours', '2025-03-09 07:00+00')$$,
                'SELECT on twilio_calls is enough: hume_agents is not read');
SELECT lives_ok($$SELECT scheduled_outbound_calls_overview('1 hour', '24 hours', '2025-03-09 07:00+00')$$,
                '...for the overview too');
RESET ROLE;

-- Row-level security: a user sees the calls of its own app user id.
ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_calls ON twilio_calls FOR SELECT TO callboard_tap_timeline_reader
  USING (user_id = (current_setting('request.jwt.claims', true)::json ->> 'user_id')::int);
CREATE TEMP TABLE own AS
SELECT b.bucket_start, b.category, b.calls
FROM pg_temp.scan('1 hour', '24 hours', '2025-03-09 07:00+00') AS b;
-- What the first user may see, counted as the owner (who bypasses the policy).
CREATE TEMP TABLE own_expected AS
SELECT s.t AS bucket_start, k.category,
       (SELECT count(*) FROM twilio_calls c
        WHERE c.direction = 'outbound' AND c.user_id = :first_user AND callboard_call_category(c.status) = k.category
          AND date_bin('1 hour', c.created_at, timestamptz '2000-01-01 00:00+00') = s.t) AS calls
FROM (SELECT DISTINCT bucket_start AS t FROM own) AS s, callboard_categories() AS k;
GRANT SELECT ON own, own_expected TO callboard_tap_timeline_reader;

SET LOCAL ROLE callboard_tap_timeline_reader;
SELECT set_config('request.jwt.claims', json_build_object('user_id', :first_user)::text, true) \g /dev/null
SELECT results_eq($$SELECT bucket_start, category, calls FROM callboard_call_timeline_rows('1 hour', '24 hours', '2025-03-09 07:00+00') ORDER BY 1, category_rank$$,
                  $$SELECT e.bucket_start, e.category, e.calls FROM own_expected e JOIN callboard_categories() k USING (category) ORDER BY 1, k.category_rank$$,
                  'row-level security: the rows count only the user''s own calls');
SELECT is((SELECT sum(calls)::int FROM json_array_elements(scheduled_outbound_calls_timeline('1 hour', '24 hours', '2025-03-09 07:00+00') -> 'timeline' -> 'buckets') AS b,
                LATERAL (VALUES ((b ->> 'pending')::int + (b ->> 'active')::int + (b ->> 'completed')::int + (b ->> 'failed')::int)) AS v(calls)),
          (SELECT sum(calls)::int FROM own_expected),
          '...and so does the JSON');
SELECT is((scheduled_outbound_calls_overview() -> 'summary')::text, (scheduled_outbound_calls_summary() -> 'summary')::text,
          'the overview''s counts are the summary the user may see');
SELECT ok((SELECT sum(calls) FROM own_expected) < (SELECT sum(calls) FROM own),
          'the policy hides some calls of the window (the test can tell)');
SELECT set_config('request.jwt.claims', json_build_object('user_id', :first_user + 1)::text, true) \g /dev/null
SELECT is((SELECT sum(calls)::int FROM callboard_call_timeline_rows('1 hour', '24 hours', '2025-03-09 07:00+00')),
          (SELECT sum(calls)::int FROM own) - (SELECT sum(calls)::int FROM own_expected),
          'the same session with the other user''s claims counts the other calls (the plan is not stale)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

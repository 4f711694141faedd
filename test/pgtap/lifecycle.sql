-- Installing into a dedicated schema, moving, dropping: what a DBA does.
BEGIN;
SELECT plan(23);

INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          created_at, updated_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'CA1', '+1', '+1555', 'outbound', 'queued', 0,
        '2025-10-24 10:00:00+00', now()),
       ('00000000-0000-4000-8000-000000000002', 'CA2', '+1', '+1555', 'inbound', 'completed', 5,
        '2025-10-24 10:00:00+00', now());
CREATE TEMP TABLE before AS SELECT md5(string_agg(t::text, ',' ORDER BY id)) AS digest FROM twilio_calls t;

-- PostgREST sites expose a dedicated schema.
CREATE SCHEMA api;
CREATE EXTENSION callboard SCHEMA api;
SELECT has_function('api', 'scheduled_outbound_calls', ARRAY['text'],
                    'CREATE EXTENSION callboard SCHEMA api puts the function in api');
SELECT has_function('api', 'callboard_call_category', ARRAY['text'], '...and the mapping');
SELECT hasnt_function('public', 'scheduled_outbound_calls', ARRAY['text'], '...and nothing in public');

SET LOCAL search_path = public;
SELECT is((api.scheduled_outbound_calls() -> 'summary' ->> 'total_pending')::int, 1,
          'it works with api off the search_path, finding the tables through it');
SELECT is((SELECT string_agg(c, '') FROM (SELECT api.scheduled_outbound_calls_chunks(NULL, 16) AS c) AS s),
          api.scheduled_outbound_calls()::text, 'so does the stream');

-- ALTER EXTENSION SET SCHEMA: the function keeps working in the same session.
CREATE SCHEMA dashboard;
ALTER EXTENSION callboard SET SCHEMA dashboard;
SELECT is((dashboard.scheduled_outbound_calls() -> 'summary' ->> 'total_pending')::int, 1,
          'after ALTER EXTENSION SET SCHEMA the same backend still answers');
SELECT is(dashboard.callboard_call_category('queued'), 'pending', 'the mapping moved along');
SELECT is((SELECT total FROM dashboard.callboard_call_summary WHERE category = 'pending'), 1::bigint,
          'the views moved along and still work');
SELECT is((dashboard.scheduled_outbound_calls_page('pending', 10) -> 'calls' -> 0 ->> 'call_sid'), 'CA1',
          'so do the pages, in the same backend');
SELECT is((SELECT string_agg(c, '') FROM (SELECT dashboard.scheduled_outbound_calls_chunks(NULL, 16) AS c) AS s),
          dashboard.scheduled_outbound_calls()::text, 'and the stream, in the same backend');
SELECT is((dashboard.scheduled_outbound_calls_timeline('1 day', '2 days', '2025-10-24 12:00+00')
           -> 'timeline' -> 'buckets' -> 1 ->> 'pending')::int, 1,
          'and the timeline, in the same backend');
SELECT hasnt_function('api', 'scheduled_outbound_calls', ARRAY['text'], 'nothing is left in api');

-- The change signal on: its triggers go with the extension, no CASCADE needed.
SELECT lives_ok('SELECT dashboard.callboard_enable_change_signal()', 'the change signal turns on');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'callboard\_change\_signal%'), 5::bigint,
          'the change signal puts four triggers on twilio_calls and one on hume_agents');
UPDATE twilio_calls SET duration = duration WHERE call_sid = 'CA1';
SELECT is((dashboard.scheduled_outbound_calls() -> 'summary' ->> 'total_pending')::int, 1,
          'writes go on with the signal on');

-- The timeline's index uses no callboard function: DROP EXTENSION needs no CASCADE for it.
SET CONSTRAINTS ALL IMMEDIATE;	-- the deferred foreign keys' checks, before an index is built
CREATE INDEX twilio_calls_callboard_timeline ON twilio_calls (created_at) INCLUDE (status)
  WHERE direction = 'outbound';

-- DROP EXTENSION leaves the app's tables and rows alone.
DROP EXTENSION callboard;
SELECT has_index('public', 'twilio_calls', 'twilio_calls_callboard_timeline',
                 'DROP EXTENSION, without CASCADE, leaves the timeline''s index');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'callboard\_change\_signal%'), 0::bigint,
          'DROP EXTENSION removes the change signal''s triggers');
SELECT hasnt_function('dashboard', 'scheduled_outbound_calls', ARRAY['text'], 'DROP EXTENSION removes the function');
SELECT has_table('public', 'twilio_calls', 'twilio_calls is still there');
SELECT has_table('public', 'hume_agents', 'hume_agents is still there');
SELECT is((SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM twilio_calls t), (SELECT digest FROM before),
          'every row of twilio_calls is unchanged');

-- And it installs again over the same data.
CREATE EXTENSION callboard;
SELECT is((scheduled_outbound_calls() -> 'summary' ->> 'total_pending')::int, 1, 'reinstalled, it answers again');
SELECT is((SELECT sum(calls)::int FROM callboard_call_timeline_rows('1 day', '2 days', '2025-10-24 12:00+00')), 1,
          '...the timeline too, through the index left in place');

SELECT * FROM finish();
ROLLBACK;

-- scheduled_outbound_calls() runs with the caller's rights: table privileges
-- and row-level security decide what it may read.
BEGIN;
SELECT plan(17);

CREATE EXTENSION callboard;
SELECT min(id) AS first_user FROM auth_user \gset

INSERT INTO hume_agents (id, name, hume_config_id, voice_name, language, system_prompt,
                         greeting_message, status, created_at, updated_at, created_by_id)
VALUES ('a0000000-0000-4000-8000-000000000001', 'Sales Agent', 'c', 'v', 'en', 'p', 'g', 'active',
        now(), now(), NULL);
INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          agent_id, user_id, created_at, updated_at)
SELECT ('00000000-0000-4000-8000-00000000000' || n)::uuid, 'CA' || n, '+1', '+1555', 'outbound',
       (ARRAY['initiated', 'ringing', 'completed', 'busy'])[n % 4 + 1], 0,
       'a0000000-0000-4000-8000-000000000001', :first_user + n % 2,
       now() - n * interval '1 minute', now()
FROM generate_series(1, 8) AS n;
-- Check the deferred foreign keys now, so the table can be altered below.
SET CONSTRAINTS ALL IMMEDIATE;

CREATE ROLE callboard_tap_nobody;
CREATE ROLE callboard_tap_calls_only;
CREATE ROLE callboard_tap_dispatcher;
GRANT SELECT ON twilio_calls TO callboard_tap_calls_only;
GRANT SELECT ON twilio_calls, hume_agents TO callboard_tap_dispatcher;
GRANT SELECT ON callboard_outbound_calls, callboard_call_summary TO callboard_tap_calls_only, callboard_tap_dispatcher;

SELECT ok(has_function_privilege('callboard_tap_nobody', 'scheduled_outbound_calls(text)', 'EXECUTE'),
          'anyone may execute the function: the tables guard the data');
SELECT ok(has_function_privilege('callboard_tap_nobody', 'scheduled_outbound_calls_chunks(text, integer)', 'EXECUTE'),
          '...and the stream');

SET LOCAL ROLE callboard_tap_nobody;
SELECT throws_ok('SELECT scheduled_outbound_calls()', '42501',
                 'permission denied for table twilio_calls',
                 'a role without SELECT on twilio_calls gets 42501');
-- LIMIT 1 asks for the first chunk only: the error comes before it.
SELECT throws_ok('SELECT scheduled_outbound_calls_chunks() LIMIT 1', '42501',
                 'permission denied for table twilio_calls',
                 '...and so does the stream, before its first chunk');
RESET ROLE;

SET LOCAL ROLE callboard_tap_calls_only;
SELECT throws_ok('SELECT scheduled_outbound_calls()', '42501',
                 'permission denied for table hume_agents',
                 'SELECT on hume_agents is needed too');
SELECT throws_ok('SELECT scheduled_outbound_calls_chunks() LIMIT 1', '42501',
                 'permission denied for table hume_agents',
                 '...by the stream too, before its first chunk');
RESET ROLE;

SET LOCAL ROLE callboard_tap_dispatcher;
SELECT is((scheduled_outbound_calls() -> 'summary')::text,
          '{"total_pending":2,"total_active":2,"total_completed":2,"total_failed":2}',
          'with SELECT on both tables the role sees every call');
RESET ROLE;

-- A policy in the style PostgREST sites write: a user sees the calls of its
-- own app user id, taken from the request's JWT claims.
ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_calls ON twilio_calls FOR SELECT TO callboard_tap_dispatcher
  USING (user_id = (current_setting('request.jwt.claims', true)::json ->> 'user_id')::int);

SET LOCAL ROLE callboard_tap_dispatcher;
SELECT set_config('request.jwt.claims',
                  json_build_object('user_id', :first_user)::text, true) \g /dev/null
SELECT is((scheduled_outbound_calls() -> 'summary')::text,
          '{"total_pending":2,"total_active":0,"total_completed":2,"total_failed":0}',
          'row-level security hides the other user''s calls from the summary');
SELECT is((SELECT count(*)::int FROM json_array_elements(scheduled_outbound_calls() -> 'calls' -> 'active')),
          0, '...and from the lists');
SELECT is((SELECT string_agg(c ->> 'call_sid', ',')
           FROM json_array_elements(scheduled_outbound_calls() -> 'calls' -> 'completed') AS c),
          'CA2,CA6', 'the visible calls are exactly the user''s own');
SELECT is((SELECT string_agg(c, '') FROM (SELECT scheduled_outbound_calls_chunks(NULL, 16) AS c) AS s),
          scheduled_outbound_calls()::text, 'the stream sees through the same policy, byte for byte');
SELECT set_config('request.jwt.claims',
                  json_build_object('user_id', :first_user + 1)::text, true) \g /dev/null
SELECT is((scheduled_outbound_calls() -> 'summary')::text,
          '{"total_pending":0,"total_active":2,"total_completed":0,"total_failed":2}',
          'the same session with other claims sees the other calls (the plan is not stale)');
-- The BI views and the bounded API run with the caller's rights too.
SELECT results_eq('SELECT category, total FROM callboard_call_summary',
                  $$VALUES ('pending', 0::bigint), ('active', 2), ('completed', 0), ('failed', 2)$$,
                  'the summary view sees through the same policy');
SELECT is((SELECT count(*)::int FROM callboard_outbound_calls), 4, '...and so does the calls view');
SELECT is((scheduled_outbound_calls_summary() -> 'summary')::text,
          '{"total_pending":0,"total_active":2,"total_completed":0,"total_failed":2}',
          '...and the summary function');
RESET ROLE;
SET LOCAL ROLE callboard_tap_calls_only;
SELECT throws_ok('SELECT * FROM callboard_outbound_calls', '42501',
                 'permission denied for table hume_agents',
                 'the calls view needs SELECT on the tables, not only on the view');
RESET ROLE;

-- The table owner is not subject to the policy.
SELECT is((scheduled_outbound_calls() -> 'summary')::text,
          '{"total_pending":2,"total_active":2,"total_completed":2,"total_failed":2}',
          'the owner still sees every call');

SELECT * FROM finish();
ROLLBACK;

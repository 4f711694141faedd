--
-- Kept counts: with the change signal on, the counts per category are kept
-- as each change commits, and equal a count of the rows after every kind
-- of write; readers use them only when they are what the caller's scan
-- would count.  (Prepared transactions: counts_prepared.sql; concurrent
-- writers: specs/kept_counts.spec and test/gateway/test_kept_counts.py.)
--
-- A schema of its own, with empty copies of the app's tables, found first.
CREATE SCHEMA kc;
CREATE TABLE kc.twilio_calls (LIKE public.twilio_calls INCLUDING ALL);
CREATE TABLE kc.hume_agents (LIKE public.hume_agents INCLUDING ALL);
INSERT INTO kc.hume_agents SELECT * FROM public.hume_agents;
SET search_path = kc, public;

-- The kept counts beside a count of the rows, and whether the readers (the
-- summary function, the BI view) agree with the calls in the document.
CREATE FUNCTION kc.counts() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(category || ' ' || coalesce(kept::text, 'not kept')
                    || CASE WHEN kept IS DISTINCT FROM counted THEN ' counted ' || counted ELSE '' END,
                    ', ' ORDER BY category_rank)
         || CASE WHEN (scheduled_outbound_calls_summary() -> 'summary')::text
                      = (scheduled_outbound_calls() -> 'summary')::text
                  AND (SELECT array_agg(total ORDER BY category_rank) FROM callboard_call_summary)
                      = (SELECT array_agg(value::text::bigint ORDER BY ordinality)
                         FROM json_each(scheduled_outbound_calls() -> 'summary') WITH ORDINALITY)
                 THEN '' ELSE ' (READERS DISAGREE)' END
  FROM callboard_verify_counts() JOIN callboard_categories() USING (category) $$;

-- A call as the app's table holds it.
CREATE FUNCTION kc.call(sid text, direction text, status text) RETURNS kc.twilio_calls LANGUAGE sql AS $$
  SELECT ROW(md5(sid)::uuid, sid, '+15550000000', '+15551111111', direction, status, NULL, NULL, 0, NULL,
             NULL, NULL, NULL, NULL, '2025-10-24 10:00:00+00', '2025-10-24 10:00:00+00', NULL, NULL)::kc.twilio_calls $$;

SELECT kc.counts() AS before_the_signal;
SELECT callboard_enable_change_signal();
SELECT kc.counts() AS enabled;
-- Slot 0 holds the count taken then, 64 more the deltas.
SELECT count(*) AS rows, count(*) FILTER (WHERE slot = 0) AS base FROM callboard_call_counts;

-- Inserts, outbound and inbound, every kind of status.
INSERT INTO twilio_calls
SELECT (kc.call('K' || g, CASE WHEN g % 4 = 0 THEN 'inbound' ELSE 'outbound' END,
                (ARRAY['initiated','queued','in_progress','in-progress','ringing','completed',
                       'failed','busy','no_answer','no-answer','canceled','Completed',''])[1 + g % 13])).*
FROM generate_series(1, 130) g;
SELECT kc.counts() AS inserted;

-- Moves between categories, and in and out of outbound.
UPDATE twilio_calls SET status = 'in_progress' WHERE status IN ('initiated', 'queued');
SELECT kc.counts() AS moved;
UPDATE twilio_calls SET direction = 'inbound' WHERE call_sid IN ('K1', 'K2', 'K3');
UPDATE twilio_calls SET direction = 'outbound' WHERE call_sid IN ('K4', 'K8');
SELECT kc.counts() AS direction_changed;
-- A change in no category's counts.
UPDATE twilio_calls SET duration = duration + 1;
SELECT kc.counts() AS durations;
DELETE FROM twilio_calls WHERE status = 'busy';
SELECT kc.counts() AS deleted;

-- Rolled back, whole or to a savepoint.
BEGIN;
DELETE FROM twilio_calls;
SELECT kc.counts() AS inside_a_transaction;
ROLLBACK;
SELECT kc.counts() AS rolled_back;
BEGIN;
UPDATE twilio_calls SET status = 'completed' WHERE status = 'ringing';
SAVEPOINT s;
DELETE FROM twilio_calls WHERE status = 'completed';
ROLLBACK TO SAVEPOINT s;
INSERT INTO twilio_calls SELECT (kc.call('S1', 'outbound', 'queued')).*;
SAVEPOINT t;
UPDATE twilio_calls SET status = 'failed' WHERE call_sid = 'S1';
RELEASE SAVEPOINT t;
COMMIT;
SELECT kc.counts() AS savepoints;

-- COPY, INSERT ... ON CONFLICT, MERGE.
COPY twilio_calls (id, call_sid, from_number, to_number, direction, status, duration, created_at, updated_at) FROM STDIN;
00000000-0000-0000-0000-00000000c001	C1	+1	+2	outbound	queued	0	2025-10-24 10:00:00+00	2025-10-24 10:00:00+00
00000000-0000-0000-0000-00000000c002	C2	+1	+2	outbound	completed	0	2025-10-24 10:00:00+00	2025-10-24 10:00:00+00
00000000-0000-0000-0000-00000000c003	C3	+1	+2	inbound	completed	0	2025-10-24 10:00:00+00	2025-10-24 10:00:00+00
\.
SELECT kc.counts() AS copied;
INSERT INTO twilio_calls SELECT (kc.call(sid, 'outbound', 'ringing')).*
FROM (VALUES ('C1'), ('C2'), ('N1')) AS v(sid)
ON CONFLICT (call_sid) DO UPDATE SET status = excluded.status;
SELECT kc.counts() AS upserted;
MERGE INTO twilio_calls t
USING (VALUES ('C1', 'completed'), ('C2', 'delete'), ('M1', 'queued')) AS v(sid, action)
ON t.call_sid = v.sid
WHEN MATCHED AND v.action = 'delete' THEN DELETE
WHEN MATCHED THEN UPDATE SET status = v.action
WHEN NOT MATCHED THEN INSERT VALUES ((kc.call(v.sid, 'outbound', v.action)).*);
SELECT kc.counts() AS merged;

-- TRUNCATE, rolled back and committed.
BEGIN;
TRUNCATE twilio_calls;
INSERT INTO twilio_calls SELECT (kc.call('T1', 'outbound', 'queued')).*;
SELECT kc.counts() AS truncated_inside;
ROLLBACK;
SELECT kc.counts() AS truncate_rolled_back;
CREATE TABLE kc.saved AS SELECT * FROM twilio_calls;
TRUNCATE twilio_calls;
SELECT kc.counts() AS truncated;
INSERT INTO twilio_calls SELECT * FROM kc.saved;
SELECT kc.counts() AS refilled;

-- Readers use the kept counts only when they are what the caller's scan
-- would count.  A role whose reads row-level security filters gets its own
-- rows' counts; one without SELECT gets 42501; one with SELECT on the two
-- columns the count reads is counted for.
CREATE ROLE kc_reader;
GRANT USAGE ON SCHEMA kc TO kc_reader;
GRANT SELECT ON twilio_calls, hume_agents, callboard_call_summary TO kc_reader;
ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY kc_only_k ON twilio_calls TO kc_reader USING (call_sid LIKE 'K%');
SET ROLE kc_reader;
SELECT scheduled_outbound_calls_summary() AS filtered_by_policy;
SELECT (scheduled_outbound_calls_summary() -> 'summary')::text = (scheduled_outbound_calls() -> 'summary')::text
       AS same_as_the_rows_it_sees;
SELECT array_agg(total ORDER BY category_rank) AS view_filtered_by_policy FROM callboard_call_summary;
SELECT * FROM callboard_call_counts;
RESET ROLE;
ALTER TABLE twilio_calls DISABLE ROW LEVEL SECURITY;
REVOKE SELECT ON twilio_calls FROM kc_reader;
SET ROLE kc_reader;
SELECT scheduled_outbound_calls_summary();
SELECT * FROM callboard_call_summary;
RESET ROLE;
GRANT SELECT (direction, status) ON twilio_calls TO kc_reader;
SET ROLE kc_reader;
SELECT (scheduled_outbound_calls_summary() -> 'summary')::text AS column_privileges_only;
RESET ROLE;
SELECT (scheduled_outbound_calls_summary() -> 'summary')::text AS as_the_owner;

-- Another twilio_calls first on the search_path is counted, not the kept one.
CREATE TEMP TABLE twilio_calls (LIKE kc.twilio_calls);
INSERT INTO pg_temp.twilio_calls SELECT (kc.call('X1', 'outbound', 'queued')).*;
SET search_path = pg_temp, kc, public;
SELECT scheduled_outbound_calls_summary() AS the_temporary_table;
DROP TABLE pg_temp.twilio_calls;
SET search_path = kc, public;

-- Only the extension's functions reach the counts, and only through a
-- trigger may the count trigger run.
SET ROLE kc_reader;
UPDATE callboard_call_counts SET pending = pending + 1;
CREATE TEMP TABLE kc_reader_table (direction text, status text);
CREATE TRIGGER adds_to_the_counts AFTER INSERT ON kc_reader_table REFERENCING NEW TABLE AS n
FOR EACH STATEMENT EXECUTE FUNCTION callboard_count_changes();
DROP TABLE kc_reader_table;
RESET ROLE;
SELECT callboard_count_changes();
SELECT has_function_privilege('kc_reader', 'callboard_count_changes()', 'EXECUTE') AS reader_may_attach,
       has_function_privilege('kc_reader', 'callboard_verify_counts()', 'EXECUTE') AS reader_may_verify;

-- Disabling a count trigger drops the counts (enabling it again would
-- resume from a wrong number); readers count; turning the signal on again
-- counts afresh.
ALTER TABLE twilio_calls DISABLE TRIGGER callboard_change_signal_update;
UPDATE twilio_calls SET status = 'queued' WHERE call_sid = 'K5';
ALTER TABLE twilio_calls ENABLE TRIGGER callboard_change_signal_update;
SELECT kc.counts() AS trigger_was_disabled;
ALTER TABLE twilio_calls DISABLE TRIGGER ALL;
ALTER TABLE twilio_calls ENABLE TRIGGER ALL;
SELECT callboard_enable_change_signal();
SELECT kc.counts() AS counted_afresh;
-- Dropping or renaming one does the same.
ALTER TRIGGER callboard_change_signal_delete ON twilio_calls RENAME TO renamed;
SELECT kc.counts() AS renamed;
ALTER TRIGGER renamed ON twilio_calls RENAME TO callboard_change_signal_delete;
SELECT callboard_enable_change_signal();
-- A session that replicates (session_replication_role = replica) still counts.
SET session_replication_role = replica;
UPDATE twilio_calls SET status = 'completed' WHERE call_sid = 'K5';
RESET session_replication_role;
SELECT kc.counts() AS replica_role;

-- A migration that renames a column the counts read: the app's writes go
-- on, the counts stop (readers count), and come back when turned on again.
ALTER TABLE twilio_calls RENAME COLUMN status TO call_status;
UPDATE twilio_calls SET duration = 7 WHERE call_sid = 'K6';
ALTER TABLE twilio_calls RENAME COLUMN call_status TO status;
SELECT kc.counts() AS after_a_rename;
SELECT callboard_enable_change_signal();
SELECT kc.counts() AS on_again;

-- Turned on concurrently: the same counts, in two transactions (writers
-- wait only for the triggers: specs/enable_concurrently.spec).  Not in a
-- transaction block, and not for a role that may not turn it on.
SELECT callboard_disable_change_signal();
UPDATE twilio_calls SET status = 'busy' WHERE call_sid = 'K5';
SELECT kc.counts() AS off_meanwhile;
CALL callboard_enable_change_signal_concurrently();
SELECT kc.counts() AS on_concurrently, callboard_change_signal_enabled() AS enabled;
CALL callboard_enable_change_signal_concurrently();
SELECT kc.counts() AS on_concurrently_again;
BEGIN;
CALL callboard_enable_change_signal_concurrently();
ROLLBACK;
SET ROLE kc_reader;
CALL callboard_enable_change_signal_concurrently();
RESET ROLE;

-- Turning it on: only for the tables' owner, in READ COMMITTED, for a table
-- whose rows its triggers see, and one table at a time.
SET ROLE kc_reader;
SELECT callboard_enable_change_signal();
RESET ROLE;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT callboard_enable_change_signal();
ROLLBACK;
CREATE TABLE kc.twilio_calls_archive () INHERITS (kc.twilio_calls);
SELECT callboard_enable_change_signal();
DROP TABLE kc.twilio_calls_archive;
SET search_path = public;
SELECT callboard_enable_change_signal();
SET search_path = kc, public;

-- Off: the triggers go, the counts are no longer kept.
SELECT callboard_disable_change_signal();
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'kc.twilio_calls'::regclass;
SELECT kc.counts() AS off;

RESET search_path;
DROP SCHEMA kc CASCADE;
DROP OWNED BY kc_reader;
DROP ROLE kc_reader;

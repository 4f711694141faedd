/* callboard--0.3.0--0.4.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION callboard UPDATE TO '0.4.0'" to load this file. \quit

-- The status -> category mapping is unchanged in 0.4.0, so indexes on
-- callboard_call_category_rank(status) stay valid (docs/sql-api.md, Indexes
-- for large tables).

-- ---------------------------------------------------------------------------
-- The timeline: outbound calls created per bucket and category over a
-- window (src/timeline*.cpp).  Buckets are a whole number of minutes that
-- divides a day (1 minute to 1 day), aligned to UTC midnight; the window is
-- span long (a whole number of buckets, at most 31 days and 1440 buckets)
-- and ends with the bucket that holds until (NULL: now()).  Independent of
-- the session's TimeZone.  The cost follows the window: with the index on
-- (created_at) INCLUDE (status) WHERE direction = 'outbound' that
-- docs/sql-api.md recommends, an index-only range scan.
-- ---------------------------------------------------------------------------

CREATE FUNCTION scheduled_outbound_calls_timeline(bucket interval DEFAULT '1 hour',
                                                  span interval DEFAULT '24 hours',
                                                  until timestamptz DEFAULT NULL)
RETURNS json
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls_timeline'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls_timeline(interval, interval, timestamptz) IS
'Outbound calls created in each bucket of a window, per category, as JSON';

-- The summary's counts and the timeline in one document, from one
-- snapshot: what the page watches, in one event stream instead of two.
CREATE FUNCTION scheduled_outbound_calls_overview(bucket interval DEFAULT '1 hour',
                                                  span interval DEFAULT '24 hours',
                                                  until timestamptz DEFAULT NULL)
RETURNS json
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls_overview'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls_overview(interval, interval, timestamptz) IS
'The counts of scheduled_outbound_calls_summary() and the timeline of scheduled_outbound_calls_timeline(), as one JSON document';

-- The timeline as rows, for BI tools: every bucket and category, zeros included.
CREATE FUNCTION callboard_call_timeline_rows(bucket interval DEFAULT '1 hour',
                                             span interval DEFAULT '24 hours',
                                             until timestamptz DEFAULT NULL)
RETURNS TABLE (bucket_start timestamptz, bucket_end timestamptz, category text,
               category_rank integer, calls bigint)
AS 'MODULE_PATHNAME', 'callboard_call_timeline_rows'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER ROWS 96;

COMMENT ON FUNCTION callboard_call_timeline_rows(interval, interval, timestamptz) IS
'Outbound calls created in each bucket of a window, one row per bucket and category, zeros included';

-- For BI tools: the last 24 hours, hour by hour.  The function reads the
-- tables with the reader's rights and row-level security; security_invoker
-- says so of the view too.
CREATE VIEW callboard_call_timeline WITH (security_invoker = true) AS
SELECT t.bucket_start, t.bucket_end, t.category, t.category_rank, t.calls
FROM callboard_call_timeline_rows() AS t;

COMMENT ON VIEW callboard_call_timeline IS
'Outbound calls created in each hour of the last 24, per category, zeros included';

-- ---------------------------------------------------------------------------
-- Kept counts (src/kept_counts.hpp).
-- ---------------------------------------------------------------------------

-- Kept counts.  With the change signal on, its triggers on twilio_calls add
-- what each statement did to the outbound calls per category to a row of
-- this table, in the writer's transaction, so that every snapshot's counts
-- are those of the rows it sees (src/kept_counts.hpp).  Slot 0 is the count
-- taken when the signal was turned on; the others hold deltas, spread so
-- that concurrent writers do not wait for one another.  Readers sum them.
-- Nobody but the extension's owner may read or write it: callboard's
-- functions do, for callers the counts answer exactly.  Its rows are dumped
-- with the data of the app's tables, in the same snapshot.
CREATE TABLE callboard_call_counts (
    slot integer PRIMARY KEY,
    pending bigint NOT NULL,
    active bigint NOT NULL,
    completed bigint NOT NULL,
    failed bigint NOT NULL
) WITH (fillfactor = 10);

REVOKE ALL ON callboard_call_counts FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('callboard_call_counts', '');

COMMENT ON TABLE callboard_call_counts IS
'Counts of outbound calls per category kept by the change signal: slot 0 is the base, the others deltas; the counts are their sums';

-- The change signal's trigger on twilio_calls from 0.4.0 on: counts and
-- notifies, naming the categories touched (callboard_enable_change_signal()
-- puts it there).
CREATE FUNCTION callboard_count_changes()
RETURNS trigger
AS 'MODULE_PATHNAME', 'callboard_count_changes'
LANGUAGE C;

COMMENT ON FUNCTION callboard_count_changes() IS
'Trigger of the change signal on twilio_calls: keeps the counts per category and NOTIFYs callboard_changes with the categories touched';

-- Whoever could attach it to a table of their own could add to the counts.
REVOKE EXECUTE ON FUNCTION callboard_count_changes() FROM PUBLIC;

-- The kept counts beside a count of every row, for a DBA.
CREATE FUNCTION callboard_verify_counts(OUT category text, OUT kept bigint, OUT counted bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'callboard_verify_counts'
LANGUAGE C VOLATILE ROWS 4;

COMMENT ON FUNCTION callboard_verify_counts() IS
'The kept counts of outbound calls per category (NULL if not kept) beside a count of every row, in one snapshot';

-- Both columns count every row, whatever the policies.
REVOKE EXECUTE ON FUNCTION callboard_verify_counts() FROM PUBLIC;

-- The counts the caller may see, as the summary function counts them.
CREATE FUNCTION callboard_call_totals(OUT category_rank integer, OUT total bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'callboard_call_totals'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER ROWS 4;

COMMENT ON FUNCTION callboard_call_totals() IS
'Number of outbound calls the caller may see in each category, by rank: the kept counts when they answer the caller, else counted';

-- The BI summary view reads them: the same rows as before, without a scan
-- when the counts are kept.
CREATE OR REPLACE VIEW callboard_call_summary WITH (security_invoker = true) AS
SELECT k.category, k.category_rank, t.total
FROM callboard_categories() AS k
JOIN callboard_call_totals() AS t ON t.category_rank = k.category_rank
ORDER BY k.category_rank;

-- callboard_enable_change_signal() now also counts, as the extension's
-- owner, after checking that the caller owns the tables.
COMMENT ON FUNCTION callboard_enable_change_signal() IS
'Turns the change signal on: triggers on twilio_calls and hume_agents (as found through search_path) that keep the counts per category and NOTIFY callboard_changes at commit; counts every outbound call first';

-- The same, in two transactions, as CREATE INDEX CONCURRENTLY: writers wait
-- only while the triggers go in, and the calls are counted while they go on.
-- Not in a transaction block (it commits the first half itself).
CREATE PROCEDURE callboard_enable_change_signal_concurrently()
LANGUAGE C
AS 'MODULE_PATHNAME', 'callboard_enable_change_signal_concurrently';

COMMENT ON PROCEDURE callboard_enable_change_signal_concurrently() IS
'Turns the change signal on as callboard_enable_change_signal() does, in two transactions: writers of twilio_calls wait only while the triggers go in, not while the calls are counted';

REVOKE EXECUTE ON PROCEDURE callboard_enable_change_signal_concurrently() FROM PUBLIC;

-- The kept counts are exact only while the count triggers see every change:
-- after a command that may disable, rename or drop one, this event trigger
-- drops the counts unless all four are still there and enabled (readers
-- then count, until callboard_enable_change_signal() counts afresh).
CREATE FUNCTION callboard_check_count_triggers()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'callboard_check_count_triggers'
LANGUAGE C;

COMMENT ON FUNCTION callboard_check_count_triggers() IS
'Event trigger: drops the kept counts when a count trigger of the change signal is disabled, renamed or dropped';

CREATE EVENT TRIGGER callboard_count_triggers ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER TRIGGER', 'DROP TRIGGER')
    EXECUTE FUNCTION callboard_check_count_triggers();
-- Also in sessions with session_replication_role = replica.
ALTER EVENT TRIGGER callboard_count_triggers ENABLE ALWAYS;

-- ---------------------------------------------------------------------------
-- Privileges and policies (src/change_signal.cpp).
-- ---------------------------------------------------------------------------

-- Privileges and policies decide what a document holds as much as rows do.
-- The event trigger callboard_privileges NOTIFYs callboard_changes with the
-- payload 'privileges' at the start of every command below (delivered if
-- the transaction commits), so that a listener keeping documents (the
-- gateway) drops them before its next answer.  At the start: DROP EXTENSION
-- callboard drops the trigger with it, and could not tell at its end.
-- Commands on roles (ALTER ROLE, GRANT role TO role) fire no event trigger
-- in PostgreSQL: listeners bound how long they keep a document instead.
-- CREATE EVENT TRIGGER needs a superuser, as CREATE EXTENSION callboard
-- does; ALTER EVENT TRIGGER callboard_privileges DISABLE turns it off.
CREATE FUNCTION callboard_notify_privileges()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'callboard_notify_privileges'
LANGUAGE C;

COMMENT ON FUNCTION callboard_notify_privileges() IS
'Event trigger: NOTIFY callboard_changes, ''privileges'' when a command may change who sees what';

CREATE EVENT TRIGGER callboard_privileges ON ddl_command_start
WHEN TAG IN ('GRANT', 'REVOKE',
             'CREATE POLICY', 'ALTER POLICY', 'DROP POLICY',
             'ALTER TABLE', 'DROP TABLE',
             'CREATE FUNCTION', 'ALTER FUNCTION', 'DROP FUNCTION',
             'CREATE VIEW', 'ALTER VIEW', 'DROP VIEW',
             'CREATE RULE', 'DROP RULE',
             'ALTER SCHEMA', 'DROP SCHEMA',
             'ALTER EXTENSION', 'DROP EXTENSION',
             'DROP OWNED', 'SECURITY LABEL')
EXECUTE FUNCTION callboard_notify_privileges();

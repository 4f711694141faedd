/* callboard--0.2.0--0.3.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION callboard UPDATE TO '0.3.0'" to load this file. \quit

-- The status -> category mapping is unchanged in 0.3.0, so indexes on
-- callboard_call_category_rank(status) stay valid.  callboard_call_category()
-- and _rank() are IMMUTABLE, and PostgreSQL trusts that: an update that
-- changes the mapping must also RAISE WARNING here, naming the REINDEX such
-- indexes need (README, Indexes for large tables).

-- The document of scheduled_outbound_calls(status), as text chunks of at
-- most chunk_bytes bytes (16 to 64MB), for clients that read it as it is
-- written: no size limit, memory of about one chunk, one snapshot.  Call it
-- in the select list, where it streams; in FROM, PostgreSQL stores every
-- chunk before returning the first.  PARALLEL RESTRICTED: its cursor lives
-- in the backend that opened it, from the first chunk to the last.
CREATE FUNCTION scheduled_outbound_calls_chunks(status text DEFAULT NULL,
                                                chunk_bytes integer DEFAULT 65536)
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls_chunks'
LANGUAGE C STABLE PARALLEL RESTRICTED SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls_chunks(text, integer) IS
'The document of scheduled_outbound_calls(status) as text chunks of at most chunk_bytes bytes, whose concatenation is that value';

-- The change signal: statement-level triggers on twilio_calls and hume_agents
-- that NOTIFY callboard_changes when a transaction that changed them commits,
-- so live dashboards refresh at once instead of polling.  Off until a DBA
-- turns it on; DROP EXTENSION removes the triggers (src/change_signal.cpp).
CREATE FUNCTION callboard_notify_change()
RETURNS trigger
AS 'MODULE_PATHNAME', 'callboard_notify_change'
LANGUAGE C;

COMMENT ON FUNCTION callboard_notify_change() IS
'Trigger of the change signal: NOTIFY callboard_changes';

CREATE FUNCTION callboard_enable_change_signal()
RETURNS void
AS 'MODULE_PATHNAME', 'callboard_enable_change_signal'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION callboard_enable_change_signal() IS
'Turns the change signal on: a statement trigger on twilio_calls and hume_agents (as found through search_path) that NOTIFYs callboard_changes at commit';

CREATE FUNCTION callboard_disable_change_signal()
RETURNS void
AS 'MODULE_PATHNAME', 'callboard_disable_change_signal'
LANGUAGE C VOLATILE;

COMMENT ON FUNCTION callboard_disable_change_signal() IS
'Turns the change signal off: drops its triggers';

CREATE FUNCTION callboard_change_signal_enabled()
RETURNS boolean
AS 'MODULE_PATHNAME', 'callboard_change_signal_enabled'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION callboard_change_signal_enabled() IS
'Whether both tables carry the change signal''s trigger';

-- Turning the signal on or off is the tables' owners' business, not every
-- role's: PUBLIC keeps only the question.
REVOKE EXECUTE ON FUNCTION callboard_enable_change_signal() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION callboard_disable_change_signal() FROM PUBLIC;

/* callboard--0.1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION callboard" to load this file. \quit

-- The status -> category mapping (README, callboard_call_category).  Not STRICT: a NULL status
-- is "any other value", hence 'failed', as in scheduled_outbound_calls().
CREATE FUNCTION callboard_call_category(status text)
RETURNS text
AS 'MODULE_PATHNAME', 'callboard_call_category'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION callboard_call_category(text) IS
'Dashboard category of a call status: pending, active, completed or failed';

-- The position of the category in the dashboard: 1 pending, 2 active,
-- 3 completed, 4 failed.
CREATE FUNCTION callboard_call_category_rank(status text)
RETURNS integer
AS 'MODULE_PATHNAME', 'callboard_call_category_rank'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION callboard_call_category_rank(text) IS
'Order of the dashboard category of a call status: 1 pending, 2 active, 3 completed, 4 failed';

-- Reads twilio_calls and hume_agents through the caller's search_path, with
-- the caller's privileges and row-level security.
CREATE FUNCTION scheduled_outbound_calls(status text DEFAULT NULL)
RETURNS json
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls(text) IS
'Outbound calls grouped by category (pending, active, completed, failed) with a summary, as JSON';

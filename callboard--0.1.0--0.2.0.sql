/* callboard--0.1.0--0.2.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION callboard UPDATE TO '0.2.0'" to load this file. \quit

-- The categories in output order, from the same C++ table as the mapping.
CREATE FUNCTION callboard_categories(OUT category_rank integer, OUT category text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'callboard_categories'
LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 4;

COMMENT ON FUNCTION callboard_categories() IS
'The dashboard categories in order: (1, pending), (2, active), (3, completed), (4, failed)';

-- Only the counts: {"success":true,"summary":{...}}.
CREATE FUNCTION scheduled_outbound_calls_summary()
RETURNS json
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls_summary'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls_summary() IS
'Counts of outbound calls per category, as the summary of scheduled_outbound_calls(), as JSON';

-- One category's newest calls, page_size at a time (at most 1000), with a
-- keyset cursor for the next page.
CREATE FUNCTION scheduled_outbound_calls_page(category text, page_size integer DEFAULT 50,
                                              cursor text DEFAULT NULL)
RETURNS json
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls_page'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls_page(text, integer, text) IS
'A page of one category''s outbound calls, newest first, as JSON with a next_cursor';

-- The rows behind the views.  A SQL function, so that the tables are found
-- through the caller's search_path when it is used (as for the JSON
-- functions), and so that callboard never depends on the app's tables: the
-- Django app's migrations stay free to alter them.  PostgreSQL inlines it,
-- so filters on the views reach the tables and their indexes.
CREATE FUNCTION callboard_outbound_call_rows()
RETURNS TABLE (call_id uuid, call_sid text, to_number text, customer_name text, status text,
               agent_id uuid, agent_name text, created_at timestamptz, started_at timestamptz,
               duration integer)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT c.id, c.call_sid::text, c.to_number::text, c.customer_name::text, c.status::text,
         a.id, a.name::text, c.created_at, c.started_at, c.duration
  FROM twilio_calls c
  LEFT JOIN hume_agents a ON a.id OPERATOR(pg_catalog.=) c.agent_id
  WHERE c.direction OPERATOR(pg_catalog.=) 'outbound'
$$;

-- For BI tools: one row per outbound call, with its category.
CREATE VIEW callboard_outbound_calls WITH (security_invoker = true) AS
SELECT r.call_id, r.call_sid, r.to_number, r.customer_name, r.status,
       callboard_call_category(r.status) AS category,
       callboard_call_category_rank(r.status) AS category_rank,
       r.agent_id, r.agent_name, r.created_at, r.started_at, r.duration
FROM callboard_outbound_call_rows() AS r;

COMMENT ON VIEW callboard_outbound_calls IS
'Outbound calls with their dashboard category; agent_name is NULL for a call without an agent';

-- For BI tools: the four categories and their counts, zero included.
-- Counted per status first, as scheduled_outbound_calls_summary() does, so
-- an index on (status) WHERE direction = 'outbound' serves it.
CREATE VIEW callboard_call_summary WITH (security_invoker = true) AS
SELECT k.category, k.category_rank, coalesce(sum(s.calls), 0)::bigint AS total
FROM callboard_categories() AS k
LEFT JOIN (SELECT callboard_call_category_rank(r.status) AS category_rank, count(*) AS calls
           FROM callboard_outbound_call_rows() AS r
           GROUP BY r.status) AS s ON s.category_rank = k.category_rank
GROUP BY k.category_rank, k.category
ORDER BY k.category_rank;

COMMENT ON VIEW callboard_call_summary IS
'Number of outbound calls in each dashboard category, all four always present';

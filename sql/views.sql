--
-- The BI views: rows and columns, grouped by the same mapping as the JSON.
--
SELECT call_sid, status, category, category_rank, agent_name, created_at
FROM callboard_outbound_calls
ORDER BY category_rank, created_at DESC, call_id;

-- All four categories, zero included.
SELECT * FROM callboard_call_summary;
BEGIN;
DELETE FROM twilio_calls WHERE callboard_call_category(status) = 'completed';
SELECT * FROM callboard_call_summary;
ROLLBACK;

-- The view holds the calls of the JSON document, one for one.
SELECT count(*) AS calls_in_view,
       (SELECT sum(value::text::int) FROM json_each(scheduled_outbound_calls() -> 'summary')) AS calls_in_json
FROM callboard_outbound_calls;
SELECT count(*) AS mismatches
FROM callboard_outbound_calls v
FULL JOIN (SELECT (c ->> 'call_id')::uuid AS call_id, k.category
           FROM callboard_categories() AS k,
                json_array_elements(scheduled_outbound_calls() -> 'calls' -> k.category) AS c) j
  ON j.call_id = v.call_id AND j.category = v.category
WHERE v.call_id IS NULL OR j.call_id IS NULL;

-- The JSON functions and the views read the calls through two SQL texts
-- (queries.cpp and callboard_outbound_call_rows()); every value agrees, and
-- the types are the same: duration is integer in both.
SELECT pg_get_function_result('callboard_outbound_call_rows'::regproc) AS row_columns;
SELECT count(*) AS calls_compared,
       count(*) FILTER (WHERE (j.c ->> 'call_sid') IS DISTINCT FROM v.call_sid
                           OR (j.c ->> 'to_number') IS DISTINCT FROM v.to_number
                           OR (j.c ->> 'customer_name') IS DISTINCT FROM v.customer_name
                           OR (j.c ->> 'status') IS DISTINCT FROM v.status
                           OR (j.c -> 'agent' ->> 'id')::uuid IS DISTINCT FROM v.agent_id
                           OR (j.c -> 'agent' ->> 'name') IS DISTINCT FROM coalesce(v.agent_name, 'No Agent')
                           OR (j.c ->> 'created_at')::timestamptz IS DISTINCT FROM v.created_at
                           OR (j.c ->> 'started_at')::timestamptz IS DISTINCT FROM v.started_at
                           OR (j.c -> 'duration')::text IS DISTINCT FROM v.duration::text) AS calls_differing
FROM callboard_outbound_calls v
JOIN (SELECT c FROM callboard_categories() AS k,
                    json_array_elements(scheduled_outbound_calls() -> 'calls' -> k.category) AS c) j
  ON (j.c ->> 'call_id')::uuid = v.call_id;

-- The summary view agrees with the summary function.
SELECT jsonb_object_agg('total_' || category, total)
       = (scheduled_outbound_calls_summary() -> 'summary')::jsonb AS summary_matches
FROM callboard_call_summary;

-- callboard never depends on the app's tables: a Django migration may alter them.
BEGIN;
ALTER TABLE twilio_calls ALTER COLUMN status TYPE varchar(32);
SELECT count(*) AS pending FROM callboard_outbound_calls WHERE category = 'pending';
ROLLBACK;
SELECT count(*) AS callboard_objects_on_app_tables
FROM pg_depend
WHERE refobjid IN ('twilio_calls'::regclass, 'hume_agents'::regclass)
  AND objid IN (SELECT objid FROM pg_depend
                WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'callboard'));

-- A Grafana-style query: calls per category per day.
SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, category, count(*)
FROM callboard_outbound_calls
WHERE created_at >= '2025-10-22' AND created_at < '2025-10-25'
GROUP BY 1, 2, category_rank ORDER BY 1, category_rank;

-- With the index docs/sql-api.md recommends, a category's newest calls come straight
-- from it, through the view.
CREATE INDEX callboard_outbound_idx ON twilio_calls
  (callboard_call_category_rank(status), created_at DESC, id) WHERE direction = 'outbound';
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT call_id FROM callboard_outbound_calls WHERE category_rank = 3
ORDER BY created_at DESC, call_id LIMIT 50;
RESET enable_seqscan;
DROP INDEX callboard_outbound_idx;

--
-- ALTER EXTENSION callboard UPDATE from 0.1.0: the same answers, and the
-- new functions and views.
--
DROP EXTENSION callboard;
CREATE EXTENSION callboard VERSION '0.1.0';
SELECT extversion FROM pg_extension WHERE extname = 'callboard';
CREATE TEMP TABLE before_update AS
SELECT f, scheduled_outbound_calls(f)::text AS doc
FROM (VALUES (NULL), ('pending'), ('active'), ('completed'), ('failed')) AS v(f);

ALTER EXTENSION callboard UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'callboard';

SELECT quote_nullable(f) AS filter, scheduled_outbound_calls(f)::text = doc AS unchanged
FROM before_update;

SELECT pg_describe_object(classid, objid, 0) AS object
FROM pg_depend
WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'callboard') AND deptype = 'e'
ORDER BY 1;

SELECT (scheduled_outbound_calls_summary() -> 'summary')::text = (scheduled_outbound_calls() -> 'summary')::text
       AS new_summary_matches;

-- From 0.2.0 to 0.3.0: the same answers, and the stream, whose chunks add
-- up to the document.
DROP EXTENSION callboard;
CREATE EXTENSION callboard VERSION '0.2.0';
CREATE TEMP TABLE before_0_3 AS
SELECT f, scheduled_outbound_calls(f)::text AS doc,
       scheduled_outbound_calls_summary()::text AS summary,
       scheduled_outbound_calls_page('failed', 3)::text AS page
FROM (VALUES (NULL), ('pending'), ('active'), ('completed'), ('failed')) AS v(f);
ALTER EXTENSION callboard UPDATE TO '0.3.0';
SELECT extversion FROM pg_extension WHERE extname = 'callboard';
SELECT quote_nullable(f) AS filter,
       scheduled_outbound_calls(f)::text = doc AND scheduled_outbound_calls_summary()::text = summary
       AND scheduled_outbound_calls_page('failed', 3)::text = page AS unchanged,
       (SELECT string_agg(c, '') FROM (SELECT scheduled_outbound_calls_chunks(f, 64) AS c) AS s) = doc
       AS stream_is_document
FROM before_0_3;


-- From 0.3.0 to 0.4.0: the same answers, and the timeline; a signal turned
-- on in 0.3.0 goes on notifying (its one trigger on twilio_calls) and
-- readers count, until it is turned on again, which keeps the counts.
DROP EXTENSION callboard;
CREATE EXTENSION callboard VERSION '0.3.0';
SELECT count(*) AS event_triggers FROM pg_event_trigger WHERE evtname LIKE 'callboard%';
-- The triggers 0.3.0's callboard_enable_change_signal() put on the tables.
CREATE TRIGGER callboard_change_signal AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON twilio_calls
FOR EACH STATEMENT EXECUTE FUNCTION callboard_notify_change();
CREATE TRIGGER callboard_change_signal AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hume_agents
FOR EACH STATEMENT EXECUTE FUNCTION callboard_notify_change();
-- 0.3.0's SQL objects with this library: the summary counts; turning the
-- signal on asks for the update first.
SELECT scheduled_outbound_calls_summary() IS NOT NULL AS answers;
SELECT callboard_enable_change_signal();
CREATE TEMP TABLE before_0_4 AS
SELECT f, scheduled_outbound_calls(f)::text AS doc,
       scheduled_outbound_calls_summary()::text AS summary,
       (SELECT json_agg(s ORDER BY category_rank)::text FROM callboard_call_summary s) AS summary_view,
       scheduled_outbound_calls_page('failed', 3)::text AS page,
       (SELECT string_agg(c, '') FROM (SELECT scheduled_outbound_calls_chunks(f, 64) AS c) AS s) AS chunks
FROM (VALUES (NULL), ('pending'), ('active'), ('completed'), ('failed')) AS v(f);
ALTER EXTENSION callboard UPDATE TO '0.4.0';
SELECT extversion FROM pg_extension WHERE extname = 'callboard';
SELECT callboard_change_signal_enabled() AS still_signalling,
       (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'callboard\_change\_signal%') AS triggers,
       (SELECT count(kept) FROM callboard_verify_counts()) AS kept;
SELECT callboard_enable_change_signal();
SELECT (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'callboard\_change\_signal%') AS triggers,
       (SELECT bool_and(kept = counted) FROM callboard_verify_counts()) AS kept_and_right;
SELECT quote_nullable(f) AS filter,
       scheduled_outbound_calls(f)::text = doc AND scheduled_outbound_calls_summary()::text = summary
       AND (SELECT json_agg(s ORDER BY category_rank)::text FROM callboard_call_summary s) = summary_view
       AND scheduled_outbound_calls_page('failed', 3)::text = page
       AND (SELECT string_agg(c, '') FROM (SELECT scheduled_outbound_calls_chunks(f, 64) AS c) AS s) = chunks
       AS unchanged
FROM before_0_4;
-- The timeline, whose buckets add up to the calls of its window.
SELECT (SELECT sum(calls) FROM callboard_call_timeline_rows('1 day', '31 days', '2025-10-25 00:00+00'))
       AS window_calls,
       (SELECT sum(calls) FROM callboard_call_timeline_rows('1 day', '31 days', '2025-10-25 00:00+00'))
       = (SELECT count(*) FROM twilio_calls
          WHERE direction = 'outbound' AND created_at >= '2025-09-25 00:00+00' AND created_at < '2025-10-26 00:00+00')
       AS timeline_counts_the_window,
       (scheduled_outbound_calls_overview() -> 'summary')::text = (scheduled_outbound_calls_summary() -> 'summary')::text
       AS overview_summary_matches;
-- The event triggers, members of the extension.
SELECT pg_describe_object(classid, objid, 0) AS object
FROM pg_depend
WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'callboard') AND deptype = 'e'
  AND classid = 'pg_event_trigger'::regclass
ORDER BY 1;
SELECT callboard_disable_change_signal();

-- The update paths PostgreSQL has, from every version.
SELECT source, target, path
FROM pg_extension_update_paths('callboard') WHERE path IS NOT NULL ORDER BY source, target;

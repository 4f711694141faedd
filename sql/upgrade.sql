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

-- From 0.3.0 to 0.4.0: the same answers, and the event trigger that tells
-- listeners of changed privileges, a member of the extension.
DROP EXTENSION callboard;
CREATE EXTENSION callboard VERSION '0.3.0';
CREATE TEMP TABLE before_0_4 AS
SELECT f, scheduled_outbound_calls(f)::text AS doc FROM (VALUES (NULL), ('pending'), ('failed')) AS v(f);
SELECT count(*) AS event_triggers FROM pg_event_trigger WHERE evtname = 'callboard_privileges';
ALTER EXTENSION callboard UPDATE TO '0.4.0';
SELECT extversion FROM pg_extension WHERE extname = 'callboard';
SELECT quote_nullable(f) AS filter, scheduled_outbound_calls(f)::text = doc AS unchanged FROM before_0_4;
SELECT pg_describe_object(classid, objid, 0) AS object
FROM pg_depend
WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'callboard') AND deptype = 'e'
  AND classid IN ('pg_event_trigger'::regclass, 'pg_proc'::regclass)
  AND pg_describe_object(classid, objid, 0) LIKE '%privileges%'
ORDER BY 1;

-- The update paths PostgreSQL has, from every version.
SELECT source, target, path
FROM pg_extension_update_paths('callboard') WHERE path IS NOT NULL ORDER BY source, target;

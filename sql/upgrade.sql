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

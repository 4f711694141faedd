--
-- The app's tables exist first (callboard never creates them); then the
-- extension, with what it adds to the database.
--
\set ECHO none
\i test/fixtures/django_schema.sql
\set ECHO all

CREATE EXTENSION callboard;

SELECT extversion FROM pg_extension WHERE extname = 'callboard';

-- Volatility, parallel safety, security and strictness as docs/sql-api.md says.
SELECT p.oid::regprocedure AS function, p.prorettype::regtype AS returns,
       p.provolatile, p.proparallel, p.prosecdef, p.proisstrict
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'callboard')
  AND d.classid = 'pg_proc'::regclass
ORDER BY p.oid::regprocedure::text;

-- The argument defaults to NULL.
SELECT pg_get_function_arguments('scheduled_outbound_calls'::regproc);

-- Besides functions, only the two BI views and the event trigger: no tables,
-- types or indexes.
SELECT pg_describe_object(classid, objid, 0) AS other_objects
FROM pg_depend
WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'callboard')
  AND deptype = 'e' AND classid <> 'pg_proc'::regclass
ORDER BY 1;

-- The views run with the caller's rights.
SELECT relname, reloptions FROM pg_class
WHERE relname IN ('callboard_outbound_calls', 'callboard_call_summary') ORDER BY relname;

-- The output limit's default and ceiling are PostgreSQL's 1GB value limit.
SHOW callboard.max_output_bytes;
SET callboard.max_output_bytes = '1025MB';
SET callboard.max_output_bytes = 0;
SET callboard.max_output_bytes = '10kB';
SHOW callboard.max_output_bytes;
RESET callboard.max_output_bytes;

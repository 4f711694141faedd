--
-- The guard at every entry point, in a real backend: a C++ exception thrown
-- in a guarded body comes out as a PostgreSQL error with its SQLSTATE once
-- the C++ frames are unwound (their destructors run), and the session goes
-- on.  The function comes from a test-only module built beside the tests
-- (test/guard/guard_probe.cpp) and never installed.
--
\set VERBOSITY default
\getenv abs_builddir PG_ABS_BUILDDIR
\set probe_library :abs_builddir '/test/guard/callboard_guard_probe'
CREATE FUNCTION pg_temp.guard_probe(kind text) RETURNS text
AS :'probe_library', 'callboard_guard_probe' LANGUAGE C STRICT;

-- A body that returns gives its value.
SELECT pg_temp.guard_probe('return');

-- std::bad_alloc, thrown or from an allocation that fails, is out_of_memory.
SELECT pg_temp.guard_probe('bad_alloc');
\echo :LAST_ERROR_SQLSTATE

-- Any other exception is internal_error, with its message, cut to fit.
SELECT pg_temp.guard_probe('runtime_error');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
SELECT pg_temp.guard_probe('long_message');
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
SELECT length(:'LAST_ERROR_MESSAGE') AS long_message_length;
SELECT pg_temp.guard_probe('int');
\echo :LAST_ERROR_SQLSTATE

-- A PostgreSQL error raised in the body passes through unchanged.
SELECT pg_temp.guard_probe('postgres_error');
\echo :LAST_ERROR_SQLSTATE

-- Each throw unwound its frame: the four objects live at the throws were
-- destroyed before the errors were raised.
SELECT pg_temp.guard_probe('destroyed');

-- The session goes on, in a transaction too.
BEGIN;
SELECT pg_temp.guard_probe('return');
SAVEPOINT s;
SELECT pg_temp.guard_probe('bad_alloc');
ROLLBACK TO SAVEPOINT s;
SELECT pg_temp.guard_probe('return');
COMMIT;
SELECT scheduled_outbound_calls_summary();

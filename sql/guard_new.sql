--
-- The guard and an allocation that really fails: operator new asked for
-- 2^62 bytes throws std::bad_alloc, which comes out as out_of_memory once
-- the frame is unwound.  Apart from guard.sql because AddressSanitizer's
-- operator new aborts there by design: the sanitizer run leaves this out.
-- The function comes from test/guard/guard_probe.cpp, never installed.
--
\set VERBOSITY default
\getenv abs_builddir PG_ABS_BUILDDIR
\set probe_library :abs_builddir '/test/guard/callboard_guard_probe'
CREATE FUNCTION pg_temp.guard_probe(kind text) RETURNS text
AS :'probe_library', 'callboard_guard_probe' LANGUAGE C STRICT;

SELECT pg_temp.guard_probe('huge_new');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.guard_probe('destroyed');

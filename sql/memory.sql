--
-- The output limit bounds memory: past callboard.max_output_bytes the
-- document is measured, not built, so a call far larger than the limit
-- costs its own detoasted value and no more.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

-- One call whose name is 20,000,000 control characters: 120,000,000 bytes
-- of JSON once each becomes \u0001.
CREATE SCHEMA huge;
CREATE TABLE huge.twilio_calls (LIKE public.twilio_calls);
ALTER TABLE huge.twilio_calls ALTER COLUMN customer_name TYPE text;
INSERT INTO huge.twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                               customer_name, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'CA1', '+1', '+1', 'outbound', 'completed', 0,
        repeat(E'\x01', 20000000), '2025-10-24 10:00:00+00', now());

-- A fresh backend, whose peak resident size (VmHWM) is then its size.  The
-- shared buffers it touches count in that size and stay counted (RssShmem),
-- so its own memory at the peak is VmHWM less RssShmem.
\c
CREATE FUNCTION pg_temp.peak_kb() RETURNS bigint LANGUAGE sql AS
$$ SELECT substring(s FROM 'VmHWM:\s*(\d+)')::bigint - substring(s FROM 'RssShmem:\s*(\d+)')::bigint
   FROM pg_read_file('/proc/self/status') AS s $$;
SET search_path = huge, public;
SET callboard.max_output_bytes = '1MB';
SELECT pg_temp.peak_kb() AS peak_before \gset

-- The error still gives the whole document's size...
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
-- ...while the backend grew by about the 20 MB value it had to read, not
-- by the 120 MB document (it grew by 140 MB when the buffer kept writing
-- past the limit).
SELECT pg_temp.peak_kb() - :peak_before < 40000 AS peak_within_value_and_limit;

RESET search_path;
DROP SCHEMA huge CASCADE;

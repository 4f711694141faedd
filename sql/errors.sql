--
-- Faults: each is an error with a SQLSTATE and a clear message, never a crash.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

-- The output limit: the error gives the whole document's size.
SELECT octet_length(scheduled_outbound_calls()::text) AS full_size \gset
\echo :full_size
SET callboard.max_output_bytes = 1000;
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
-- A filter that fits passes under the same limit.
SELECT octet_length(scheduled_outbound_calls('completed')::text) AS completed_size;
-- Exactly at the limit passes; one byte less fails.
SET callboard.max_output_bytes = :full_size;
SELECT octet_length(scheduled_outbound_calls()::text) AS size_at_limit;
SELECT :full_size - 1 AS one_less \gset
SET callboard.max_output_bytes = :one_less;
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
RESET callboard.max_output_bytes;

-- A timestamp Python's isoformat cannot print names the call and the column.
BEGIN;
UPDATE twilio_calls SET started_at = 'infinity' WHERE call_sid = 'CA06';
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
UPDATE twilio_calls SET created_at = '0044-03-15 12:00:00+00 BC' WHERE call_sid = 'CA01';
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
UPDATE twilio_calls SET created_at = '10000-01-01 00:00:00+00' WHERE call_sid = 'CA01';
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- Tables come from the search_path, like the app's own queries.
CREATE SCHEMA elsewhere;
CREATE TABLE elsewhere.twilio_calls (LIKE public.twilio_calls);
INSERT INTO elsewhere.twilio_calls SELECT * FROM public.twilio_calls WHERE call_sid = 'CA06';
SET search_path = elsewhere, public;
SELECT scheduled_outbound_calls() -> 'summary';

-- A missing table or column is an error that names it.
-- (The extension's schema need not be on the search_path.)
CREATE SCHEMA empty;
SET search_path = empty;
SELECT public.scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE empty.twilio_calls (LIKE public.twilio_calls);
SELECT public.scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
SET search_path = elsewhere, public;
ALTER TABLE elsewhere.twilio_calls DROP COLUMN customer_name;
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE elsewhere.twilio_calls ADD COLUMN customer_name varchar(255);
ALTER TABLE elsewhere.twilio_calls RENAME COLUMN direction TO call_direction;
SELECT scheduled_outbound_calls();
\echo :LAST_ERROR_SQLSTATE
RESET search_path;
-- ...and once fixed, the same session works again.
SELECT scheduled_outbound_calls() -> 'summary';
DROP SCHEMA elsewhere, empty CASCADE;

-- statement_timeout cancels a long scan.
CREATE SCHEMA big;
CREATE TABLE big.twilio_calls (LIKE public.twilio_calls);
INSERT INTO big.twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                              customer_name, created_at, updated_at)
SELECT gen_random_uuid(), 'CA' || n, '+1', '+1555', 'outbound',
       (ARRAY['initiated', 'in_progress', 'completed', 'failed'])[1 + n % 4], n % 600,
       'Customer ' || n, '2025-01-01 00:00:00+00'::timestamptz + n * interval '1 second', now()
FROM generate_series(1, 300000) AS n;
SET search_path = big, public;
SET statement_timeout = '50ms';
SELECT pg_column_size(scheduled_outbound_calls());
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
-- Without the timeout the same call completes.
SELECT d -> 'summary' FROM scheduled_outbound_calls() AS d;
RESET search_path;
DROP SCHEMA big CASCADE;

--
-- The stream has no size limit and holds about one chunk: a document over
-- PostgreSQL's 1 GB value limit streams with flat memory.
--
CREATE SCHEMA large;
CREATE TABLE large.twilio_calls (LIKE public.twilio_calls);
ALTER TABLE large.twilio_calls ALTER COLUMN customer_name TYPE text;
-- 1,100 calls of 1,000,000-byte names (stored compressed, a few kB each).
INSERT INTO large.twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                                customer_name, created_at, updated_at)
SELECT gen_random_uuid(), 'CA' || n, '+1', '+1555', 'outbound',
       (ARRAY['initiated', 'in_progress', 'completed', 'failed'])[1 + n % 4], n,
       repeat(chr(97 + n % 26), 1000000), '2025-01-01 00:00:00+00'::timestamptz + n * interval '1 second', now()
FROM generate_series(1, 1100) AS n;

-- The document's size without the names, plus the names, is what the stream
-- must return.
BEGIN;
UPDATE large.twilio_calls SET customer_name = '';
SET LOCAL search_path = large, public;
SELECT octet_length(scheduled_outbound_calls()::text) + 1100 * 1000000 AS expected_bytes \gset
ROLLBACK;

-- A fresh backend, whose peak resident size (VmHWM) is then its size.  The
-- shared buffers it touches count in that size and stay counted (RssShmem),
-- so its own memory at the peak is VmHWM less RssShmem.
\c
CREATE FUNCTION pg_temp.peak_kb() RETURNS bigint LANGUAGE sql AS
$$ SELECT substring(s FROM 'VmHWM:\s*(\d+)')::bigint - substring(s FROM 'RssShmem:\s*(\d+)')::bigint
   FROM pg_read_file('/proc/self/status') AS s $$;
SET search_path = large, public;
SELECT pg_temp.peak_kb() AS peak_before \gset
SELECT sum(octet_length(c)) AS streamed_bytes, sum(octet_length(c)) > 1024 * 1024 * 1024 AS over_1gb,
       sum(octet_length(c)) = :expected_bytes AS every_byte, max(octet_length(c)) AS largest_chunk
FROM (SELECT scheduled_outbound_calls_chunks(NULL, 65536) AS c) AS s;
-- Memory: a chunk, one call (its 1 MB name read, and written), and the
-- query's own: far below the document.
SELECT pg_temp.peak_kb() - :peak_before < 16 * 1024 AS peak_under_16mb;
-- The json function refuses the same document, as it must.
SET callboard.max_output_bytes = '1MB';
SELECT scheduled_outbound_calls() IS NULL AS refused;
\echo :LAST_ERROR_SQLSTATE
RESET callboard.max_output_bytes;

RESET search_path;
DROP SCHEMA large CASCADE;

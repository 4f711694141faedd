--
-- scheduled_outbound_calls_chunks(): the document as text chunks, streamed.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

SELECT p.oid::regprocedure AS function, pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS returns, p.provolatile, p.proparallel, p.prosecdef
FROM pg_proc p WHERE p.oid = 'scheduled_outbound_calls_chunks'::regproc;

-- Called in the select list, it streams (ProjectSet), and in one statement
-- the chunks add up to the json value, byte for byte.
EXPLAIN (COSTS OFF) SELECT scheduled_outbound_calls_chunks();
SELECT count(*) AS chunks, string_agg(c, '') = (SELECT scheduled_outbound_calls()::text) AS identical
FROM (SELECT scheduled_outbound_calls_chunks() AS c) AS s;

-- Reads the stream one chunk at a time through a cursor, as a client in
-- single-row mode does, and checks every chunk: at most chunk_bytes, as full
-- as the characters allow (within 3 bytes of chunk_bytes, the last chunk
-- excepted), valid text on its own; and the whole against the json value.
CREATE FUNCTION stream_check(f text, n integer,
                             OUT chunks integer, OUT identical boolean, OUT within_limit boolean,
                             OUT full_chunks boolean, OUT valid_text boolean, OUT cut_short integer)
LANGUAGE plpgsql AS $$
DECLARE
  cur refcursor;
  c text;
  previous integer;
  doc text := '';
BEGIN
  chunks := 0; within_limit := true; full_chunks := true; valid_text := true; cut_short := 0;
  OPEN cur FOR SELECT public.scheduled_outbound_calls_chunks(f, n);
  LOOP
    FETCH cur INTO c;
    EXIT WHEN NOT FOUND;
    IF previous IS NOT NULL THEN
      full_chunks := full_chunks AND previous > n - 4;
      cut_short := cut_short + (previous < n)::integer;
    END IF;
    previous := octet_length(c);
    chunks := chunks + 1;
    within_limit := within_limit AND previous <= n;
    -- convert_from() verifies the bytes: a cut character is an error.
    valid_text := valid_text AND convert_from(convert_to(c, 'UTF8'), 'UTF8') = c;
    doc := doc || c;
  END LOOP;
  CLOSE cur;
  identical := doc = public.scheduled_outbound_calls(f)::text;
END $$;

-- Every filter, and chunk sizes from the smallest to the largest.
SELECT quote_nullable(f) AS filter, n AS chunk_bytes, s.chunks, s.identical, s.within_limit,
       s.full_chunks, s.valid_text
FROM (VALUES (NULL), (''), ('pending'), ('in_progress'), ('active'), ('completed'), ('failed')) AS v(f),
     (VALUES (16), (17), (100), (65536), (67108864)) AS k(n),
     stream_check(f, n) AS s
ORDER BY n, f NULLS FIRST;

-- Names of 2-, 3- and 4-byte characters, shifted by 0 to 3 ASCII bytes, so
-- that chunk ends fall inside characters for every size from 16 to 40.
CREATE SCHEMA multibyte;
CREATE TABLE multibyte.twilio_calls (LIKE public.twilio_calls);
CREATE TABLE multibyte.hume_agents (LIKE public.hume_agents);
INSERT INTO multibyte.twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                                    customer_name, created_at, updated_at)
SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'CA' || n, '+1', '+1555',
       'outbound', (ARRAY['initiated', 'ringing', 'completed', 'busy'])[1 + n % 4], n,
       repeat('x', n % 4) || repeat('é漢😀', 1 + n % 7), '2025-10-24 10:00:00+00'::timestamptz - n * interval '1 minute',
       now()
FROM generate_series(1, 40) AS n;
SET search_path = multibyte, public;
SELECT n AS chunk_bytes, s.chunks, s.identical, s.within_limit, s.full_chunks, s.valid_text,
       s.cut_short > 0 AS some_cut_before_a_character
FROM generate_series(16, 40) AS n, stream_check(NULL, n) AS s
ORDER BY n;
RESET search_path;
DROP SCHEMA multibyte CASCADE;

-- Reads the stream through a cursor, taking `pause` seconds over each chunk
-- as a slow client would, and reports the error it ends with and how many
-- chunks came before it.
CREATE FUNCTION chunks_before_error(f text, n integer, pause float8 DEFAULT 0,
                                    OUT error_code text, OUT chunks integer, OUT message text)
LANGUAGE plpgsql AS $$
DECLARE
  cur refcursor;
  c text;
BEGIN
  chunks := 0;
  OPEN cur FOR SELECT public.scheduled_outbound_calls_chunks(f, n);
  LOOP
    FETCH cur INTO c;
    EXIT WHEN NOT FOUND;
    chunks := chunks + 1;
    PERFORM pg_sleep(pause);
  END LOOP;
  CLOSE cur;
  error_code := 'none';
EXCEPTION WHEN OTHERS OR query_canceled THEN
  error_code := SQLSTATE;
  message := SQLERRM;
END $$;

-- Every error the json function raises before writing comes before the
-- first chunk.
SELECT * FROM chunks_before_error('Pending', 64);
SELECT * FROM chunks_before_error(NULL, 15);
SELECT * FROM chunks_before_error(NULL, 67108865);
SELECT * FROM chunks_before_error(NULL, NULL);
CREATE SCHEMA empty;
SET search_path = empty;
SELECT * FROM public.chunks_before_error(NULL, 64);
CREATE TABLE empty.twilio_calls (LIKE public.twilio_calls);
CREATE TABLE empty.hume_agents (LIKE public.hume_agents);
ALTER TABLE empty.twilio_calls DROP COLUMN customer_name;
SELECT * FROM public.chunks_before_error(NULL, 64);
RESET search_path;
DROP SCHEMA empty CASCADE;

-- The errors in full, as psql shows them.
SELECT scheduled_outbound_calls_chunks('Pending');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_chunks(NULL, 15);
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_chunks(NULL, NULL);
\echo :LAST_ERROR_SQLSTATE

-- An error found in a row comes when the row is reached, after the chunks
-- before it: the client sees a stream that ends with an error.
BEGIN;
UPDATE twilio_calls SET started_at = 'infinity' WHERE call_sid = 'CA13';
SELECT * FROM chunks_before_error(NULL, 16);
ROLLBACK;

-- A caller that stops early (LIMIT) closes the stream's cursor at once, not
-- at the end of the transaction; and so does closing a cursor over it.
BEGIN;
SELECT octet_length(c) AS first_chunk FROM (SELECT scheduled_outbound_calls_chunks(NULL, 16) AS c LIMIT 1) AS s;
SELECT count(*) AS open_cursors FROM pg_cursors;
DECLARE reader CURSOR FOR SELECT scheduled_outbound_calls_chunks(NULL, 16);
FETCH 2 FROM reader;
SELECT count(*) AS open_cursors FROM pg_cursors;
CLOSE reader;
SELECT count(*) AS open_cursors FROM pg_cursors;
COMMIT;
-- The session goes on.
SELECT string_agg(c, '') = (SELECT scheduled_outbound_calls()::text) AS identical
FROM (SELECT scheduled_outbound_calls_chunks(NULL, 16) AS c) AS s;

-- If the stream's own cursor is closed under it (here by name, found in
-- pg_cursors; a WITH HOLD cursor over the stream can meet the same at
-- COMMIT, which closes the stream's cursor), the next read is an error
-- (24000), not a short document.
CREATE FUNCTION close_stream_cursor_midway(OUT error_code text, OUT message text)
LANGUAGE plpgsql AS $$
DECLARE
  cur refcursor;
  c text;
  stream_cursor text;
BEGIN
  OPEN cur FOR SELECT public.scheduled_outbound_calls_chunks(NULL, 16);
  FETCH cur INTO c;
  SELECT name INTO stream_cursor FROM pg_cursors WHERE name <> cur::text;
  EXECUTE format('CLOSE %I', stream_cursor);
  LOOP
    FETCH cur INTO c;
    EXIT WHEN NOT FOUND;
  END LOOP;
  error_code := 'none';
EXCEPTION WHEN OTHERS THEN
  error_code := SQLSTATE;
  message := SQLERRM;
END $$;
SELECT * FROM close_stream_cursor_midway();
DROP FUNCTION close_stream_cursor_midway();

-- In FROM it works too, but PostgreSQL's FunctionScan stores every chunk
-- before the first is returned.
EXPLAIN (COSTS OFF) SELECT * FROM scheduled_outbound_calls_chunks();
SELECT string_agg(c, '' ORDER BY i) = (SELECT scheduled_outbound_calls()::text) AS identical
FROM scheduled_outbound_calls_chunks(NULL, 16) WITH ORDINALITY AS t(c, i);

-- statement_timeout (and a cancel) stops a stream.  An index in the
-- query's order lets rows come as they are read (no sort first).
CREATE SCHEMA big;
CREATE TABLE big.twilio_calls (LIKE public.twilio_calls);
INSERT INTO big.twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                              customer_name, created_at, updated_at)
SELECT gen_random_uuid(), 'CA' || n, '+1', '+1555', 'outbound',
       (ARRAY['initiated', 'in_progress', 'completed', 'failed'])[1 + n % 4], n % 600,
       'Customer ' || n, '2025-01-01 00:00:00+00'::timestamptz + n * interval '1 second', now()
FROM generate_series(1, 150000) AS n;
CREATE INDEX ON big.twilio_calls (callboard_call_category_rank(status), created_at DESC, id)
  WHERE direction = 'outbound';
ANALYZE big.twilio_calls;
SET search_path = big, public;
SET enable_sort = off;
-- Within one call: a 64MB chunk would take every row, the timeout comes first.
SET statement_timeout = '50ms';
SELECT * FROM chunks_before_error(NULL, 67108864);
-- In the middle of the stream, a slow client having taken some chunks.
SET statement_timeout = '300ms';
SELECT error_code, chunks > 0 AS after_some_chunks, message FROM chunks_before_error(NULL, 1000, 0.001);
RESET statement_timeout;
-- callboard.max_output_bytes set below its default (a per-role cap) ends
-- the stream with 54000 once its chunks pass it; at the default it has none.
SET callboard.max_output_bytes = '64kB';
SELECT error_code, chunks, message FROM chunks_before_error(NULL, 16384);
RESET callboard.max_output_bytes;
RESET enable_sort;
SELECT count(*) AS open_cursors FROM pg_cursors;
RESET search_path;
DROP SCHEMA big CASCADE;

DROP FUNCTION stream_check(text, integer);
DROP FUNCTION chunks_before_error(text, integer, float8);

--
-- The bounded API: only the summary, or one category a page at a time.
--
\set VERBOSITY default
\set SHOW_CONTEXT never

-- The summary is the full document's summary, without the calls.
SELECT scheduled_outbound_calls_summary();
SELECT (scheduled_outbound_calls_summary() -> 'summary')::text = (scheduled_outbound_calls() -> 'summary')::text
       AS same_as_full_document;

\pset format unaligned
SELECT scheduled_outbound_calls_page('failed', 3);
\pset format aligned

-- Walking every page of each category gives exactly the category's list of
-- the full document, in the same order, for several page sizes.
CREATE FUNCTION walk_pages(category text, page_size integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
  page json;
  cursor text := NULL;
  calls json[] := '{}';
  pages integer := 0;
BEGIN
  LOOP
    page := scheduled_outbound_calls_page(category, page_size, cursor);
    pages := pages + 1;
    calls := calls || ARRAY(SELECT json_array_elements(page -> 'calls'));
    cursor := page ->> 'next_cursor';
    EXIT WHEN cursor IS NULL;
  END LOOP;
  RETURN json_build_object('pages', pages, 'calls', array_to_json(calls));
END $$;

SELECT k.category, s.page_size,
       (w -> 'pages')::text AS pages,
       (w -> 'calls')::text = (scheduled_outbound_calls() -> 'calls' -> k.category)::text AS same_calls_same_order
FROM callboard_categories() AS k,
     (VALUES (1), (2), (5), (1000)) AS s(page_size),
     walk_pages(k.category, s.page_size) AS w
ORDER BY k.category_rank, s.page_size;

-- in_progress and active name the same category, as in the filter.
SELECT scheduled_outbound_calls_page('in_progress', 10)::text = scheduled_outbound_calls_page('active', 10)::text
       AS in_progress_is_active;

-- A page that ends exactly at the last call has no next page.
SELECT scheduled_outbound_calls_page('completed', 1) ->> 'next_cursor' IS NULL AS single_call_no_cursor;

-- Calls inserted after a page was read do not shift the next page.
BEGIN;
SELECT scheduled_outbound_calls_page('failed', 2) ->> 'next_cursor' AS cursor \gset
SELECT json_agg(c ->> 'call_sid') AS next_page_before
FROM json_array_elements(scheduled_outbound_calls_page('failed', 2, :'cursor') -> 'calls') AS c;
INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          created_at, updated_at)
VALUES ('00000000-0000-4000-8000-0000000000f1', 'CA-new', '+1', '+1', 'outbound', 'busy', 0,
        '2030-01-01 00:00:00+00', now());
SELECT json_agg(c ->> 'call_sid') AS next_page_after
FROM json_array_elements(scheduled_outbound_calls_page('failed', 2, :'cursor') -> 'calls') AS c;
ROLLBACK;

-- Errors: a category is required; page sizes are 1 to 1000; cursors are ours.
SELECT scheduled_outbound_calls_page(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('Failed');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('failed', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('failed', 1001);
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('failed', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('failed', 2, 'not-a-cursor');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('failed', 2, repeat('0', 52));
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('pending', 2, :'cursor');
\echo :LAST_ERROR_SQLSTATE
SELECT scheduled_outbound_calls_page('failed', 2, upper(:'cursor'));
\echo :LAST_ERROR_SQLSTATE
-- A call with a NULL created_at (possible only in a table other than the
-- app's, which has it NOT NULL) cannot end a page: no cursor can name it.
CREATE SCHEMA loose;
CREATE TABLE loose.twilio_calls (LIKE public.twilio_calls);
ALTER TABLE loose.twilio_calls ALTER COLUMN created_at DROP NOT NULL;
INSERT INTO loose.twilio_calls SELECT * FROM public.twilio_calls WHERE call_sid IN ('CA07', 'CA08');
UPDATE loose.twilio_calls SET created_at = NULL WHERE call_sid = 'CA07';
SET search_path = loose, public;
SELECT scheduled_outbound_calls_page('failed', 1);
\echo :LAST_ERROR_SQLSTATE
RESET search_path;
DROP SCHEMA loose CASCADE;
-- The output limit applies to pages too.
SET callboard.max_output_bytes = 300;
SELECT scheduled_outbound_calls_page('failed', 5);
\echo :LAST_ERROR_SQLSTATE
RESET callboard.max_output_bytes;

DROP FUNCTION walk_pages(text, integer);

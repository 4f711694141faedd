--
-- The tables are found through the caller's search_path on every call, also
-- when a table of the same name appears earlier on it in the same session:
-- every function's cached plan must then read the new table.
--
CREATE SCHEMA shadow;
SET search_path = shadow, public;

-- Each function reads public.twilio_calls, and caches its plan.
SELECT scheduled_outbound_calls() -> 'summary' AS document_summary;
SELECT scheduled_outbound_calls_summary() -> 'summary' AS summary;
SELECT json_array_length(scheduled_outbound_calls_page('failed', 50) -> 'calls') AS failed_page;
SELECT sum(calls) AS timeline_calls FROM callboard_call_timeline_rows('1 day', '31 days', '2025-10-25 00:00+00');

-- A table of the same name appears earlier on the unchanged search_path.
CREATE TABLE shadow.twilio_calls (LIKE public.twilio_calls);
INSERT INTO shadow.twilio_calls SELECT * FROM public.twilio_calls WHERE call_sid = 'CA07';

SELECT scheduled_outbound_calls() -> 'summary' AS document_summary;
SELECT scheduled_outbound_calls_summary() -> 'summary' AS summary;
SELECT json_array_length(scheduled_outbound_calls_page('failed', 50) -> 'calls') AS failed_page;
SELECT sum(calls) AS timeline_calls FROM callboard_call_timeline_rows('1 day', '31 days', '2025-10-25 00:00+00');

-- A temporary table comes first of all.
CREATE TEMP TABLE twilio_calls (LIKE public.twilio_calls);
SELECT scheduled_outbound_calls() -> 'summary' AS document_summary;
SELECT scheduled_outbound_calls_summary() -> 'summary' AS summary;
SELECT json_array_length(scheduled_outbound_calls_page('failed', 50) -> 'calls') AS failed_page;
SELECT sum(calls) AS timeline_calls FROM callboard_call_timeline_rows('1 day', '31 days', '2025-10-25 00:00+00');

-- Dropped again, public's table is read again.
DROP TABLE pg_temp.twilio_calls;
DROP TABLE shadow.twilio_calls;
SELECT scheduled_outbound_calls() -> 'summary' AS document_summary;
SELECT scheduled_outbound_calls_summary() -> 'summary' AS summary;
SELECT json_array_length(scheduled_outbound_calls_page('failed', 50) -> 'calls') AS failed_page;
SELECT sum(calls) AS timeline_calls FROM callboard_call_timeline_rows('1 day', '31 days', '2025-10-25 00:00+00');

RESET search_path;
DROP SCHEMA shadow;

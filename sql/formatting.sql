--
-- Strings and timestamps: PostgreSQL's JSON escaping, Python's isoformat in
-- UTC, whatever the session's TimeZone and DateStyle.
--
CREATE TEMP TABLE saved_calls AS SELECT * FROM twilio_calls;
DELETE FROM twilio_calls;

-- Every control character, quote, backslash, DEL, and multi-byte text.
INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          customer_name, created_at, updated_at)
SELECT '00000000-0000-4000-8000-000000000100', 'CA\"x', '+1', E'+1\t555', 'outbound', 'failed', 0,
       string_agg(chr(c), '' ORDER BY c) || E'"\\/\x7f é 漢字 😀', '2025-10-24 10:00:00+00', now()
FROM generate_series(1, 31) AS c;

\pset format unaligned
SELECT scheduled_outbound_calls('failed');
\pset format aligned

-- Byte for byte what to_json() writes for the same text.
SELECT strpos(scheduled_outbound_calls()::text, to_json(customer_name)::text) > 0 AS name_as_to_json,
       strpos(scheduled_outbound_calls()::text, to_json(call_sid)::text) > 0 AS sid_as_to_json,
       strpos(scheduled_outbound_calls()::text, to_json(to_number)::text) > 0 AS number_as_to_json
FROM twilio_calls;

-- And it parses back to the very same text.
SELECT (scheduled_outbound_calls() -> 'calls' -> 'failed' -> 0 ->> 'customer_name') = customer_name
       AS round_trip
FROM twilio_calls;

DELETE FROM twilio_calls;

-- Timestamps: whole seconds, microseconds, before 1970 and 1900, the
-- PostgreSQL epoch, a leap day, and the first and last instants Python knows.
INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          created_at, started_at, updated_at)
SELECT ('00000000-0000-4000-8000-0000000002' || lpad(to_hex(n), 2, '0'))::uuid, 'CA' || n, '+1', '+1',
       'outbound', 'completed', n, ts::timestamptz, ts::timestamptz + interval '1.5 seconds', now()
FROM (VALUES (1, '2025-10-24 10:00:00+00'),
             (2, '2025-10-24 10:00:00.1234+00'),
             (3, '2025-10-24 10:00:00.000001+00'),
             (4, '2025-10-24 12:00:00+02'),
             (5, '1969-12-31 23:59:59.999999+00'),
             (6, '1900-02-28 12:00:00+00'),
             (7, '2000-01-01 00:00:00+00'),
             (8, '1999-12-31 23:59:59.5+00'),
             (9, '2024-02-29 23:59:59+00'),
             (10, '0001-01-01 00:00:00+00'),
             (11, '9999-12-31 23:59:57.999999+00')) AS t(n, ts);

SELECT c ->> 'call_sid' AS call, c ->> 'created_at' AS created_at, c ->> 'started_at' AS started_at
FROM json_array_elements(scheduled_outbound_calls() -> 'calls' -> 'completed') AS c;

-- The document does not change with TimeZone or DateStyle.
CREATE TEMP TABLE utc_document AS SELECT scheduled_outbound_calls()::text AS doc;
SET TimeZone = 'America/New_York';
SET DateStyle = 'SQL, DMY';
SELECT scheduled_outbound_calls()::text = doc AS same_in_new_york_sql_dmy FROM utc_document;
SET TimeZone = 'Asia/Kathmandu';
SET DateStyle = 'German';
SELECT scheduled_outbound_calls()::text = doc AS same_in_kathmandu_german FROM utc_document;
SET IntervalStyle = 'sql_standard';
SET extra_float_digits = -3;
SET TimeZone = '-12:30';
SET DateStyle = 'Postgres, MDY';
SELECT scheduled_outbound_calls()::text = doc AS same_at_minus_1230_postgres FROM utc_document;
RESET ALL;

DELETE FROM twilio_calls;
INSERT INTO twilio_calls SELECT * FROM saved_calls;

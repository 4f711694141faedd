--
-- scheduled_outbound_calls(): the exact document docs/sql-api.md describes (The document).
--
-- The documents are shown as they are, unaligned.
\pset format unaligned
-- With no calls: four empty lists and zero totals.
SELECT scheduled_outbound_calls();

INSERT INTO hume_agents (id, name, hume_config_id, voice_name, language, system_prompt,
                         greeting_message, status, created_at, updated_at)
VALUES ('a0000000-0000-4000-8000-000000000001', 'Sales Agent', 'cfg1', 'ITO', 'en',
        'p', 'g', 'active', '2025-01-01 00:00:00+00', '2025-01-01 00:00:00+00'),
       ('a0000000-0000-4000-8000-000000000002', E'Agent "Q" \\ 営業 📞', 'cfg2', 'ITO', 'ja',
        'p', 'g', 'active', '2025-01-01 00:00:00+00', '2025-01-01 00:00:00+00');

-- One call per status value, plus rows that must not appear.  Ids are chosen
-- so that ties on created_at show the id order.
INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,
                          customer_name, agent_id, created_at, started_at, updated_at)
VALUES
 ('00000000-0000-4000-8000-000000000001', 'CA01', '+1', '+15551230001', 'outbound', 'initiated', 0,
  'John Doe', 'a0000000-0000-4000-8000-000000000001', '2025-10-24 10:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-000000000002', 'CA02', '+1', '+15551230002', 'outbound', 'queued', 0,
  NULL, NULL, '2025-10-24 10:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-000000000003', 'CA03', '+1', '+15551230003', 'outbound', 'in_progress', 42,
  'Zoë Ångström', 'a0000000-0000-4000-8000-000000000002', '2025-10-24 09:00:00.5+00',
  '2025-10-24 09:00:05.1234+00', now()),
 ('00000000-0000-4000-8000-000000000004', 'CA04', '+1', '+15551230004', 'outbound', 'in-progress', 7,
  '王芳', NULL, '2025-10-24 09:30:00+00', '2025-10-24 09:30:01+00', now()),
 ('00000000-0000-4000-8000-000000000005', 'CA05', '+1', '+15551230005', 'outbound', 'ringing', 0,
  'Ring Ring', 'a0000000-0000-4000-8000-000000000001', '2025-10-24 09:45:00.000001+00', NULL, now()),
 ('00000000-0000-4000-8000-000000000006', 'CA06', '+1', '+15551230006', 'outbound', 'completed', 300,
  'Done Deal', 'a0000000-0000-4000-8000-000000000001', '2025-10-23 08:00:00+00',
  '2025-10-23 08:00:10+00', now()),
 ('00000000-0000-4000-8000-000000000007', 'CA07', '+1', '+15551230007', 'outbound', 'failed', 0,
  'F One', NULL, '2025-10-22 08:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-000000000008', 'CA08', '+1', '+15551230008', 'outbound', 'busy', 0,
  'B Two', NULL, '2025-10-22 08:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-000000000009', 'CA09', '+1', '+15551230009', 'outbound', 'no_answer', 0,
  'N Three', NULL, '2025-10-22 07:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-00000000000a', 'CA10', '+1', '+15551230010', 'outbound', 'no-answer', 0,
  'N Four', NULL, '2025-10-22 06:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-00000000000b', 'CA11', '+1', '+15551230011', 'outbound', 'canceled', 0,
  'C Five', NULL, '1969-07-20 20:17:40+00', NULL, now()),
 ('00000000-0000-4000-8000-00000000000c', 'CA12', '+1', '+15551230012', 'outbound', 'answered', 0,
  'Odd Status', NULL, '1900-01-01 00:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-00000000000d', 'CA13', '+1', '+15551230013', 'outbound', '', 0,
  'Empty Status', NULL, '1899-12-31 23:59:59.999999+00', NULL, now()),
 -- not outbound: never in the output
 ('00000000-0000-4000-8000-0000000000e1', 'CA14', '+1', '+15551230014', 'inbound', 'initiated', 0,
  'Inbound', NULL, '2025-10-24 11:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-0000000000e2', 'CA15', '+1', '+15551230015', 'Outbound', 'completed', 0,
  'Capital O', NULL, '2025-10-24 11:00:00+00', NULL, now()),
 ('00000000-0000-4000-8000-0000000000e3', 'CA16', '+1', '+15551230016', 'outbound ', 'completed', 0,
  'Trailing space', NULL, '2025-10-24 11:00:00+00', NULL, now());

SELECT scheduled_outbound_calls();
\pset format aligned

-- The same call, key by key, through PostgreSQL's own JSON parser.
SELECT key, value
FROM json_each(scheduled_outbound_calls() -> 'calls' -> 'active' -> 2);

-- Newest first within a category; a tie on created_at goes to the smaller id.
SELECT category, json_agg(c ->> 'call_sid') AS call_sids
FROM (VALUES ('pending'), ('active'), ('completed'), ('failed')) AS k(category),
     json_array_elements(scheduled_outbound_calls() -> 'calls' -> k.category) AS c
GROUP BY category ORDER BY min(callboard_call_category_rank(c ->> 'status'));

-- The totals equal the list lengths, and add up to the outbound calls.
SELECT (d -> 'summary' ->> 'total_pending')::int = json_array_length(d -> 'calls' -> 'pending')
   AND (d -> 'summary' ->> 'total_active')::int = json_array_length(d -> 'calls' -> 'active')
   AND (d -> 'summary' ->> 'total_completed')::int = json_array_length(d -> 'calls' -> 'completed')
   AND (d -> 'summary' ->> 'total_failed')::int = json_array_length(d -> 'calls' -> 'failed')
       AS totals_match,
       (d -> 'summary' ->> 'total_pending')::int + (d -> 'summary' ->> 'total_active')::int
       + (d -> 'summary' ->> 'total_completed')::int + (d -> 'summary' ->> 'total_failed')::int
       = (SELECT count(*) FROM twilio_calls WHERE direction = 'outbound') AS all_outbound_counted
FROM scheduled_outbound_calls() AS d;

-- The grouping is callboard_call_category(), row for row.
SELECT count(*) AS disagreements
FROM (VALUES ('pending'), ('active'), ('completed'), ('failed')) AS k(category),
     json_array_elements(scheduled_outbound_calls() -> 'calls' -> k.category) AS c
WHERE callboard_call_category(c ->> 'status') <> k.category;

-- A call whose agent row is gone (the FK is DEFERRABLE) shows as no agent.
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
UPDATE twilio_calls SET agent_id = 'a0000000-0000-4000-8000-0000000000ff' WHERE call_sid = 'CA06';
SELECT scheduled_outbound_calls('completed') -> 'calls' -> 'completed' -> 0 -> 'agent';
ROLLBACK;

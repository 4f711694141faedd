-- What a DBA would write instead of callboard: the same document in plain SQL,
-- byte for byte (the benchmark checks it).  row_to_json gives compact objects;
-- json_agg would separate elements with ", ", so the lists are string_agg'd.
-- Timestamps need to_char to print Python's isoformat whatever TimeZone is.
CREATE OR REPLACE FUNCTION bench_isoformat(ts timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
      || CASE WHEN to_char(ts, 'US') = '000000' THEN '' ELSE to_char(ts, '.US') END
      || '+00:00'
$$;

CREATE OR REPLACE FUNCTION bench_calls_sql() RETURNS json
LANGUAGE sql STABLE AS $$
  WITH calls AS (
    SELECT callboard_call_category_rank(c.status) AS rank, c.created_at, c.id,
           row_to_json(r)::text AS call
    FROM twilio_calls c
    LEFT JOIN hume_agents a ON a.id = c.agent_id
    CROSS JOIN LATERAL (
      SELECT c.id AS call_id, c.call_sid, c.to_number, c.customer_name, c.status,
             (SELECT ag FROM (SELECT a.id,
                                     CASE WHEN a.id IS NULL THEN 'No Agent' ELSE a.name END AS name) ag) AS agent,
             bench_isoformat(c.created_at) AS created_at,
             bench_isoformat(c.started_at) AS started_at,
             c.duration
    ) r
    WHERE c.direction = 'outbound'
  )
  SELECT ('{"success":true,"calls":{"pending":['
       || coalesce(string_agg(call, ',' ORDER BY created_at DESC, id) FILTER (WHERE rank = 1), '')
       || '],"active":['
       || coalesce(string_agg(call, ',' ORDER BY created_at DESC, id) FILTER (WHERE rank = 2), '')
       || '],"completed":['
       || coalesce(string_agg(call, ',' ORDER BY created_at DESC, id) FILTER (WHERE rank = 3), '')
       || '],"failed":['
       || coalesce(string_agg(call, ',' ORDER BY created_at DESC, id) FILTER (WHERE rank = 4), '')
       || ']},"summary":{"total_pending":' || count(*) FILTER (WHERE rank = 1)
       || ',"total_active":' || count(*) FILTER (WHERE rank = 2)
       || ',"total_completed":' || count(*) FILTER (WHERE rank = 3)
       || ',"total_failed":' || count(*) FILTER (WHERE rank = 4)
       || '}}')::json
  FROM calls
$$;

/* callboard--0.3.0--0.4.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION callboard UPDATE TO '0.4.0'" to load this file. \quit

-- The status -> category mapping is unchanged in 0.4.0, so indexes on
-- callboard_call_category_rank(status) stay valid (README, Indexes for
-- large tables).

-- ---------------------------------------------------------------------------
-- The timeline: outbound calls created per bucket and category over a
-- window (src/timeline*.cpp).  Buckets are a whole number of minutes that
-- divides a day (1 minute to 1 day), aligned to UTC midnight; the window is
-- span long (a whole number of buckets, at most 31 days and 1440 buckets)
-- and ends with the bucket that holds until (NULL: now()).  Independent of
-- the session's TimeZone.  The cost follows the window: with the index on
-- (created_at) INCLUDE (status) WHERE direction = 'outbound' that README
-- recommends, an index-only range scan.
-- ---------------------------------------------------------------------------

CREATE FUNCTION scheduled_outbound_calls_timeline(bucket interval DEFAULT '1 hour',
                                                  span interval DEFAULT '24 hours',
                                                  until timestamptz DEFAULT NULL)
RETURNS json
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls_timeline'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls_timeline(interval, interval, timestamptz) IS
'Outbound calls created in each bucket of a window, per category, as JSON';

-- The summary's counts and the timeline in one document, from one
-- snapshot: what the page watches, in one event stream instead of two.
CREATE FUNCTION scheduled_outbound_calls_overview(bucket interval DEFAULT '1 hour',
                                                  span interval DEFAULT '24 hours',
                                                  until timestamptz DEFAULT NULL)
RETURNS json
AS 'MODULE_PATHNAME', 'scheduled_outbound_calls_overview'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER;

COMMENT ON FUNCTION scheduled_outbound_calls_overview(interval, interval, timestamptz) IS
'The counts of scheduled_outbound_calls_summary() and the timeline of scheduled_outbound_calls_timeline(), as one JSON document';

-- The timeline as rows, for BI tools: every bucket and category, zeros included.
CREATE FUNCTION callboard_call_timeline_rows(bucket interval DEFAULT '1 hour',
                                             span interval DEFAULT '24 hours',
                                             until timestamptz DEFAULT NULL)
RETURNS TABLE (bucket_start timestamptz, bucket_end timestamptz, category text,
               category_rank integer, calls bigint)
AS 'MODULE_PATHNAME', 'callboard_call_timeline_rows'
LANGUAGE C STABLE PARALLEL SAFE SECURITY INVOKER ROWS 96;

COMMENT ON FUNCTION callboard_call_timeline_rows(interval, interval, timestamptz) IS
'Outbound calls created in each bucket of a window, one row per bucket and category, zeros included';

-- For BI tools: the last 24 hours, hour by hour.  The function reads the
-- tables with the reader's rights and row-level security; security_invoker
-- says so of the view too.
CREATE VIEW callboard_call_timeline WITH (security_invoker = true) AS
SELECT t.bucket_start, t.bucket_end, t.category, t.category_rank, t.calls
FROM callboard_call_timeline_rows() AS t;

COMMENT ON VIEW callboard_call_timeline IS
'Outbound calls created in each hour of the last 24, per category, zeros included';

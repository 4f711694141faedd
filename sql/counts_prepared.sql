--
-- Kept counts and prepared transactions: a prepared transaction holds its
-- delta slot; the same session writes on through another, and readers see
-- the prepared change only once it commits.
--
-- A server with max_prepared_transactions = 0 (PostgreSQL's default) refuses
-- PREPARE TRANSACTION; its output is counts_prepared_1.out, as PostgreSQL's
-- own prepared_xacts test does.
--
CREATE SCHEMA kp;
CREATE TABLE kp.twilio_calls (LIKE public.twilio_calls INCLUDING ALL);
CREATE TABLE kp.hume_agents (LIKE public.hume_agents INCLUDING ALL);
SET search_path = kp, public;

CREATE FUNCTION kp.counts() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(category || ' ' || coalesce(kept::text, 'not kept')
                    || CASE WHEN kept IS DISTINCT FROM counted THEN ' counted ' || counted ELSE '' END,
                    ', ' ORDER BY category_rank)
  FROM callboard_verify_counts() JOIN callboard_categories() USING (category) $$;

INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration, created_at, updated_at)
SELECT md5(sid)::uuid, sid, '+15550000000', '+15551111111', 'outbound', status, 0,
       '2025-10-24 10:00:00+00', '2025-10-24 10:00:00+00'
FROM (VALUES ('M1', 'queued'), ('N1', 'ringing'), ('O1', 'completed')) v(sid, status);
SELECT callboard_enable_change_signal();
SELECT kp.counts() AS enabled;

BEGIN;
UPDATE twilio_calls SET status = 'completed' WHERE call_sid = 'M1';
PREPARE TRANSACTION 'kp_prepared';
UPDATE twilio_calls SET status = 'failed' WHERE call_sid = 'N1';
SELECT kp.counts() AS while_prepared;
COMMIT PREPARED 'kp_prepared';
SELECT kp.counts() AS committed_prepared;

BEGIN;
DELETE FROM twilio_calls WHERE call_sid = 'M1';
PREPARE TRANSACTION 'kp_rolled_back';
ROLLBACK PREPARED 'kp_rolled_back';
SELECT kp.counts() AS rolled_back_prepared;

SELECT callboard_disable_change_signal();
RESET search_path;
DROP SCHEMA kp CASCADE;

--
-- The change signal: a statement trigger per table that NOTIFYs
-- callboard_changes, turned on and off by a DBA, gone with the extension.
-- (What listeners receive is tested in test/gateway/test_change_signal.py.)
--

SELECT callboard_change_signal_enabled();
SELECT callboard_enable_change_signal();
SELECT callboard_change_signal_enabled();

-- AFTER triggers, FOR EACH STATEMENT (tgtype bits: statement 0, after 0,
-- insert 4, delete 8, update 16, truncate 32): on twilio_calls one per event,
-- so that each has its transition tables, calling the count trigger; on
-- hume_agents one for all four, calling the notify trigger.
SELECT tgrelid::regclass AS "table", tgname, tgtype, tgfoid::regproc AS function, tgenabled,
       tgoldtable, tgnewtable
FROM pg_trigger WHERE tgname LIKE 'callboard\_change\_signal%' ORDER BY 1, 2;

-- Each goes with the extension: an automatic dependency, recorded once.
SELECT t.tgrelid::regclass AS "table", d.deptype, count(*)
FROM pg_trigger t JOIN pg_depend d ON d.classid = 'pg_trigger'::regclass AND d.objid = t.oid
WHERE t.tgname LIKE 'callboard\_change\_signal%' AND d.refclassid = 'pg_extension'::regclass
GROUP BY 1, 2 ORDER BY 1;

-- Enabling again changes nothing (and records nothing twice).
SELECT callboard_enable_change_signal();
SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'callboard\_change\_signal%';
SELECT count(*) FROM pg_trigger t JOIN pg_depend d ON d.classid = 'pg_trigger'::regclass AND d.objid = t.oid
WHERE t.tgname LIKE 'callboard\_change\_signal%' AND d.refclassid = 'pg_extension'::regclass;

-- The tables' columns are untouched; writes go on as before.
SELECT count(*) AS columns FROM pg_attribute WHERE attrelid = 'twilio_calls'::regclass AND attnum > 0;
BEGIN;
UPDATE twilio_calls SET status = status WHERE false;
DELETE FROM hume_agents WHERE false;
ROLLBACK;

-- The trigger functions are for triggers only; the count trigger's EXECUTE
-- is the extension owner's alone (whoever could attach it could add to the
-- counts).
SELECT callboard_notify_change();
SELECT has_function_privilege('public', 'callboard_count_changes()', 'EXECUTE') AS public_may_attach_counts;

-- Only the tables' owners turn it on or off; anyone may ask.
CREATE ROLE callboard_signal_reader;
SET ROLE callboard_signal_reader;
SELECT callboard_change_signal_enabled();
SELECT callboard_disable_change_signal();
RESET ROLE;
-- Allowed to call it, still not the tables' owner: the same check as DROP TRIGGER's.
GRANT EXECUTE ON FUNCTION callboard_disable_change_signal() TO callboard_signal_reader;
SET ROLE callboard_signal_reader;
SELECT callboard_disable_change_signal();
RESET ROLE;
REVOKE EXECUTE ON FUNCTION callboard_disable_change_signal() FROM callboard_signal_reader;
SELECT callboard_change_signal_enabled();

-- The tables are found through search_path, as the JSON functions find them.
CREATE SCHEMA signal_empty;
SET search_path = signal_empty, pg_catalog;
SELECT public.callboard_enable_change_signal();
SELECT public.callboard_change_signal_enabled();
RESET search_path;

SELECT callboard_disable_change_signal();
SELECT callboard_change_signal_enabled();
SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'callboard\_change\_signal%';
-- Disabling when off is fine.
SELECT callboard_disable_change_signal();

DROP SCHEMA signal_empty;
DROP ROLE callboard_signal_reader;

-- The event trigger: installed with the extension, enabled, at the start of
-- the commands that change who sees what (what listeners receive is tested
-- in test/gateway/test_privileges.py).
SELECT evtname, evtevent, evtfoid::regproc AS function, evtenabled, array_length(evttags, 1) AS tags
FROM pg_event_trigger WHERE evtname = 'callboard_privileges';
SELECT unnest(evttags) AS tag FROM pg_event_trigger WHERE evtname = 'callboard_privileges' ORDER BY 1;
SELECT pg_describe_object(d.classid, d.objid, 0) AS object, d.deptype
FROM pg_depend d JOIN pg_event_trigger e ON d.classid = 'pg_event_trigger'::regclass AND d.objid = e.oid
WHERE e.evtname = 'callboard_privileges' AND d.refclassid = 'pg_extension'::regclass;

-- Its function is for event triggers only.
SELECT callboard_notify_privileges();

-- The commands it fires on still run (and roll back) as before.
CREATE ROLE callboard_privilege_probe;
BEGIN;
GRANT SELECT ON twilio_calls TO callboard_privilege_probe;
REVOKE SELECT ON twilio_calls FROM callboard_privilege_probe;
ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY probe ON twilio_calls TO callboard_privilege_probe USING (false);
ALTER POLICY probe ON twilio_calls USING (true);
DROP POLICY probe ON twilio_calls;
ROLLBACK;
SELECT relrowsecurity FROM pg_class WHERE oid = 'twilio_calls'::regclass;
DROP ROLE callboard_privilege_probe;

/* callboard--0.3.0--0.4.0.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION callboard UPDATE TO '0.4.0'" to load this file. \quit

-- The status -> category mapping is unchanged in 0.4.0, so indexes on
-- callboard_call_category_rank(status) stay valid.

-- Privileges and policies decide what a document holds as much as rows do.
-- The event trigger callboard_privileges NOTIFYs callboard_changes with the
-- payload 'privileges' at the start of every command below (delivered if
-- the transaction commits), so that a listener keeping documents (the
-- gateway) drops them before its next answer.  At the start: DROP EXTENSION
-- callboard drops the trigger with it, and could not tell at its end.
-- Commands on roles (ALTER ROLE, GRANT role TO role) fire no event trigger
-- in PostgreSQL: listeners bound how long they keep a document instead.
-- CREATE EVENT TRIGGER needs a superuser, as CREATE EXTENSION callboard
-- does; ALTER EVENT TRIGGER callboard_privileges DISABLE turns it off.
CREATE FUNCTION callboard_notify_privileges()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'callboard_notify_privileges'
LANGUAGE C;

COMMENT ON FUNCTION callboard_notify_privileges() IS
'Event trigger: NOTIFY callboard_changes, ''privileges'' when a command may change who sees what';

CREATE EVENT TRIGGER callboard_privileges ON ddl_command_start
WHEN TAG IN ('GRANT', 'REVOKE',
             'CREATE POLICY', 'ALTER POLICY', 'DROP POLICY',
             'ALTER TABLE', 'DROP TABLE',
             'CREATE FUNCTION', 'ALTER FUNCTION', 'DROP FUNCTION',
             'CREATE VIEW', 'ALTER VIEW', 'DROP VIEW',
             'CREATE RULE', 'DROP RULE',
             'ALTER SCHEMA', 'DROP SCHEMA',
             'ALTER EXTENSION', 'DROP EXTENSION',
             'DROP OWNED', 'SECURITY LABEL')
EXECUTE FUNCTION callboard_notify_privileges();

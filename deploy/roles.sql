-- callboard: the roles and grants PostgREST (or callboard-gateway) needs.
--
-- Roles are cluster-wide, so CREATE EXTENSION does not create them.  Run this
-- once, as a superuser, in the app's database, after CREATE EXTENSION:
--
--   psql -d app -v api_schema=api -v app_schema=public -f deploy/roles.sql
--   psql -d app -c "ALTER ROLE authenticator PASSWORD '...'"
--
-- api_schema: where callboard is installed (PostgREST's db-schemas); default api.
-- app_schema: where Django's tables are; default public.
--
--   authenticator    LOGIN, NOINHERIT: the server connects as it and switches,
--                    per request, to one of the roles below
--   web_anon         requests without a token: may call the function, but
--                    reads no table, so it gets 401 (PostgREST's rule for 42501)
--   dashboard_user   requests with a valid token: reads the two tables
--   callboard_login  the gateway's login: reads four columns of auth_user
\if :{?api_schema}
\else
\set api_schema api
\endif
\if :{?app_schema}
\else
\set app_schema public
\endif

SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') AS missing \gset
\if :missing
CREATE ROLE authenticator LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOSUPERUSER;
\endif
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'web_anon') AS missing \gset
\if :missing
CREATE ROLE web_anon NOLOGIN;
\endif
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dashboard_user') AS missing \gset
\if :missing
CREATE ROLE dashboard_user NOLOGIN;
\endif
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callboard_login') AS missing \gset
\if :missing
CREATE ROLE callboard_login NOLOGIN;
\endif

GRANT web_anon, dashboard_user, callboard_login TO authenticator;

GRANT USAGE ON SCHEMA :"api_schema" TO web_anon, dashboard_user;
GRANT EXECUTE ON FUNCTION :"api_schema".scheduled_outbound_calls(text) TO web_anon, dashboard_user;
GRANT EXECUTE ON FUNCTION :"api_schema".scheduled_outbound_calls_summary(),
                          :"api_schema".scheduled_outbound_calls_page(text, integer, text),
                          :"api_schema".callboard_call_category(text),
                          :"api_schema".callboard_call_category_rank(text),
                          :"api_schema".callboard_categories(),
                          :"api_schema".scheduled_outbound_calls_timeline(interval, interval, timestamptz),
                          :"api_schema".scheduled_outbound_calls_overview(interval, interval, timestamptz),
                          :"api_schema".callboard_call_timeline_rows(interval, interval, timestamptz)
  TO web_anon, dashboard_user;
-- The BI views read the tables with the caller's rights (security_invoker).
GRANT SELECT ON :"api_schema".callboard_outbound_calls, :"api_schema".callboard_call_summary,
                :"api_schema".callboard_call_timeline
  TO dashboard_user;

GRANT USAGE ON SCHEMA :"app_schema" TO dashboard_user, callboard_login;
GRANT SELECT ON :"app_schema".twilio_calls, :"app_schema".hume_agents TO dashboard_user;
GRANT SELECT (id, email, password, is_active) ON :"app_schema".auth_user TO callboard_login;

-- For PostgREST (db-pre-request): it runs tokens without a role claim as
-- db-anon-role; this lets the Django app's SimpleJWT access tokens (which
-- have none) read as dashboard_user, as callboard-gateway's
-- callboard-token-role does.  Refresh tokens stay anonymous.
CREATE OR REPLACE FUNCTION :"api_schema".callboard_pre_request() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF current_user = 'web_anon'
     AND current_setting('request.jwt.claims', true)::jsonb ->> 'token_type' = 'access' THEN
    SET LOCAL ROLE dashboard_user;
  END IF;
END
$$;

"""Every key a reload says it applies, applied: one test per class of keys.

Each test changes its keys in the file, sends SIGUSR2, waits for the gateway
to say the new configuration is in force, and checks the next request (or
stream, or tick) behaves by the new values; then puts the old ones back.
Which keys are reloadable and which need a restart is one table
(config.cpp; change_notice_test checks every key is in exactly one class)."""
import json
import socket
import time

import jwt
import pytest
import requests

import harness
from conftest import bearer, function_calls, make_token, simplejwt_token
from sse_client import EventStream

RPC = "/rpc/scheduled_outbound_calls"
SUMMARY = "/rpc/scheduled_outbound_calls_summary"
LOGIN = "/api/accounts/login/"
ACCOUNT = {"email": "dispatcher@example.com", "password": "dispatch-2025!"}


@pytest.fixture(scope="module")
def reload_db(cluster):
    harness.create_app_database(cluster, "reloads", calls=60)
    conn = cluster.connect("reloads")
    cur = conn.cursor()
    # Reads take 0.3 s for one role (the statement timeout's test), and a header
    # named "x-tenant: none" hides every call (the cohort headers' test).
    cur.execute("CREATE ROLE reload_sleepy NOLOGIN")
    cur.execute("GRANT reload_sleepy TO authenticator")
    cur.execute("GRANT USAGE ON SCHEMA api TO reload_sleepy")
    cur.execute("GRANT SELECT ON twilio_calls, hume_agents TO reload_sleepy")
    cur.execute("ALTER TABLE hume_agents ENABLE ROW LEVEL SECURITY")
    cur.execute("CREATE POLICY everyone ON hume_agents USING (true)")
    cur.execute("CREATE POLICY sleepy ON hume_agents AS RESTRICTIVE TO reload_sleepy"
                " USING ((SELECT pg_sleep(0.3)) IS NOT NULL)")
    cur.execute("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY")
    cur.execute("CREATE POLICY everyone ON twilio_calls USING (true)")
    cur.execute("CREATE POLICY tenant ON twilio_calls AS RESTRICTIVE USING ("
                "coalesce(current_setting('request.headers', true)::json ->> 'x-tenant', '') <> 'none')")
    yield conn
    cur.execute("DROP OWNED BY reload_sleepy")
    cur.execute("DROP ROLE reload_sleepy")
    conn.close()


@pytest.fixture(scope="module")
def admin_port():
    return harness.free_port()


@pytest.fixture(scope="module")
def g(upstream, reload_db, admin_port):
    gateway = harness.Gateway(upstream, "reloads", admin_server_port=admin_port, callboard_live_poll_interval=60)
    yield gateway
    gateway.stop()


def user(**claims):
    return bearer(make_token(dict({"role": "dashboard_user"}, **claims)))


def test_the_auth_keys(g):
    """jwt-aud, db-anon-role, callboard-token-role (jwt-secret: test_operations)."""
    with_aud = bearer(make_token({"role": "dashboard_user", "aud": "dashboards"}))
    other_aud = bearer(make_token({"role": "dashboard_user", "aud": "elsewhere"}))
    assert requests.get(g.url + SUMMARY, headers=other_aud).status_code == 200
    assert requests.get(g.url + SUMMARY).status_code == 401            # web_anon reads no table
    assert requests.get(g.url + SUMMARY, headers=bearer(simplejwt_token(1))).status_code == 200
    try:
        g.reload(jwt_aud="dashboards", db_anon_role="dashboard_user", callboard_token_role="web_anon")
        refused = requests.get(g.url + SUMMARY, headers=other_aud)
        assert refused.status_code == 401 and refused.json()["code"] == "PGRST303"
        assert requests.get(g.url + SUMMARY, headers=with_aud).status_code == 200
        assert requests.get(g.url + SUMMARY).status_code == 200        # anonymous now reads as dashboard_user
        assert requests.get(g.url + SUMMARY, headers=bearer(simplejwt_token(1))).status_code == 403  # web_anon, with a token
    finally:
        g.reload(jwt_aud=None, db_anon_role="web_anon", callboard_token_role="dashboard_user")
    assert requests.get(g.url + SUMMARY, headers=other_aud).status_code == 200


def test_the_login_keys(g):
    """Token lifetimes, the login limits, the trusted proxies."""
    try:
        g.reload(callboard_access_token_lifetime=60, callboard_refresh_token_lifetime=120,
                 callboard_login_attempts_per_minute=2)
        r = requests.post(g.url + LOGIN, json=ACCOUNT, headers={"X-Forwarded-For": "198.51.100.1"})
        assert r.status_code == 200
        access = jwt.decode(r.json()["access"], harness.JWT_SECRET, algorithms=["HS256"])
        refresh = jwt.decode(r.json()["refresh"], harness.JWT_SECRET, algorithms=["HS256"])
        assert access["exp"] - access["iat"] == 60 and refresh["exp"] - refresh["iat"] == 120
        # Two attempts a minute from this address; X-Forwarded-For is not believed yet.
        assert requests.post(g.url + LOGIN, json=ACCOUNT,
                             headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
        assert requests.post(g.url + LOGIN, json=ACCOUNT,
                             headers={"X-Forwarded-For": "198.51.100.3"}).status_code == 429
        # Behind a trusted proxy, each forwarded client has its own bucket.
        g.reload(callboard_trusted_proxies="127.0.0.1")
        assert requests.post(g.url + LOGIN, json=ACCOUNT,
                             headers={"X-Forwarded-For": "198.51.100.4"}).status_code == 200
        g.reload(callboard_login_attempts_per_minute=1)
        assert requests.post(g.url + LOGIN, json=ACCOUNT,
                             headers={"X-Forwarded-For": "198.51.100.5"}).status_code == 200
        assert requests.post(g.url + LOGIN, json=ACCOUNT,
                             headers={"X-Forwarded-For": "198.51.100.5"}).status_code == 429
    finally:
        g.reload(callboard_access_token_lifetime=None, callboard_refresh_token_lifetime=None,
                 callboard_login_attempts_per_minute=None, callboard_trusted_proxies=None)


def test_the_request_keys(g):
    """server-cors-allowed-origins, callboard-statement-timeout, callboard-cohort-headers."""
    preflight = {"Origin": "https://b.example", "Access-Control-Request-Method": "GET"}
    sleepy = bearer(make_token({"role": "reload_sleepy"}))
    tenant_none = dict(user(), **{"X-Tenant": "none"})
    assert requests.options(g.url + RPC, headers=preflight).status_code == 200
    assert requests.get(g.url + RPC, headers=sleepy).status_code == 200
    everything = requests.get(g.url + SUMMARY, headers=tenant_none).json()["summary"]
    assert sum(everything.values()) > 0
    try:
        g.reload(server_cors_allowed_origins="https://a.example", callboard_statement_timeout="100ms",
                 callboard_cohort_headers="X-Tenant")
        assert requests.options(g.url + RPC, headers=preflight).status_code == 403
        timed_out = requests.get(g.url + RPC, headers=sleepy)
        assert timed_out.status_code == 500 and timed_out.json()["code"] == "57014"
        nothing = requests.get(g.url + SUMMARY, headers=tenant_none).json()["summary"]
        assert sum(nothing.values()) == 0
    finally:
        g.reload(server_cors_allowed_origins=None, callboard_statement_timeout=None, callboard_cohort_headers=None)
    assert requests.get(g.url + RPC, headers=sleepy).status_code == 200


def test_the_log_level(g):
    start = len(g.log_lines())
    try:
        g.reload(log_level="crit")
        for _ in range(3):
            assert requests.get(g.url + "/live").status_code == 200
        time.sleep(0.3)
        assert not [l for l in g.log_lines()[start:] if l.get("path") == "/live"]
    finally:
        g.reload(log_level="info")
    assert requests.get(g.url + "/live").status_code == 200
    assert g.wait_for_log_lines(start, lambda l: l.get("path") == "/live", 1)


def keepalives_within(g, seconds):
    """Keep-alive comments a new stream gets within `seconds`."""
    s = socket.create_connection(("127.0.0.1", g.port))
    s.sendall(("GET %s HTTP/1.1\r\nHost: t\r\nAccept: text/event-stream\r\nAuthorization: Bearer %s\r\n\r\n"
               % (SUMMARY, make_token({"role": "dashboard_user"}))).encode())
    s.settimeout(0.2)
    got = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            got += s.recv(65536)
        except socket.timeout:
            pass
    s.close()
    return got.count(b": keep-alive")


def test_the_live_keys(g, reload_db):
    """callboard-live-keepalive for new streams; callboard-live-poll-interval at the
    refresh loop's next tick (this database has no change signal)."""
    assert keepalives_within(g, 1.5) == 0
    stream = EventStream(g.url + SUMMARY, user(viewer="poll"))
    try:
        assert stream.next()[0] == "message"
        g.reload(callboard_live_keepalive=1, callboard_live_poll_interval=1)
        assert keepalives_within(g, 3.5) >= 2
        reload_db.cursor().execute("UPDATE twilio_calls SET status = CASE WHEN status = 'completed' THEN 'failed'"
                                   " ELSE 'completed' END WHERE id = (SELECT id FROM twilio_calls"
                                   " WHERE direction = 'outbound' ORDER BY call_sid LIMIT 1)")
        assert stream.next(timeout=4)[0] == "message"    # polled: at 60 s it would not come
    finally:
        stream.close()
        g.reload(callboard_live_keepalive=None, callboard_live_poll_interval=60)


def test_the_cache_keys(g, reload_db, cluster, admin_port):
    """callboard-cache-max-entry-bytes, callboard-cache-bytes, callboard-cache-max-age."""
    admin = "http://127.0.0.1:%d" % admin_port
    cur = reload_db.cursor()
    cur.execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    try:
        assert g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: listening", 1)
        headers = user(viewer="cache")
        assert requests.get(g.url + RPC, headers=headers).status_code == 200
        before = function_calls(cluster)
        assert requests.get(g.url + RPC, headers=headers).status_code == 200
        assert function_calls(cluster) == before             # from memory
        assert g.metrics(admin)[("callboard_cohort_cache_bytes", ())] > 0

        g.reload(callboard_cache_max_age=1, callboard_cache_bytes=0, callboard_cache_max_entry_bytes=1024)
        time.sleep(1.1)
        r = requests.get(g.url + RPC, headers=headers)
        assert r.status_code == 200                            # too large to keep: streamed
        assert function_calls(cluster) > before
        assert g.metrics(admin)[("callboard_cohort_cache_bytes", ())] == 0
        watch = requests.get(g.url + RPC, headers=dict(headers, Accept="text/event-stream"))
        assert watch.status_code == 400 and watch.json()["message"] == "Document too large to watch"

        g.reload(callboard_cache_bytes=None, callboard_cache_max_entry_bytes=None)
        assert requests.get(g.url + RPC, headers=headers).status_code == 200
        before = function_calls(cluster)
        assert requests.get(g.url + RPC, headers=headers).status_code == 200
        assert function_calls(cluster) == before             # kept again
        time.sleep(1.1)
        assert requests.get(g.url + RPC, headers=headers).status_code == 200
        assert function_calls(cluster) > before               # older than the max age: read again
    finally:
        g.reload(callboard_cache_max_age=None, callboard_cache_bytes=None, callboard_cache_max_entry_bytes=None)
        cur.execute("SET search_path = public, api; SELECT api.callboard_disable_change_signal()")

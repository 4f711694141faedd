"""Database errors reach the client as PostgREST maps them, through the real function."""
import time

import pytest
import requests

import harness
from conftest import bearer, make_token

RPC = "/rpc/scheduled_outbound_calls"


@pytest.fixture(scope="module")
def faults(cluster, upstream):
    """A database where things go wrong on purpose.

    - callboard.max_output_bytes is 4kB, so the whole document is too large;
    - statement_timeout is 1 s, and a token with {"slow": true} makes every
      row sleep through the row-level security policy (and does not see the
      broken call: reached within the second, it would answer 22008, not 57014);
    - a token with {"broken": true} sees one call with an infinite timestamp.
    """
    harness.create_app_database(cluster, "faults", calls=40)
    cur = cluster.connect("faults").cursor()
    cur.execute("ALTER DATABASE faults SET callboard.max_output_bytes = '4kB'")
    cur.execute("ALTER DATABASE faults SET statement_timeout = '1s'")
    cur.execute("INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,"
                " created_at, updated_at, started_at) VALUES (gen_random_uuid(), 'CA-broken', '+1', '+1',"
                " 'outbound', 'queued', 0, now(), now(), 'infinity')")
    cur.execute("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY")
    cur.execute("""CREATE POLICY faults ON twilio_calls TO dashboard_user USING (
        CASE WHEN current_setting('request.jwt.claims', true)::jsonb ? 'slow'
             THEN pg_sleep(0.1) IS NOT NULL AND call_sid <> 'CA-broken'
             ELSE call_sid <> 'CA-broken' OR current_setting('request.jwt.claims', true)::jsonb ? 'broken'
        END)""")
    g = harness.Gateway(upstream, "faults")
    yield g
    g.stop()


def call(g, claims=None, **params):
    return requests.get(g.url + RPC, params=params, headers=bearer(make_token(claims or {"role": "dashboard_user"})))


def test_output_limit_54000_is_500(faults):
    r = call(faults)
    assert r.status_code == 500
    assert r.json()["code"] == "54000"
    assert r.json()["message"].startswith("scheduled_outbound_calls() output would be ")
    assert r.json()["hint"].startswith("Pass a status filter")
    # With a filter the document fits.
    assert call(faults, status="pending").status_code == 200


def test_statement_timeout_57014_is_500(faults):
    r = call(faults, {"role": "dashboard_user", "slow": True}, status="pending")
    assert r.status_code == 500
    assert r.json() == {"code": "57014", "details": None, "hint": None,
                        "message": "canceling statement due to statement timeout"}


def test_unprintable_timestamp_22008_is_400(faults):
    r = call(faults, {"role": "dashboard_user", "broken": True}, status="pending")
    assert r.status_code == 400
    assert r.json()["code"] == "22008"
    assert "started_at of call" in r.json()["message"]
    assert r.json()["details"].startswith('The value is "infinity"')


def test_missing_table_42p01_is_404(upstream, app_db):
    g = harness.Gateway(upstream, app_db, db_extra_search_path="pg_catalog")
    try:
        r = requests.get(g.url + RPC, headers=bearer(make_token({"role": "dashboard_user"})))
        assert r.status_code == 404
        assert r.json()["code"] == "42P01"
        assert r.json()["message"] == 'relation "twilio_calls" does not exist'
    finally:
        g.stop()


def test_missing_function_42883_is_404(upstream, app_db):
    g = harness.Gateway(upstream, app_db, db_schemas="public")
    try:
        r = requests.get(g.url + RPC, headers=bearer(make_token({"role": "dashboard_user"})))
        assert r.status_code == 404
        assert r.json()["code"] == "42883"
    finally:
        g.stop()


def test_errors_leave_the_pool_usable(faults):
    for _ in range(6):   # more than db-pool = 4
        assert call(faults, {"role": "dashboard_user", "slow": True}, status="pending").status_code == 500
    assert call(faults, status="pending").status_code == 200


def test_a_roles_own_settings_apply_through_the_gateway(faults, cluster):
    """SET ROLE does not apply ALTER ROLE ... SET; the gateway does, as PostgREST does, in a
    login's order (the role's in this database over the database's 1 s), and rereads them on
    NOTIFY pgrst, 'reload schema'."""
    def timed():
        started = time.time()
        r = call(faults, {"role": "dashboard_user", "slow": True}, status="pending")
        return r, time.time() - started

    cur = cluster.connect("faults").cursor()
    cur.execute("ALTER ROLE dashboard_user IN DATABASE faults SET statement_timeout = '200ms'")
    try:
        cur.execute("NOTIFY pgrst, 'reload schema'")
        deadline = time.time() + 5
        r, seconds = timed()
        while seconds >= 0.9 and time.time() < deadline:
            r, seconds = timed()
        assert r.json()["code"] == "57014"
        assert seconds < 0.9, "the role's 200 ms did not apply"
    finally:
        cur.execute("ALTER ROLE dashboard_user IN DATABASE faults RESET statement_timeout")
        cur.execute("NOTIFY pgrst, 'reload schema'")
    # Back to the database's 1 s.
    deadline = time.time() + 5
    r, seconds = timed()
    while seconds < 0.9 and time.time() < deadline:
        r, seconds = timed()
    assert r.json()["code"] == "57014" and seconds >= 0.9

"""SET LOCAL ROLE and request.jwt.claims per request, so RLS written for PostgREST works,
and nothing carries over from one request to the next on a pooled connection."""
import json

import pytest
import requests

import harness
from conftest import bearer, expected_document, make_token

RPC = "/rpc/scheduled_outbound_calls"


@pytest.fixture(scope="module")
def rls(cluster, app_db):
    """A second role whose rows are limited by a policy on the JWT's user_id."""
    conn = cluster.connect(app_db)
    cur = conn.cursor()
    cur.execute("UPDATE twilio_calls SET user_id = (SELECT min(id) FROM auth_user) "
                "WHERE direction = 'outbound' AND call_sid < 'CA8'")
    cur.execute("CREATE ROLE dashboard_limited NOLOGIN")
    cur.execute("GRANT dashboard_limited TO authenticator")
    cur.execute("GRANT USAGE ON SCHEMA api TO dashboard_limited")
    cur.execute("GRANT SELECT ON twilio_calls, hume_agents TO dashboard_limited")
    cur.execute("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY")
    cur.execute("CREATE POLICY everything ON twilio_calls TO dashboard_user USING (true)")
    cur.execute("CREATE POLICY own_calls ON twilio_calls TO dashboard_limited USING "
                "(user_id = (current_setting('request.jwt.claims', true)::json ->> 'user_id')::int)")
    cur.execute("SELECT min(id) FROM auth_user")
    user_id = cur.fetchone()[0]
    yield user_id
    cur.execute("DROP POLICY own_calls ON twilio_calls")
    cur.execute("DROP POLICY everything ON twilio_calls")
    cur.execute("ALTER TABLE twilio_calls DISABLE ROW LEVEL SECURITY")
    cur.execute("REVOKE ALL ON twilio_calls, hume_agents FROM dashboard_limited")
    cur.execute("REVOKE ALL ON SCHEMA api FROM dashboard_limited")
    cur.execute("DROP ROLE dashboard_limited")
    conn.close()


def summary(response):
    assert response.status_code == 200, response.text
    return response.json()["summary"]


def test_policy_hides_rows_from_one_role(gateway, db, rls):
    limited = make_token({"role": "dashboard_limited", "user_id": rls})
    r = requests.get(gateway.url + RPC, headers=bearer(limited))
    claims = json.dumps({"role": "dashboard_limited", "user_id": rls})
    assert r.content == expected_document(db, role="dashboard_limited", claims=claims)
    full = summary(requests.get(gateway.url + RPC, headers=bearer(make_token({"role": "dashboard_user"}))))
    mine = summary(r)
    assert sum(mine.values()) < sum(full.values())
    cur = db.cursor()
    cur.execute("SELECT count(*) FROM twilio_calls WHERE direction = 'outbound' AND user_id = %s", (rls,))
    assert sum(mine.values()) == cur.fetchone()[0]


def test_claims_and_role_do_not_survive_the_request(upstream, app_db, db, rls):
    # One pooled connection: every request below reuses it.
    g = harness.Gateway(upstream, app_db, db_pool=1)
    try:
        other = make_token({"role": "dashboard_limited", "user_id": rls + 1})
        mine = make_token({"role": "dashboard_limited", "user_id": rls})
        seen_mine = summary(requests.get(g.url + RPC, headers=bearer(mine)))
        seen_other = summary(requests.get(g.url + RPC, headers=bearer(other)))
        assert seen_mine != seen_other
        assert summary(requests.get(g.url + RPC, headers=bearer(mine))) == seen_mine
        # Anonymous after an authenticated request: the role is web_anon again.
        anon = requests.get(g.url + RPC)
        assert anon.status_code == 401
        # A claim-less token of the limited role sees nothing, not the last user's rows.
        nobody = summary(requests.get(g.url + RPC, headers=bearer(make_token({"role": "dashboard_limited"}))))
        assert sum(nobody.values()) == 0
    finally:
        g.stop()


def test_request_settings_are_visible_to_sql(gateway, upstream, app_db, db, rls):
    """request.method and request.path reach policies, as in PostgREST; request.headers
    holds the headers named in callboard-cohort-headers, which are part of the audience a
    document is built for, and no others."""
    cur = db.cursor()
    cur.execute("CREATE POLICY header_gate ON twilio_calls TO dashboard_limited USING ("
                "current_setting('request.method', true) = 'POST' AND "
                "current_setting('request.path', true) = '/rpc/scheduled_outbound_calls' AND "
                "current_setting('request.headers', true)::json ->> 'x-tenant' = 'acme')")
    g = harness.Gateway(upstream, app_db, callboard_cohort_headers="X-Tenant")
    try:
        token = bearer(make_token({"role": "dashboard_limited"}))
        url = g.url + RPC
        gated = summary(requests.post(url, json={}, headers=dict(token, **{"X-Tenant": "acme"})))
        assert sum(gated.values()) > 0
        other = summary(requests.post(url, json={}, headers=dict(token, **{"X-Tenant": "other"})))
        assert sum(other.values()) == 0
        as_get = summary(requests.get(url, headers=dict(token, **{"X-Tenant": "acme"})))
        assert sum(as_get.values()) == 0
        # Without the setting no header reaches SQL: the same request sees nothing.
        unnamed = summary(requests.post(gateway.url + RPC, json={}, headers=dict(token, **{"X-Tenant": "acme"})))
        assert sum(unnamed.values()) == 0
    finally:
        g.stop()
        cur.execute("DROP POLICY header_gate ON twilio_calls")

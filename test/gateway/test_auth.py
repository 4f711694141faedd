"""Bearer tokens as PostgREST checks them; no query runs when a check fails."""
import base64
import json
import time

import requests

from conftest import bearer, expected_document, function_calls, make_token, simplejwt_token

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"
RPC = "/rpc/scheduled_outbound_calls"


def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def assert_invalid_token(r, code, message):
    assert r.status_code == 401, r.text
    assert r.json() == {"code": code, "details": r.json()["details"], "hint": None, "message": message}
    assert r.headers["WWW-Authenticate"] == 'Bearer error="invalid_token", error_description="%s"' % message


def test_legacy_path_requires_a_token(gateway):
    r = requests.get(gateway.url + LEGACY)
    assert r.status_code == 401
    assert r.json() == {"code": "PGRST302", "details": None, "hint": None, "message": "Anonymous access is disabled"}
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_anonymous_rpc_runs_as_anon_role_and_is_refused_by_grants(gateway):
    r = requests.get(gateway.url + RPC)
    assert r.status_code == 401
    assert r.json()["code"] == "42501"
    assert r.json()["message"] == "permission denied for table twilio_calls"
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_malformed_tokens(gateway):
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers={"Authorization": "Bearer "}),
                         "PGRST301", "Empty JWT is sent in Authorization header")
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers=bearer("abc.def")),
                         "PGRST301", "Expected 3 parts in JWT; got 2")
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers=bearer("%%%.%%%.%%%")),
                         "PGRST301", "JWT cryptographic operation failed")


def test_bad_signature(gateway):
    token = simplejwt_token(1)
    head, payload, sig = token.split(".")
    forged = head + "." + b64({"token_type": "access", "user_id": 1, "role": "postgres"}) + "." + sig
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers=bearer(forged)),
                         "PGRST301", "JWT cryptographic operation failed")
    other_secret = make_token({"role": "dashboard_user"}, secret="x" * 40)
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers=bearer(other_secret)),
                         "PGRST301", "JWT cryptographic operation failed")


def test_wrong_algorithms_none_included(gateway):
    none = b64({"alg": "none", "typ": "JWT"}) + "." + b64({"role": "dashboard_user"}) + "."
    r = requests.get(gateway.url + LEGACY, headers=bearer(none))
    assert_invalid_token(r, "PGRST301", "Wrong or unsupported encoding algorithm")
    rs = b64({"alg": "RS256", "typ": "JWT"}) + "." + b64({"role": "dashboard_user"}) + ".c2ln"
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers=bearer(rs)),
                         "PGRST301", "Wrong or unsupported encoding algorithm")


def test_hs384_and_hs512_are_accepted(gateway, db):
    for alg in ("HS384", "HS512"):
        r = requests.get(gateway.url + LEGACY, headers=bearer(make_token({"role": "dashboard_user"}, algorithm=alg)))
        assert r.status_code == 200, alg
        assert r.content == expected_document(db)


def test_time_claims_with_postgrests_30_second_skew(gateway):
    now = int(time.time())
    ok = requests.get(gateway.url + LEGACY, headers=bearer(make_token({"role": "dashboard_user", "exp": now - 20})))
    assert ok.status_code == 200
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers=bearer(simplejwt_token(1, now=now - 400))),
                         "PGRST303", "JWT expired")
    assert_invalid_token(requests.get(gateway.url + LEGACY,
                                      headers=bearer(make_token({"role": "dashboard_user", "nbf": now + 120}))),
                         "PGRST303", "JWT not yet valid")
    assert_invalid_token(requests.get(gateway.url + LEGACY,
                                      headers=bearer(make_token({"role": "dashboard_user", "iat": now + 120}))),
                         "PGRST303", "JWT issued at future")


def test_simplejwt_access_tokens_run_as_the_token_role(gateway, db):
    before = len(gateway.log_lines())
    r = requests.get(gateway.url + LEGACY, headers=bearer(simplejwt_token(1)))
    assert r.status_code == 200
    assert r.content == expected_document(db, role="dashboard_user")
    logged = gateway.wait_for_log_lines(before, lambda l: l["path"] == LEGACY and l["status"] == 200, 1)
    assert [l["role"] for l in logged] == ["dashboard_user"]


def test_refresh_tokens_do_not_open_the_api(gateway):
    assert_invalid_token(requests.get(gateway.url + LEGACY, headers=bearer(simplejwt_token(1, "refresh"))),
                         "PGRST301", "Unsupported token type")


def test_role_claims(gateway):
    # A token for the anonymous role is still a token: 403, not 401.
    anon = requests.get(gateway.url + RPC, headers=bearer(make_token({"role": "web_anon"})))
    assert anon.status_code == 403
    assert anon.json()["code"] == "42501"
    ghost = requests.get(gateway.url + RPC, headers=bearer(make_token({"role": "ghost"})))
    assert ghost.status_code == 401
    assert ghost.json()["message"] == 'role "ghost" does not exist'


def test_no_query_runs_when_authentication_fails(gateway, cluster):
    # The counter works: a good request moves it.
    before = function_calls(cluster)
    requests.get(gateway.url + LEGACY, headers=bearer(simplejwt_token(1)))
    moved = function_calls(cluster)
    assert moved == before + 1
    for headers in ({}, {"Authorization": "Bearer x.y"}, bearer(simplejwt_token(1, now=time.time() - 999)),
                    bearer(simplejwt_token(1, "refresh")), bearer(make_token({"role": "x"}, secret="y" * 40))):
        assert requests.get(gateway.url + LEGACY, headers=headers).status_code == 401
    assert function_calls(cluster) == moved

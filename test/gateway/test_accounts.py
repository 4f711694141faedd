"""Login and refresh as the Django app's SimpleJWT endpoints answer them."""
import concurrent.futures
import time

import jwt
import requests

import harness
from conftest import bearer, expected_document, simplejwt_token

LOGIN = "/api/accounts/login/"
REFRESH = "/api/accounts/token/refresh/"
LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"


def login(gateway, email, password):
    return requests.post(gateway.url + LOGIN, json={"email": email, "password": password})


def test_fixture_user_logs_in_with_the_django_made_hash(gateway, db):
    r = login(gateway, "dispatcher@example.com", "dispatch-2025!")
    assert r.status_code == 200
    assert list(r.json()) == ["refresh", "access"]
    now = time.time()
    access = jwt.decode(r.json()["access"], harness.JWT_SECRET, algorithms=["HS256"])
    refresh = jwt.decode(r.json()["refresh"], harness.JWT_SECRET, algorithms=["HS256"])
    cur = db.cursor()
    cur.execute("SELECT id FROM auth_user WHERE email = 'dispatcher@example.com'")
    user_id = cur.fetchone()[0]
    assert set(access) == {"token_type", "exp", "iat", "jti", "user_id"}
    assert access["token_type"] == "access" and refresh["token_type"] == "refresh"
    assert access["user_id"] == refresh["user_id"] == user_id
    assert abs(access["exp"] - now - 300) < 5 and abs(refresh["exp"] - now - 86400) < 5
    assert access["jti"] != refresh["jti"] and len(access["jti"]) == 32
    # And the access token opens the dashboard.
    data = requests.get(gateway.url + LEGACY, headers=bearer(r.json()["access"]))
    assert data.status_code == 200
    assert data.content == expected_document(db)


def test_without_trailing_slash(gateway):
    r = requests.post(gateway.url + LOGIN.rstrip("/"),
                      json={"email": "dispatcher@example.com", "password": "dispatch-2025!"})
    assert r.status_code == 200


def test_inactive_wrong_password_and_unknown_users_are_refused_alike(gateway):
    expected = {"detail": "No active account found with the given credentials"}
    for email, password in [("former@example.com", "inactive-pass"),
                            ("dispatcher@example.com", "dispatch-2025"),
                            ("dispatcher@example.com", "DISPATCH-2025!"),
                            ("nobody@example.com", "dispatch-2025!"),
                            ("DISPATCHER@example.com", "dispatch-2025!")]:
        r = login(gateway, email, password)
        assert r.status_code == 401, email
        assert r.json() == expected


def test_malformed_login_requests(gateway):
    missing = requests.post(gateway.url + LOGIN, json={"email": "dispatcher@example.com"})
    assert missing.status_code == 400
    assert missing.json() == {"password": ["This field is required."]}
    bad = requests.post(gateway.url + LOGIN, data="email=x", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert "detail" in bad.json()


def test_refresh_gives_a_new_access_token(gateway, db):
    tokens = login(gateway, "dispatcher@example.com", "dispatch-2025!").json()
    r = requests.post(gateway.url + REFRESH, json={"refresh": tokens["refresh"]})
    assert r.status_code == 200
    assert list(r.json()) == ["access"]
    claims = jwt.decode(r.json()["access"], harness.JWT_SECRET, algorithms=["HS256"])
    assert claims["token_type"] == "access"
    assert requests.get(gateway.url + LEGACY, headers=bearer(r.json()["access"])).status_code == 200


def test_refresh_refusals(gateway, db):
    access = simplejwt_token(1)
    wrong_type = requests.post(gateway.url + REFRESH, json={"refresh": access})
    assert wrong_type.status_code == 401
    assert wrong_type.json() == {"detail": "Token has wrong type", "code": "token_not_valid"}
    garbage = requests.post(gateway.url + REFRESH, json={"refresh": "nope"})
    assert garbage.status_code == 401
    assert garbage.json() == {"detail": "Token is invalid or expired", "code": "token_not_valid"}
    expired = requests.post(gateway.url + REFRESH,
                            json={"refresh": simplejwt_token(1, "refresh", now=time.time() - 200000)})
    assert expired.json()["code"] == "token_not_valid"
    cur = db.cursor()
    cur.execute("SELECT id FROM auth_user WHERE email = 'former@example.com'")
    inactive = requests.post(gateway.url + REFRESH, json={"refresh": simplejwt_token(cur.fetchone()[0], "refresh")})
    assert inactive.status_code == 401
    assert inactive.json() == {"detail": "No active account found for the given token.", "code": "no_active_account"}
    missing = requests.post(gateway.url + REFRESH, json={})
    assert missing.status_code == 400


def test_logins_are_throttled_per_address(upstream, app_db):
    g = harness.Gateway(upstream, app_db, callboard_login_attempts_per_minute=3)
    try:
        codes = [login(g, "dispatcher@example.com", "wrong").status_code for _ in range(5)]
        assert codes == [401, 401, 401, 429, 429]
        r = login(g, "dispatcher@example.com", "dispatch-2025!")
        assert r.status_code == 429
        assert 1 <= int(r.headers["Retry-After"]) <= 20
        assert r.json()["detail"].startswith("Request was throttled. Expected available in ")
    finally:
        g.stop()


def test_password_checks_at_once_are_bounded(upstream, app_db):
    """Past callboard-login-concurrency checks waiting or running, a login is refused at
    once (429) instead of queueing behind the others and taking the cores."""
    g = harness.Gateway(upstream, app_db, callboard_login_attempts_per_minute=100000,
                        callboard_login_concurrency=1)
    try:
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            codes = sorted(pool.map(lambda _: login(g, "dispatcher@example.com", "wrong").status_code, range(6)))
        assert codes[0] == 401 and codes[-1] == 429
        assert set(codes) == {401, 429}
        # Once the checks are over, a login goes through.
        assert login(g, "dispatcher@example.com", "dispatch-2025!").status_code == 200
    finally:
        g.stop()


def test_refresh_for_a_user_id_that_no_account_can_have(gateway):
    """auth_user.id is an integer: a larger id is no account, as SimpleJWT
    answers, not a 400 carrying the database's out-of-range error."""
    expected = {"detail": "No active account found for the given token.", "code": "no_active_account"}
    for user_id in [2**63 - 1, -2**63, 2**31, -2**31 - 1, 999999]:
        r = requests.post(gateway.url + REFRESH, json={"refresh": simplejwt_token(user_id, "refresh")})
        assert r.status_code == 401, user_id
        assert r.json() == expected, user_id


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(upstream, app_db):
    """callboard-trusted-proxies: X-Forwarded-For from a listed proxy names the client
    (the right-most address the proxy did not add itself); from anyone else it is
    ignored (test_reload.py), so a client cannot pick its bucket."""
    g = harness.Gateway(upstream, app_db, callboard_login_attempts_per_minute=2,
                        callboard_trusted_proxies="127.0.0.1, 10.0.0.0/8")

    def attempt(forwarded):
        return requests.post(g.url + LOGIN, json={"email": "dispatcher@example.com", "password": "wrong"},
                             headers={"X-Forwarded-For": forwarded}).status_code
    try:
        assert [attempt("203.0.113.1") for _ in range(3)] == [401, 401, 429]
        assert attempt("203.0.113.2") == 401                    # another client, another bucket
        assert attempt("198.51.100.9, 203.0.113.1") == 429      # a forged entry left of the proxy's
        assert attempt("203.0.113.1, 10.1.2.3") == 429          # a proxy behind the proxy is skipped
    finally:
        g.stop()

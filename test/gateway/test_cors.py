"""Browser dashboards on another origin: preflight and response headers."""
import pytest
import requests

import harness
from conftest import bearer, simplejwt_token

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"


def preflight(url, origin):
    return requests.options(url + LEGACY, headers={
        "Origin": origin, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})


def test_any_origin_when_unset(gateway):
    r = preflight(gateway.url, "http://localhost:5173")
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert r.headers["Access-Control-Allow-Headers"] == "authorization"
    assert "GET" in r.headers["Access-Control-Allow-Methods"]
    get = requests.get(gateway.url + LEGACY, headers=dict(bearer(simplejwt_token(1)), Origin="http://localhost:5173"))
    assert get.status_code == 200
    assert get.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert get.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.fixture(scope="module")
def listed(upstream, app_db):
    g = harness.Gateway(upstream, app_db, server_cors_allowed_origins="https://dash.example, http://localhost:5173")
    yield g
    g.stop()


def test_only_listed_origins(listed):
    assert preflight(listed.url, "https://dash.example").headers["Access-Control-Allow-Origin"] == "https://dash.example"
    refused = preflight(listed.url, "https://evil.example")
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused.headers
    get = requests.get(listed.url + LEGACY, headers=dict(bearer(simplejwt_token(1)), Origin="https://evil.example"))
    assert get.status_code == 200
    assert "Access-Control-Allow-Origin" not in get.headers


def test_errors_carry_cors_headers_too(listed):
    # A browser must be able to read a 401 to send its user to the login page.
    r = requests.get(listed.url + LEGACY, headers={"Origin": "https://dash.example"})
    assert r.status_code == 401
    assert r.headers["Access-Control-Allow-Origin"] == "https://dash.example"

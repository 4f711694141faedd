"""Every route, its body byte for byte, its headers, and the wrong ways to call it."""
import os
import socket
import time
import uuid

import requests

import harness
from conftest import bearer, expected_document, simplejwt_token

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"
RPC = "/rpc/scheduled_outbound_calls"
JSON_TYPE = "application/json; charset=utf-8"


def test_legacy_path_returns_the_function_output_byte_for_byte(gateway, db):
    r = requests.get(gateway.url + LEGACY, headers=bearer(simplejwt_token(1)))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == JSON_TYPE
    assert r.content == expected_document(db)
    assert r.json()["success"] is True


def test_legacy_path_without_trailing_slash(gateway, db):
    r = requests.get(gateway.url + LEGACY.rstrip("/"), headers=bearer(simplejwt_token(1)),
                     params={"status": "completed"})
    assert r.status_code == 200
    assert r.content == expected_document(db, "completed")


def test_legacy_filters_and_ignored_parameters(gateway, db):
    for status in ["pending", "in_progress", "active", "completed", "failed", ""]:
        r = requests.get(gateway.url + LEGACY, headers=bearer(simplejwt_token(1)),
                         params={"status": status, "page": "2"})
        assert r.status_code == 200, status
        assert r.content == expected_document(db, status), status


def test_rpc_get_and_post_agree(gateway, db):
    token = bearer(simplejwt_token(1))
    get = requests.get(gateway.url + RPC, params={"status": "pending"}, headers=token)
    post = requests.post(gateway.url + RPC, json={"status": "pending"}, headers=token)
    assert get.status_code == post.status_code == 200
    assert get.content == post.content == expected_document(db, "pending")
    assert get.headers["Content-Type"] == post.headers["Content-Type"] == JSON_TYPE


def test_rpc_post_defaults(gateway, db):
    token = bearer(simplejwt_token(1))
    everything = expected_document(db)
    assert requests.post(gateway.url + RPC, headers=token).content == everything
    assert requests.post(gateway.url + RPC, json={}, headers=token).content == everything
    assert requests.post(gateway.url + RPC, json={"status": None}, headers=token).content == everything


def test_invalid_filter_is_400_with_postgres_hint(gateway):
    r = requests.get(gateway.url + LEGACY, params={"status": "Pending"}, headers=bearer(simplejwt_token(1)))
    assert r.status_code == 400
    assert r.headers["Content-Type"] == JSON_TYPE
    assert list(r.json()) == ["code", "details", "hint", "message"]
    assert r.json() == {
        "code": "22023", "details": None,
        "hint": "Valid values are pending, in_progress, active, completed and failed; "
                "NULL or an empty string returns every category.",
        "message": 'invalid status filter "Pending"'}


def test_unknown_rpc_argument_is_pgrst202(gateway):
    token = bearer(simplejwt_token(1))
    get = requests.get(gateway.url + RPC, params={"stat": "x"}, headers=token)
    assert get.status_code == 404
    assert get.json()["code"] == "PGRST202"
    assert get.json()["message"] == \
        "Could not find the function api.scheduled_outbound_calls(stat) in the schema cache"
    post = requests.post(gateway.url + RPC, json={"status": "pending", "limit": 5}, headers=token)
    assert post.status_code == 404
    assert post.json()["details"].endswith(
        "with parameters limit, status or with a single unnamed json/jsonb parameter, "
        "but no matches were found in the schema cache.")


def test_other_functions_are_not_served(gateway):
    r = requests.post(gateway.url + "/rpc/pg_sleep", json={"seconds": 10}, headers=bearer(simplejwt_token(1)))
    assert r.status_code == 404
    assert r.json()["code"] == "PGRST202"


def test_malformed_and_non_object_bodies(gateway):
    token = bearer(simplejwt_token(1))
    bad = requests.post(gateway.url + RPC, data="{oops", headers=dict(token, **{"Content-Type": "application/json"}))
    assert bad.status_code == 400
    assert bad.json()["code"] == "PGRST102"
    array = requests.post(gateway.url + RPC, json=["pending"], headers=token)
    assert array.status_code == 400
    assert array.json()["code"] == "PGRST102"


def test_unknown_route_is_404(gateway):
    r = requests.get(gateway.url + "/api/hume-twilio/dashboard/outbound/", headers=bearer(simplejwt_token(1)))
    assert r.status_code == 404
    assert r.json() == {"code": "PGRST125", "details": None, "hint": None,
                        "message": "Invalid path specified in request URL"}


def test_wrong_methods_are_405(gateway):
    legacy = requests.post(gateway.url + LEGACY, json={}, headers=bearer(simplejwt_token(1)))
    assert legacy.status_code == 405
    assert legacy.json()["code"] == "PGRST117"
    assert legacy.headers["Allow"] == "GET, HEAD, OPTIONS"
    rpc = requests.delete(gateway.url + RPC, headers=bearer(simplejwt_token(1)))
    assert rpc.status_code == 405
    assert rpc.json()["message"] == "Cannot use the DELETE method on RPC"
    login = requests.get(gateway.url + "/api/accounts/login/")
    assert login.status_code == 405


def test_head_has_headers_and_no_body(gateway):
    r = requests.head(gateway.url + LEGACY, headers=bearer(simplejwt_token(1)))
    assert r.status_code == 200
    assert r.content == b""


def test_head_sends_no_body_and_the_connection_goes_on(gateway):
    """HEAD then GET pipelined on one connection: HEAD's Content-Length is the
    GET's, no body follows it, and the GET's response starts right after."""
    token = simplejwt_token(1)
    request = "%s %s HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\nAccept-Encoding: identity\r\n\r\n"
    sock = socket.create_connection(("127.0.0.1", gateway.port))
    try:
        sock.sendall((request % ("HEAD", LEGACY, token) + request % ("GET", LEGACY, token)).encode())
        sock.settimeout(10)
        data = b""
        while data.count(b"\r\n\r\n") < 2:
            data += sock.recv(65536)
        head, rest = data.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 200")
        assert rest.startswith(b"HTTP/1.1 200"), rest[:80]
        get_head, body = rest.split(b"\r\n\r\n", 1)

        def length(h):
            return int([l for l in h.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
        while len(body) < length(get_head):
            body += sock.recv(65536)
        assert length(head) == length(get_head) == len(body) > 0
    finally:
        sock.close()


def test_health(gateway):
    assert requests.get(gateway.url + "/live").status_code == 200
    assert requests.get(gateway.url + "/ready").status_code == 200


def test_one_access_log_line_per_request(gateway):
    before = len(gateway.log_lines())
    nowhere = "/nowhere-" + uuid.uuid4().hex
    started = time.time()
    served = requests.get(gateway.url + LEGACY, params={"status": "failed"}, headers=bearer(simplejwt_token(1)))
    elapsed_ms = (time.time() - started) * 1000
    requests.get(gateway.url + nowhere)
    ours = lambda l: l["path"] in (LEGACY, nowhere)
    gateway.wait_for_log_lines(before, ours, 2)
    time.sleep(0.2)  # room for a duplicate line, which would fail the test
    lines = [l for l in gateway.log_lines()[before:] if ours(l)]
    assert sorted((l["method"], l["path"], l["status"]) for l in lines) == [
        ("GET", LEGACY, 200), ("GET", nowhere, 404)]
    legacy = next(l for l in lines if l["path"] == LEGACY)
    assert legacy["role"] == "dashboard_user"
    # What was sent (compressed: requests asks for gzip), and a duration the request
    # really took (measured from its first byte).
    assert served.headers["Content-Encoding"] == "gzip"
    assert legacy["bytes"] == int(served.headers["Content-Length"]) < len(served.content)
    assert 0 < legacy["ms"] <= elapsed_ms


def test_the_page_is_served_with_a_strict_policy(gateway):
    r = requests.get(gateway.url + "/")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.content == open(os.path.join(harness.ROOT, "web/index.html"), "rb").read()
    policy = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-cache"
    again = requests.get(gateway.url + "/index.html", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    # Only files that are there: nothing outside the page's directory.
    for path in ("/../README.md", "/%2e%2e/README.md", "/nothing.js"):
        assert requests.get(gateway.url + path).status_code == 404, path

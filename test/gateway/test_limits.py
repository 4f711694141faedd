"""Oversized and malformed requests are refused before any work; slow clients time out."""
import socket
import time

import requests

from conftest import bearer, function_calls, simplejwt_token

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"
RPC = "/rpc/scheduled_outbound_calls"


def test_uri_too_long(gateway):
    r = requests.get(gateway.url + LEGACY + "?status=" + "x" * 9000, headers=bearer(simplejwt_token(1)))
    assert r.status_code == 414
    assert r.json()["code"] == "HTTP414"


def test_header_too_large(gateway):
    # callboard-max-header-bytes is 16 kB by default: a large cookie passes, 20 kB does not.
    fits = requests.get(gateway.url + LEGACY, headers=dict(bearer(simplejwt_token(1)), **{"X-Big": "y" * 9000}))
    assert fits.status_code == 200
    r = requests.get(gateway.url + LEGACY, headers=dict(bearer(simplejwt_token(1)), **{"X-Big": "y" * 20000}))
    assert r.status_code == 431
    assert r.json()["code"] == "HTTP431"


def test_body_too_large(gateway):
    r = requests.post(gateway.url + RPC, data="{" + " " * 100000 + "}",
                      headers=dict(bearer(simplejwt_token(1)), **{"Content-Type": "application/json"}))
    assert r.status_code == 413
    assert r.json()["details"] == "The limit is 65536 bytes."


def test_garbage_request_line(gateway):
    with socket.create_connection(("127.0.0.1", gateway.port)) as s:
        s.sendall(b"HELLO THERE\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")


def test_nothing_reaches_the_database(gateway, cluster):
    before = function_calls(cluster)
    test_uri_too_long(gateway)
    test_body_too_large(gateway)
    assert function_calls(cluster) == before
    # The positive control: the count does move for a request that is served.
    assert requests.get(gateway.url + RPC, headers=bearer(simplejwt_token(1))).status_code == 200
    deadline = time.time() + 5
    while function_calls(cluster) == before and time.time() < deadline:
        time.sleep(0.05)
    assert function_calls(cluster) == before + 1


def test_idle_and_slow_clients_are_dropped(gateway):
    # callboard-request-timeout = 3 in the test configuration.
    for partial in (b"", b"GET /live HTTP/1.1\r\nHost: x\r\n"):
        with socket.create_connection(("127.0.0.1", gateway.port)) as s:
            s.settimeout(15)
            s.sendall(partial)
            start = time.time()
            data = s.recv(4096)
            while data and not data.endswith(b"\r\n\r\n") and b"HTTP/1.1" not in data:
                data = s.recv(4096)
            elapsed = time.time() - start
        assert 2 <= elapsed < 8, (partial, elapsed)
    # The server still answers others.
    assert requests.get(gateway.url + "/live").status_code == 200

"""No event loop ever waits: password checks, cancels and connecting run on
threads of their own, and the access log never blocks a loop.

With one event loop (callboard-server-threads = 1), anything that blocked it
would stall every other connection; these tests watch other requests while
the slow work runs.  The latency figures under load are bench/login_storm.py's."""
import base64
import concurrent.futures
import hashlib
import subprocess
import time

import pytest
import requests

import harness
from conftest import bearer, make_token

LOGIN = "/api/accounts/login/"
SUMMARY = "/rpc/scheduled_outbound_calls_summary"
SLOW_ITERATIONS = 6000000  # about 1.5 s of PBKDF2 on this machine


def django_hash(password, iterations, salt="callboardslow"):
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return "pbkdf2_sha256$%d$%s$%s" % (iterations, salt, base64.b64encode(digest).decode())


@pytest.fixture(scope="module")
def slow_user(cluster, app_db):
    conn = cluster.connect(app_db)
    cur = conn.cursor()
    cur.execute("INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,"
                " is_staff, is_active, date_joined) VALUES (%s, false, 'slow', 'S', 'Low', 'slow@example.com',"
                " false, true, now()) RETURNING id", (django_hash("slow-password", SLOW_ITERATIONS),))
    user_id = cur.fetchone()[0]
    yield "slow@example.com", "slow-password"
    cur.execute("DELETE FROM auth_user WHERE id = %s", (user_id,))
    conn.close()


def test_a_password_check_does_not_stall_the_loop(upstream, app_db, slow_user):
    g = harness.Gateway(upstream, app_db, callboard_server_threads=1)
    try:
        token = bearer(make_token({"role": "dashboard_user"}))
        assert requests.get(g.url + SUMMARY, headers=token).status_code == 200
        email, password = slow_user
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            started = time.time()
            login = pool.submit(requests.post, g.url + LOGIN, json={"email": email, "password": password})
            time.sleep(0.2)  # the check is under way
            worst = 0
            answered = 0
            while not login.done():
                t = time.time()
                assert requests.get(g.url + "/live").status_code == 200
                assert requests.get(g.url + SUMMARY, headers=token).status_code == 200
                worst = max(worst, time.time() - t)
                answered += 1
            took = time.time() - started
            assert login.result().status_code == 200
        assert took > 0.8, "the check was too quick to tell anything (%.2f s)" % took
        assert answered >= 3
        assert worst < 0.3, "the loop stalled for %.2f s during a %.2f s password check" % (worst, took)
    finally:
        g.stop()


def test_a_stalled_log_never_blocks_a_loop(upstream, app_db):
    """stdout is a pipe nobody reads: once it is full, requests are still answered
    at once; the lines wait in memory (up to 8 MB, then they are dropped and
    counted: log_queue_test) and arrive when the reader comes back."""
    admin_port = harness.free_port()
    g = harness.Gateway(upstream, app_db, stdout=subprocess.PIPE, callboard_server_threads=1,
                        admin_server_port=admin_port, log_level="info")
    try:
        session = requests.Session()
        started = time.time()
        for _ in range(3000):  # about 400 kB of access log: the pipe holds 64 kB
            assert session.get(g.url + "/live", timeout=5).status_code == 200
        assert time.time() - started < 30
        assert g.metrics("http://127.0.0.1:%d" % admin_port)[("callboard_log_lines_dropped_total", ())] == 0
        # The reader comes back: every line arrives, whole and in order.
        text = b""
        deadline = time.time() + 10
        while text.count(b'"path":"/live"') < 3000 and time.time() < deadline:
            text += g.process.stdout.read1(1 << 20)
        lines = [l for l in text.split(b"\n") if b'"path":"/live"' in l]
        assert len(lines) >= 3000
        assert all(l.startswith(b"{") and l.endswith(b"}") for l in lines)
    finally:
        g.stop()


def test_a_host_name_is_resolved_off_the_loop(upstream, app_db):
    """db-uri with a host name (libpq resolves it in its first connection step, which
    runs on the blocking pool): requests are served."""
    g = harness.Gateway(upstream, app_db, db_uri="postgres://authenticator:%s@localhost:%d/%s"
                        % (harness.AUTHENTICATOR_PASSWORD, upstream.port, app_db))
    try:
        r = requests.get(g.url + SUMMARY, headers=bearer(make_token({"role": "dashboard_user"})))
        assert r.status_code == 200, r.text
    finally:
        g.stop()

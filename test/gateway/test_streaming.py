"""Documents stream from the database to the client.

A large document goes out chunked as scheduled_outbound_calls_chunks() yields
it, byte for byte the function's value; a small one whole, with a
Content-Length.  A client that hangs up, or reads slower than
callboard-min-send-rate, gets its query cancelled and the connection goes back
to the pool clean; an error after the first byte ends the response visibly
incomplete; SIGTERM lets streams finish within callboard-shutdown-grace.
"""
import concurrent.futures
import signal
import socket
import threading
import time

import pytest
import requests

import harness
from conftest import bearer, expected_document, make_token, wait_until_running

RPC = "/rpc/scheduled_outbound_calls"
CALLS = 20000


@pytest.fixture(scope="module")
def streams_db(cluster):
    """20,000 calls (a 7 MB document), and row-level security that changes things on
    demand: claim "slow" sleeps 1 ms on one row in ten (2 s in all, while the rows are
    read, before they are sorted), claim "slower" 50 ms on each failed call (4 minutes),
    claim "broken" shows one more failed call, whose started_at the JSON format cannot
    show: the document fails there, after the other categories were sent."""
    harness.create_app_database(cluster, "streams", calls=CALLS)
    conn = cluster.connect("streams")
    cur = conn.cursor()
    cur.execute("INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,"
                " created_at, updated_at, started_at) VALUES (gen_random_uuid(), 'CA-broken', '+1', '+1',"
                " 'outbound', 'failed', 0, now(), now(), 'infinity')")
    cur.execute("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY")
    cur.execute("""CREATE POLICY pace ON twilio_calls TO dashboard_user USING (
        CASE WHEN call_sid = 'CA-broken' THEN current_setting('request.jwt.claims', true)::jsonb ? 'broken'
             WHEN current_setting('request.jwt.claims', true)::jsonb ? 'slow'
                  AND hashtext(call_sid) % 10 = 0 THEN pg_sleep(0.001) IS NOT NULL
             WHEN current_setting('request.jwt.claims', true)::jsonb ? 'slower'
                  AND api.callboard_call_category(status) = 'failed' THEN pg_sleep(0.05) IS NOT NULL
             ELSE true END)""")
    cur.execute("CREATE POLICY everything ON twilio_calls TO postgres USING (true)")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def streams(upstream, streams_db):
    g = harness.Gateway(upstream, "streams")
    yield g
    g.stop()


def token(**claims):
    return bearer(make_token(dict({"role": "dashboard_user"}, **claims)))


def open_request(port, path, headers, rcvbuf=None):
    """A raw connection with one GET sent; the caller reads (or does not)."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    lines = ["GET %s HTTP/1.1" % path, "Host: x"] + ["%s: %s" % kv for kv in headers.items()]
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return s


def read_all(s, timeout=30):
    s.settimeout(timeout)
    data = b""
    while True:
        try:
            piece = s.recv(1 << 16)
        except (ConnectionResetError, socket.timeout):
            break
        if not piece:
            break
        data += piece
    return data


def gateway_backends(cur, dbname="streams"):
    """The states of the gateway's backends in `dbname`."""
    cur.execute("SELECT state FROM pg_stat_activity WHERE usename = 'authenticator' AND datname = %s"
                " AND pid <> pg_backend_pid()", (dbname,))
    return sorted(row[0] for row in cur.fetchall())


def wait_until_clean(cur, timeout=10):
    """Every gateway backend idle: nothing running, no transaction left open."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        states = gateway_backends(cur)
        if states and all(state == "idle" for state in states):
            return states
        time.sleep(0.05)
    raise AssertionError("gateway backends not idle: %r" % gateway_backends(cur))


def test_a_large_document_streams_in_chunks_byte_for_byte(streams, streams_db):
    r = requests.get(streams.url + RPC, headers=token(), stream=True)
    assert r.status_code == 200
    assert r.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in r.headers
    body = r.raw.read()
    assert len(body) > 5000000
    assert body == expected_document(streams_db)


def test_concurrent_first_requests_all_get_the_whole_document(upstream, streams_db):
    """On a fresh gateway one request builds the document and the others wait for it;
    when it turns out too large to keep, it streams to its builder's client and each
    of the others streams its own."""
    g = harness.Gateway(upstream, "streams", db_pool=8)
    try:
        expected = expected_document(streams_db)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            bodies = list(pool.map(lambda _: requests.get(g.url + RPC, headers=token()), range(8)))
        assert [r.status_code for r in bodies] == [200] * 8
        assert all(r.content == expected for r in bodies)
    finally:
        g.stop()


def test_a_small_document_has_a_content_length(streams, streams_db):
    r = requests.get(streams.url + "/rpc/scheduled_outbound_calls_summary",
                     headers=dict(token(), **{"Accept-Encoding": "identity"}))
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) == len(r.content)
    assert "Transfer-Encoding" not in r.headers


def test_a_client_that_hangs_up_cancels_its_query(streams, streams_db):
    cur = streams_db.cursor()
    s = open_request(streams.port, RPC, token(slow=True))
    wait_until_running(cur)
    s.close()
    started = time.time()
    states = wait_until_clean(cur, timeout=5)
    assert time.time() - started < 5
    assert states  # the connection was returned to the pool, not closed
    # The gateway goes on serving the same pool.
    assert requests.get(streams.url + "/rpc/scheduled_outbound_calls_summary", headers=token()).status_code == 200


def test_a_reader_below_the_minimum_rate_is_cut_off(upstream, streams_db):
    # A write may take 1 s plus its size at 10 MB/s: a reader that takes nothing for 4 s is too slow.
    g = harness.Gateway(upstream, "streams", callboard_request_timeout=1, callboard_min_send_rate=10000000)
    try:
        cur = streams_db.cursor()
        s = open_request(g.port, RPC, token(), rcvbuf=4096)
        time.sleep(0.3)
        head = s.recv(1024)
        assert head.startswith(b"HTTP/1.1 200")
        # Read nothing more: the kernel buffers fill, the gateway's next write waits, then gives up.
        time.sleep(4)
        rss = int(next(l.split()[1] for l in open("/proc/%d/status" % g.process.pid) if l.startswith("VmRSS")))
        rest = read_all(s)
        s.close()
        assert not rest.endswith(b"0\r\n\r\n"), "a cut response must not look complete"
        wait_until_clean(cur)
        if not harness.SANITIZED:
            assert rss < 60 * 1024, "the gateway held %d kB for one stalled reader" % rss
        lines = g.wait_for_log_lines(0, lambda l: l.get("path") == RPC, 1)
        assert lines[0]["incomplete"] is True
    finally:
        g.stop()


def test_an_error_after_the_first_byte_ends_the_response_incomplete(streams, streams_db):
    start = len(streams.log_lines())
    s = open_request(streams.port, RPC, token(broken=True))
    data = read_all(s)
    s.close()
    assert data.startswith(b"HTTP/1.1 200")
    assert b"Transfer-Encoding: chunked" in data
    assert len(data) > 1000000  # the first categories went out
    assert not data.endswith(b"0\r\n\r\n")
    events = streams.wait_for_log_lines(start, lambda l: "cut short" in l.get("event", ""), 1)
    assert "22008" in events[0]["event"]
    wait_until_clean(streams_db.cursor())


def test_a_client_that_hangs_up_on_a_document_being_built_cancels_it(streams, streams_db):
    """Nobody else waits for it: the query stops, rather than run on for minutes."""
    cur = streams_db.cursor()
    s = open_request(streams.port, RPC, token(slower=True))
    wait_until_running(cur)
    s.close()
    wait_until_clean(cur, timeout=5)


def test_sigterm_lets_a_stream_finish(upstream, streams_db):
    g = harness.Gateway(upstream, "streams")
    result = {}
    try:
        def download():
            result["response"] = requests.get(g.url + RPC, headers=token(slow=True))

        t = threading.Thread(target=download)
        t.start()
        wait_until_running(streams_db.cursor())
        g.process.send_signal(signal.SIGTERM)
        t.join(timeout=60)
        assert result["response"].status_code == 200
        assert result["response"].content == expected_document(streams_db, claims='{"slow": true}')
        assert g.process.wait(timeout=10) == 0
    finally:
        g.stop()


def test_sigterm_cuts_streams_after_the_grace_period(upstream, streams_db):
    g = harness.Gateway(upstream, "streams", callboard_shutdown_grace=1)
    try:
        cur = streams_db.cursor()
        s = open_request(g.port, RPC, token(slower=True))
        wait_until_running(cur)
        time.sleep(0.5)
        started = time.time()
        g.process.send_signal(signal.SIGTERM)
        assert g.process.wait(timeout=15) == 0
        assert time.time() - started < 8
        data = read_all(s, timeout=5)
        s.close()
        assert not data.endswith(b"0\r\n\r\n")
        # Its query was cancelled: nothing runs or holds a transaction (other gateways' idle
        # connections to this database may remain).
        deadline = time.time() + 5
        while set(gateway_backends(cur)) - {"idle"} and time.time() < deadline:
            time.sleep(0.05)
        assert set(gateway_backends(cur)) <= {"idle"}
    finally:
        g.stop()

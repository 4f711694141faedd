"""Two gateways side by side behind Debian's nginx, configured by
deploy/nginx-callboard.conf itself: only its ports and its certificate's
paths are replaced (site_config), so the documented file is the tested one.

Event streams pass through unbuffered, keep-alive comments keep idle ones
open, a stream whose gateway is killed comes back through nginx on the other
one with Last-Event-ID and misses no change, logins and their limits count
the browser's address, and a change costs each gateway its own reads."""
import gzip
import http.client
import json
import os
import queue
import re
import ssl
import subprocess
import tempfile
import threading
import time

import pytest
import requests

import harness
from conftest import bearer, expected_document, function_calls, make_token
from sse_client import EventStream

SITE = os.path.join(harness.ROOT, "deploy", "nginx-callboard.conf")
DB = "proxy"
LOGIN = "/api/accounts/login/"
USER = {"email": "dispatcher@example.com", "password": "dispatch-2025!"}
COMPLETED = "/rpc/scheduled_outbound_calls?status=completed"
SMALL_PAGE = "/rpc/scheduled_outbound_calls_page?category=completed&page_size=1"
TOKEN = bearer(make_token({"role": "dashboard_user"}))


def site_config(http_port, https_port, gateway_ports, cert, key, read_timeout=None):
    """The deploy file with its ports and paths replaced, each exactly where it
    is expected (a changed file fails here rather than testing something else)."""
    with open(SITE) as f:
        text = f.read()
    swaps = [("listen 80;", "listen 127.0.0.1:%d;" % http_port),
             ("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % https_port),
             ("server 127.0.0.1:3000 ", "server 127.0.0.1:%d " % gateway_ports[0]),
             ("server 127.0.0.1:3001 ", "server 127.0.0.1:%d " % gateway_ports[1]),
             ("/etc/ssl/certs/callboard.pem", cert),
             ("/etc/ssl/private/callboard.key", key)]
    if read_timeout is not None:  # only the shortened-timer test
        swaps.append(("proxy_read_timeout 75s;", "proxy_read_timeout %ds;" % read_timeout))
    for old, new in swaps:
        assert text.count(old) == 1, "%s: expected %r once" % (SITE, old)
        text = text.replace(old, new)
    return text


def directive(name):
    """The value of a directive of the deploy file (each appears once)."""
    with open(SITE) as f:
        values = re.findall(r"^\s*%s\s+([^;]*);" % re.escape(name), f.read(), re.M)
    assert len(values) == 1, (name, values)
    return values[0]


class SideBySide:
    """Two gateways on one database and nginx in front of them, over TLS with
    a certificate made for 127.0.0.1.  Gateways trust nginx's address unless
    told otherwise (callboard_trusted_proxies=None)."""

    def __init__(self, cluster, tls, read_timeout=None, **settings):
        settings.setdefault("callboard_trusted_proxies", "127.0.0.1")
        self.gateways = []
        self.nginx = None
        try:
            for _ in range(2):
                g = harness.Gateway(cluster, DB, admin_server_port=harness.free_port(), **settings)
                g.admin = "http://127.0.0.1:%d" % g.conf["admin-server-port"]
                self.gateways.append(g)
            for g in self.gateways:
                wait_for_signal(g)
            self.http_port, self.https_port = harness.free_port(), harness.free_port()
            site = site_config(self.http_port, self.https_port, [g.port for g in self.gateways],
                               tls["cert"], tls["key"], read_timeout)
            self.nginx = harness.Nginx(site, self.https_port, workers=2)
        except BaseException:
            self.stop()
            raise
        self.url = "https://127.0.0.1:%d" % self.https_port
        self.ca = tls["cert"]

    def get(self, path, **kwargs):
        return requests.get(self.url + path, verify=self.ca, **kwargs)

    def stream(self, path, headers=TOKEN):
        return EventStream(self.url + path, headers, verify=self.ca)

    def subscribers(self):
        """Event streams open on each gateway (a killed one counts 0)."""
        return [g.metrics(g.admin)[("callboard_live_subscribers", ())] if g.process.poll() is None else 0
                for g in self.gateways]

    def stop(self):
        if self.nginx:
            self.nginx.stop()
        for g in self.gateways:
            g.stop()


def wait_for_signal(g):
    deadline = time.time() + 10
    while not any(l.get("event") == "change signal: listening" for l in g.log_lines()):
        assert time.time() < deadline, "the gateway is not listening for the change signal"
        time.sleep(0.05)


def wait_until(check, timeout=5, what="the condition"):
    deadline = time.time() + timeout
    while not check():
        assert time.time() < deadline, "timed out waiting for " + what
        time.sleep(0.02)


@pytest.fixture(scope="module")
def tls():
    """A self-signed certificate for 127.0.0.1, readable by nginx's master (root)."""
    folder = tempfile.mkdtemp(prefix="callboard-tls.")
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    yield {"cert": cert, "key": key}
    subprocess.run(["rm", "-rf", folder], check=True)


@pytest.fixture(scope="module")
def proxy_db(cluster):
    harness.create_app_database(cluster, DB, calls=300)
    conn = cluster.connect(DB)
    conn.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def pair(cluster, proxy_db, tls):
    """The gateways with every default but the trusted proxy."""
    s = SideBySide(cluster, tls)
    yield s
    s.stop()


def newest_completed(db):
    cur = db.cursor()
    cur.execute("SELECT id FROM twilio_calls WHERE direction = 'outbound'"
                " AND api.callboard_call_category(status) = 'completed' ORDER BY created_at DESC, id LIMIT 1")
    return cur.fetchone()[0]


def change_completed(db):
    """A webhook's commit that changes the completed documents (and no other category)."""
    db.cursor().execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (newest_completed(db),))


# ---------------------------------------------------------------- the file's numbers

def test_the_files_timeouts_fit_the_gateways_defaults(pair):
    """proxy_read_timeout above the keep-alive comments' interval and the
    statement timeout; nginx lets idle upstream connections go before the
    gateway closes them; nothing buffered or compressed on the way."""
    dumped = subprocess.run([harness.GATEWAY, "--dump-config", pair.gateways[0].conf_path],
                            check=True, capture_output=True, text=True).stdout
    defaults = dict(re.findall(r'^(callboard-[a-z-]+) = "?([^"\n]*)"?$', dumped, re.M))
    assert "callboard-live-keepalive" not in pair.gateways[0].conf  # the default is what is dumped
    keepalive = int(defaults["callboard-live-keepalive"])
    statement = int(defaults["callboard-statement-timeout"].rstrip("s"))
    idle = int(defaults["callboard-keep-alive-timeout"])
    assert (keepalive, statement, idle) == (20, 60, 30)
    read_timeout = int(directive("proxy_read_timeout").rstrip("s"))
    assert read_timeout == 75 and read_timeout > statement and read_timeout >= 2 * keepalive
    assert int(directive("keepalive_timeout").rstrip("s")) < idle
    assert directive("proxy_buffering") == "off"
    assert directive("proxy_http_version") == "1.1"
    assert directive("proxy_set_header Connection") == '""'
    assert directive("proxy_set_header X-Forwarded-For") == "$proxy_add_x_forwarded_for"
    assert directive("gzip") == "off"


def test_plain_http_is_sent_to_https(pair):
    r = requests.get("http://127.0.0.1:%d/" % pair.http_port, allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Location"] == "https://127.0.0.1/"


# ---------------------------------------------------------------- streams unbuffered

def test_a_change_reaches_a_stream_through_nginx_at_once(pair, proxy_db):
    """A one-call page (about 600 bytes an event, less than any buffer nginx
    would fill) arrives through nginx as soon as it does from the gateway."""
    through = pair.stream(SMALL_PAGE)
    direct = EventStream(pair.gateways[0].url + SMALL_PAGE, TOKEN)
    try:
        assert through.response.headers["Content-Type"] == "text/event-stream"
        # The gateway's own gzip (the client takes it), passed through as it is.
        assert through.response.headers.get("Content-Encoding") == "gzip"
        assert through.response.headers["Vary"] == "Accept-Encoding"
        first = through.next()
        assert first[0] == "message" and direct.next()[0] == "message"
        for _ in range(3):
            began = time.monotonic()
            change_completed(proxy_db)
            event = through.next(timeout=5)
            proxied = time.monotonic() - began
            mine = direct.next(timeout=5)
            assert event[0] == "message" and len(event[2]) < 1024
            assert event[1] == mine[1] and event[2] == mine[2]
            now = pair.get(SMALL_PAGE, headers=dict(TOKEN, **{"Accept-Encoding": "identity"}))
            assert now.content == event[2] and now.headers["ETag"] == event[1]
            # Unbuffered: seen within a second of the commit.  Buffered, this
            # event waits for the stream's end (or a full buffer) and times out.
            assert proxied < 1.0, proxied
            print("commit to event through nginx: %.1f ms" % (proxied * 1000))
    finally:
        through.close()
        direct.close()


def events_in(path):
    """(id, data) of each whole event curl has written to `path` so far."""
    with open(path, "rb") as f:
        blocks = f.read().split(b"\n\n")[:-1]
    events = []
    for block in blocks:
        fields = dict(line.split(b": ", 1) for line in block.split(b"\n") if not line.startswith(b":"))
        if b"data" in fields:
            events.append((fields[b"id"].decode(), fields[b"data"]))
    return events


def test_a_browsers_streams_share_one_http2_connection_through_nginx(pair, proxy_db, tmp_path):
    """Three event streams over one HTTP/2 connection (curl, as a browser
    multiplexes a page's five), each carrying the change."""
    paths = [COMPLETED, SMALL_PAGE, "/rpc/scheduled_outbound_calls_page?category=completed&page_size=20"]
    args = ["curl", "--http2", "--parallel", "-sSNv", "--cacert", pair.ca, "-H", "Accept: text/event-stream",
            "-H", "Authorization: " + TOKEN["Authorization"]]
    outputs = [str(tmp_path / ("stream%d" % i)) for i in range(len(paths))]
    for path, output in zip(paths, outputs):
        args += [pair.url + path, "-o", output]
        open(output, "w").close()
    with open(tmp_path / "curl.log", "w") as log:
        curl = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_until(lambda: all(len(events_in(o)) == 1 for o in outputs), what="each stream's first event")
        assert sum(pair.subscribers()) == 3
        change_completed(proxy_db)
        wait_until(lambda: all(len(events_in(o)) == 2 for o in outputs), what="the change on each stream")
    finally:
        curl.terminate()
        curl.wait()
    assert events_in(outputs[0])[1][1] == expected_document(proxy_db, "completed")
    for output, path in zip(outputs, paths):
        assert events_in(output)[1][1] == pair.get(path, headers=TOKEN).content
    log = (tmp_path / "curl.log").read_text()
    assert "ALPN: server accepted h2" in log
    assert log.count("Connected to 127.0.0.1") == 1, "one connection for the three streams"
    assert log.count("Using Stream ID") == 3


def test_documents_pass_through_compressed_by_the_gateway(pair, proxy_db):
    """nginx hands on the gateway's gzip and ETags untouched."""
    headers = dict(TOKEN, **{"Accept-Encoding": "gzip"})
    direct = requests.get(pair.gateways[1].url + COMPLETED, headers=headers, stream=True)
    through = pair.get(COMPLETED, headers=headers, stream=True)
    assert through.status_code == 200
    assert through.headers["Content-Encoding"] == "gzip"
    assert through.headers["ETag"] == direct.headers["ETag"]
    packed = through.raw.read(decode_content=False)
    assert packed == direct.raw.read(decode_content=False)
    assert gzip.decompress(packed) == expected_document(proxy_db, "completed")


# ---------------------------------------------------------------- idle streams

def test_an_idle_stream_gets_keep_alives_through_nginx_at_the_default_interval(pair, proxy_db):
    """The gateways' default (20 s) through the file's proxy_read_timeout: the
    comment arrives 20 s after the last event, and the stream still carries
    the next change."""
    stream = pair.stream(COMPLETED)
    try:
        assert stream.next()[0] == "message"
        opened = time.monotonic()
        wait_until(lambda: stream.comments, timeout=25, what="a keep-alive comment")
        at, text = stream.comments[0]
        assert text == ": keep-alive"
        assert 19 <= at - opened <= 22, at - opened
        assert stream.complete is None  # still open
        change_completed(proxy_db)
        event = stream.next(timeout=5)
        assert event[0] == "message" and event[2] == expected_document(proxy_db, "completed")
    finally:
        stream.close()


def test_keep_alives_under_the_read_timeout_keep_a_stream_and_over_it_lose_it(cluster, proxy_db, tls):
    """The same with the timers shortened: proxy_read_timeout 3 s; keep-alives
    every second keep a stream 8 s idle, every 5 s it is cut at 3 s."""
    s = SideBySide(cluster, tls, read_timeout=3, callboard_live_keepalive=1)
    try:
        stream = s.stream(COMPLETED)
        assert stream.next()[0] == "message"
        assert stream.quiet_for(8)  # no end of stream (None) either
        assert stream.complete is None and len(stream.comments) >= 6
        change_completed(proxy_db)
        assert stream.next(timeout=5)[2] == expected_document(proxy_db, "completed")
        stream.close()

        for g in s.gateways:
            g.reload(callboard_live_keepalive=5)
        stream = s.stream(COMPLETED)
        assert stream.next()[0] == "message"
        began = time.monotonic()
        assert stream.next(timeout=6) is None  # nginx gave up on the silent gateway
        assert 2.5 <= time.monotonic() - began <= 4.5
        assert stream.comments == []
        stream.close()
    finally:
        s.stop()


# ---------------------------------------------------------------- a gateway killed

class Page:
    """One document kept live as web/live.js keeps it: on an end or an error,
    reconnect, after 0.5 s, 1 s, 2 s ... when it failed (an end within a
    second counts as failing), at once otherwise, sending Last-Event-ID
    (without the page's jitter)."""

    def __init__(self, side, path):
        self.side, self.path = side, path
        self.last_event_id = ""
        self.events = queue.Queue()   # (time.monotonic(), id, data)
        self.opened = []              # (time.monotonic(), Last-Event-ID sent)
        self.running = True
        self.stream = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        failures = 0
        while self.running:
            headers = dict(TOKEN)
            if self.last_event_id:
                headers["Last-Event-ID"] = self.last_event_id
            began = time.monotonic()
            failed = True
            try:
                self.stream = self.side.stream(self.path, headers)
                self.opened.append((began, self.last_event_id))
                while self.running:
                    try:
                        item = self.stream.events.get(timeout=0.2)
                    except queue.Empty:
                        continue
                    if item is None:
                        failed = not self.stream.complete or time.monotonic() - began < 1
                        break
                    if item[0] == "message":
                        self.last_event_id = item[1]
                        failures = 0
                        self.events.put((time.monotonic(), item[1], item[2]))
            except requests.RequestException:
                pass
            if not self.running:
                return
            failures = failures + 1 if failed else 0
            if failures:
                time.sleep(min(30.0, 0.5 * 2 ** (failures - 1)))

    def next(self, timeout=10):
        return self.events.get(timeout=timeout)

    def close(self):
        self.running = False
        if self.stream:
            self.stream.close()
        self.thread.join(timeout=5)


def test_a_stream_whose_gateway_is_killed_comes_back_on_the_other_and_misses_nothing(cluster, proxy_db, tls):
    s = SideBySide(cluster, tls)
    page = None
    try:
        page = Page(s, COMPLETED)
        _, first_id, first = page.next()
        assert first == expected_document(proxy_db, "completed")
        wait_until(lambda: sorted(s.subscribers()) == [0, 1], what="the stream on one gateway")
        serving = s.subscribers().index(1)
        change_completed(proxy_db)
        _, before_kill_id, data = page.next(timeout=5)
        assert data == expected_document(proxy_db, "completed") and before_kill_id != first_id

        # SIGKILL: no last chunk, no goodbye.  A webhook commits while the page is away.
        s.gateways[serving].process.kill()
        killed = time.monotonic()
        s.gateways[serving].process.wait()
        change_completed(proxy_db)
        while_away = expected_document(proxy_db, "completed")

        at, back_id, data = page.next(timeout=10)
        assert data == while_away, "the change made while the page was away is its first event back"
        assert back_id != before_kill_id
        assert page.opened[-1][1] == before_kill_id  # it reconnected with Last-Event-ID
        assert s.subscribers()[1 - serving] == 1     # on the other gateway
        print("from SIGKILL to the page's first event back through nginx: %.0f ms" % ((at - killed) * 1000))

        # And on: the next commits come through the other gateway.
        for _ in range(2):
            change_completed(proxy_db)
            assert page.next(timeout=5)[2] == expected_document(proxy_db, "completed")
        assert page.events.empty()
        fresh = s.get(COMPLETED, headers=TOKEN)
        assert fresh.status_code == 200 and fresh.content == expected_document(proxy_db, "completed")
        assert len(page.opened) == 2  # one reconnect, no more
    finally:
        if page:
            page.close()
        s.stop()


def test_a_reconnect_with_the_current_id_gets_no_duplicate_on_either_gateway(pair, proxy_db):
    """The id is the document's ETag, a hash of its bytes, the same on both
    gateways: a page that reconnects holding the current version is sent
    nothing until the next change, wherever nginx sends it."""
    first = pair.stream(COMPLETED)
    current = first.next()
    first.close()
    wait_until(lambda: pair.subscribers() == [0, 0], what="the stream closed")
    again = dict(TOKEN, **{"Last-Event-ID": current[1]})
    streams = [pair.stream(COMPLETED, again), pair.stream(COMPLETED, again)]
    try:
        wait_until(lambda: pair.subscribers() == [1, 1], what="one stream on each gateway")
        for stream in streams:
            assert stream.quiet_for(1.5), "a duplicate of the version the page holds"
        change_completed(proxy_db)
        news = [stream.next(timeout=5) for stream in streams]
        assert news[0][1] == news[1][1] != current[1]
        assert news[0][2] == news[1][2] == expected_document(proxy_db, "completed")
    finally:
        for stream in streams:
            stream.close()


# ---------------------------------------------------------------- logins and their limits

def login(side, source, body, forwarded=None):
    """A login through nginx from the loopback address `source` (a browser of its own)."""
    context = ssl.create_default_context(cafile=side.ca)
    conn = http.client.HTTPSConnection("127.0.0.1", side.https_port, source_address=(source, 0),
                                       context=context, timeout=30)
    headers = {"Content-Type": "application/json"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    try:
        conn.request("POST", LOGIN, body=json.dumps(body), headers=headers)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def login_lines(g):
    return [l for l in g.log_lines() if l.get("path") == LOGIN]


def test_a_login_through_nginx_opens_the_dashboard(pair, proxy_db):
    status, _, body = login(pair, "127.0.0.4", USER)
    assert status == 200
    access = json.loads(body)["access"]
    r = pair.get("/api/hume-twilio/dashboard/outbound/scheduled/", headers=bearer(access))
    assert r.status_code == 200 and r.content == expected_document(proxy_db)


def test_each_browser_behind_nginx_has_its_own_login_limit_on_each_gateway(cluster, proxy_db, tls):
    """Trusted: the limit counts the browser's address nginx forwards, not
    nginx's.  Each gateway counts on its own, so behind two a browser gets
    twice the attempts (nginx alternates) before both refuse it."""
    s = SideBySide(cluster, tls, callboard_login_attempts_per_minute=3)
    wrong = dict(USER, password="wrong")
    try:
        codes = [login(s, "127.0.0.2", wrong)[0] for _ in range(8)]
        assert codes == [401] * 6 + [429] * 2
        for g in s.gateways:
            lines = g.wait_for_log_lines(0, lambda l: l.get("path") == LOGIN, 4)
            assert sorted(l["status"] for l in lines) == [401, 401, 401, 429]
            assert {l["remote"] for l in lines} == {"127.0.0.1"}  # the access log names the peer: nginx
        status, headers, body = login(s, "127.0.0.2", USER)
        assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60
        assert json.loads(body)["detail"].startswith("Request was throttled.")
        # What a browser writes in X-Forwarded-For itself moves it to no other bucket.
        assert login(s, "127.0.0.2", USER, forwarded="198.51.100.7")[0] == 429
        # Another browser: its own limit.
        assert login(s, "127.0.0.3", wrong)[0] == 401
        assert login(s, "127.0.0.3", USER)[0] == 200
    finally:
        s.stop()


def test_without_trusted_proxies_every_browser_shares_nginxs_limit(cluster, proxy_db, tls):
    """The hazard the setting exists for: unset, the gateways see nginx as the
    one client, and one browser's wrong passwords lock everyone out."""
    s = SideBySide(cluster, tls, callboard_login_attempts_per_minute=3, callboard_trusted_proxies=None)
    try:
        codes = [login(s, "127.0.0.2", dict(USER, password="wrong"))[0] for _ in range(6)]
        assert codes == [401] * 6
        assert login(s, "127.0.0.3", USER)[0] == 429
        assert login(s, "127.0.0.3", USER, forwarded="203.0.113.9")[0] == 429
    finally:
        s.stop()


# ---------------------------------------------------------------- reads per change

def test_one_change_costs_each_gateway_one_read_per_audience_it_changes(pair, cluster, proxy_db):
    """Five audiences watched on each gateway; a change to a completed call's
    duration can alter four of them (the pending page is not read), and alters
    three (the summary's counts stay): 2 x 4 reads, three events each."""
    audiences = ["/rpc/scheduled_outbound_calls_summary", "/rpc/scheduled_outbound_calls", COMPLETED,
                 "/rpc/scheduled_outbound_calls_page?category=completed&page_size=20",
                 "/rpc/scheduled_outbound_calls_page?category=pending&page_size=20"]
    streams = []
    try:
        for path in audiences:
            for _ in pair.gateways:  # nginx alternates: one stream on each gateway
                streams.append((path, pair.stream(path)))
                assert streams[-1][1].next()[0] == "message"
        wait_until(lambda: pair.subscribers() == [5, 5], what="five streams on each gateway")
        for g in pair.gateways:
            assert g.metrics(g.admin)[("callboard_cohorts_watched", ())] == 5
        time.sleep(0.5)
        refreshes = [g.metrics(g.admin)[("callboard_cohort_refreshes_total", ())] for g in pair.gateways]
        before = function_calls(cluster)
        change_completed(proxy_db)
        for path, stream in streams:
            if "pending" not in path and "summary" not in path:
                assert stream.next(timeout=5)[0] == "message", path
        time.sleep(0.5)
        assert function_calls(cluster) - before == 2 * 4
        after = [g.metrics(g.admin)[("callboard_cohort_refreshes_total", ())] for g in pair.gateways]
        assert [a - b for a, b in zip(after, refreshes)] == [4, 4]
        for path, stream in streams:
            if "pending" in path or "summary" in path:
                assert stream.quiet_for(0.1), path
    finally:
        for _, stream in streams:
            stream.close()

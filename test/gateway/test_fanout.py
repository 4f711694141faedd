"""One change, many streams: the event's bytes (plain or gzip-coded) are made
once for the audience, and a subscriber that does not read neither delays
the others nor piles up versions (it is coalesced to the latest)."""
import gzip
import socket
import time

import pytest

import harness
from conftest import expected_document, make_token, rename_first_outbound_call

RPC = "/rpc/scheduled_outbound_calls"


@pytest.fixture(scope="module")
def fan_db(cluster):
    # 10,500 calls: a document of about 3 MB, far more than a stalled socket's buffers take.
    harness.create_app_database(cluster, "fanout", calls=10500)
    conn = cluster.connect("fanout")
    conn.autocommit = True
    conn.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def fan(upstream, fan_db):
    g = harness.Gateway(upstream, "fanout", callboard_live_poll_interval=60)
    g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: listening", 1, timeout=10)
    yield g
    g.stop()


class RawStream:
    """An event stream on a plain socket: its head, then its chunks as sent."""

    def __init__(self, gateway, token, headers="", rcvbuf=None):
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", gateway.port))
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n"
                           "Authorization: Bearer %s\r\n%s\r\n" % (RPC, token, headers)).encode())
        self.buffer = b""
        self.head = None
        self.ended = False

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        data = self.sock.recv(1 << 20)
        assert data, "the connection closed"
        self.buffer += data

    def read_head(self, timeout=10):
        while b"\r\n\r\n" not in self.buffer:
            self._fill(timeout)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.head = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        assert lines[0].startswith("HTTP/1.1 200"), lines[0]
        return self.head

    def next_chunk(self, timeout=10):
        """The next chunk's data; None after the last chunk."""
        while True:
            line_end = self.buffer.find(b"\r\n")
            if line_end >= 0:
                size = int(self.buffer[:line_end], 16)
                if len(self.buffer) >= line_end + 2 + size + 2:
                    data = self.buffer[line_end + 2:line_end + 2 + size]
                    self.buffer = self.buffer[line_end + 2 + size + 2:]
                    if size == 0:
                        self.ended = True
                        return None
                    return data
            self._fill(timeout)

    def next_event(self, timeout=10):
        """Chunks until they end with a whole event (comments aside); their bytes."""
        text = b""
        while not (events_of(text) and text.endswith(b"\n\n")):
            text += self.next_chunk(timeout)
        return text

    def close(self):
        self.sock.close()


def events_of(text):
    return [e for e in text.split(b"\n\n") if e and not e.startswith(b":")]


def test_a_gzip_stream_is_one_gzip_body_whose_event_bytes_every_stream_shares(fan, fan_db):
    token = make_token({"role": "dashboard_user", "exp": int(time.time()) + 6})
    streams = [RawStream(fan, token, "Accept-Encoding: gzip, deflate, br\r\n") for _ in range(2)]
    try:
        for s in streams:
            head = s.read_head()
            assert head["content-encoding"] == "gzip"
            assert head["vary"] == "Accept-Encoding"
        chunks = [[s.next_chunk()] for s in streams]		# the gzip header
        for c, s in zip(chunks, streams):
            c.append(s.next_chunk())						# the first event
        rename_first_outbound_call(fan_db, "Fan Out")
        for c, s in zip(chunks, streams):
            while True:
                chunk = s.next_chunk(timeout=10)
                c.append(chunk)
                if chunk is None:						# the token's exp ends the stream
                    break
        # The version's deflated event: the same bytes on both streams.
        assert chunks[0][1] == chunks[1][1]
        assert len(chunks[0][1]) < len(expected_document(fan_db)) / 3
        for c in chunks:
            body = b"".join(x for x in c if x is not None)
            text = gzip.decompress(body)				# one whole gzip body, trailer checked
            events = events_of(text)
            assert len(events) == 2, text[:200]
            assert events[0].split(b"\ndata: ", 1)[1] != events[1].split(b"\ndata: ", 1)[1]
            assert events[1].split(b"\ndata: ", 1)[1] == expected_document(fan_db)
            assert b"Fan Out" in events[1]
    finally:
        for s in streams:
            s.close()


def test_a_stream_without_gzip_is_plain(fan, fan_db):
    s = RawStream(fan, make_token({"role": "dashboard_user"}))
    try:
        head = s.read_head()
        assert "content-encoding" not in head
        first = b""
        while b"\n\n" not in first:
            first += s.next_chunk()
        assert first.startswith(b"id: ")
        assert first.split(b"\ndata: ", 1)[1].rstrip(b"\n") == expected_document(fan_db)
    finally:
        s.close()


def test_a_stalled_subscriber_neither_delays_others_nor_piles_up_versions(fan, fan_db):
    """One stream is never read (a 4 kB receive buffer, a 3 MB document): its
    write blocks.  Four changes later the others have had each within seconds,
    and when the stalled one reads again it gets at most the version it was
    writing and the latest, not the four in between."""
    token = make_token({"role": "dashboard_user"})
    stalled = RawStream(fan, token, rcvbuf=4096)
    reader = RawStream(fan, token)
    try:
        reader.read_head()
        reader.next_event()
        names = ["Stalled %d" % i for i in range(4)]
        for name in names:
            committed = time.time()
            rename_first_outbound_call(fan_db, name)
            text = reader.next_event()
            assert name.encode() in text
            assert time.time() - committed < 5, "a stalled subscriber delayed the others"

        # Now read the stalled one at full speed until it is quiet.
        text = b""
        stalled.read_head(timeout=10)
        try:
            while True:
                chunk = stalled.next_chunk(timeout=2)
                text += chunk
        except socket.timeout:
            pass
        events = events_of(text)
        assert 2 <= len(events) <= 3, "%d events: versions piled up for a stalled subscriber" % len(events)
        assert names[-1].encode() in events[-1], "the stalled subscriber did not end on the latest version"
        assert events[-1].split(b"\ndata: ", 1)[1] == expected_document(fan_db)
    finally:
        stalled.close()
        reader.close()


def test_a_stream_with_nothing_to_send_yet_sends_its_head_at_once(fan, fan_db):
    """A client reconnecting with the version it has gets no event, but the
    response's head at once (EventSource's open), not with the first
    keep-alive comment, 20 s later by default."""
    token = make_token({"role": "dashboard_user"})
    first = RawStream(fan, token)
    try:
        first.read_head()
        text = b""
        while b"\n\n" not in text:
            text += first.next_chunk()
        event_id = text.split(b"\n", 1)[0][len(b"id: "):].decode()
    finally:
        first.close()
    again = RawStream(fan, token, "Last-Event-ID: %s\r\n" % event_id)
    try:
        began = time.monotonic()
        assert again.read_head(timeout=5)["content-type"] == "text/event-stream"
        assert time.monotonic() - began < 2
        with pytest.raises(socket.timeout):
            again.next_chunk(timeout=1.5)                # no event: it has this version
    finally:
        again.close()


def test_a_304_says_nothing_of_a_length(fan, fan_db):
    """RFC 9110 8.6: a 304 carries no Content-Length unless it is the 200's."""
    token = make_token({"role": "dashboard_user"})
    sock = socket.create_connection(("127.0.0.1", fan.port))
    try:
        request = "GET %s HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\n%s\r\n"
        sock.sendall((request % (RPC, token, "")).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        etag = [l.split(b":", 1)[1].strip() for l in head.split(b"\r\n") if l.lower().startswith(b"etag:")][0]
        sock.close()
        sock = socket.create_connection(("127.0.0.1", fan.port))
        sock.sendall((request % (RPC, token, "If-None-Match: %s\r\n" % etag.decode())).encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 304")
        assert b"\r\ncontent-length:" not in answer.lower()
        assert answer.endswith(b"\r\n\r\n")                 # and no body
    finally:
        sock.close()


def kernel_send_queue(local_port, remote_port):
    """The bytes the kernel holds for a loopback connection, sent or not, that
    its peer has not acknowledged (/proc/net/tcp's tx_queue)."""
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        fields = line.split()
        local, remote = (int(a.split(":")[1], 16) for a in fields[1:3])
        if (local, remote) == (local_port, remote_port):
            return int(fields[4].split(":")[0], 16)
    raise AssertionError("no connection from %d to %d" % (local_port, remote_port))


def test_the_kernel_holds_little_for_a_subscriber_that_does_not_read(fan, fan_db):
    """A stalled subscriber (a 4 kB receive buffer, never read) of a 3 MB
    document, through two changes: what the kernel holds for it stays near
    the gateway's bound on unsent bytes (TCP_NOTSENT_LOWAT, 128 kB), not the
    megabytes of a socket buffer the kernel grows by itself.  (500 readers
    at 2 kB/s held 1.3 GB that way, and pushed every connection into the
    kernel's TCP memory pressure.)"""
    stalled = RawStream(fan, make_token({"role": "dashboard_user"}), rcvbuf=4096)
    try:
        port = stalled.sock.getsockname()[1]
        held = []
        for name in ["Unread 1", "Unread 2"]:
            time.sleep(1)
            rename_first_outbound_call(fan_db, name)
            time.sleep(1)
            held.append(kernel_send_queue(fan.port, port))
        assert held[0] > 64 * 1024, "the stream's write did not block: %s" % held
        assert max(held) < 256 * 1024, "the kernel holds %s bytes for a stalled subscriber" % held
    finally:
        stalled.close()


def test_a_stream_never_goes_back_to_an_older_version(upstream, fan_db):
    """A refresh's offer can arrive after a newer version: here a refresh
    reads "Older" and is held (a test pause) before it tells its watchers;
    meanwhile "Newer" is committed and a new stream's first version comes
    from a build that read it.  When the held refresh offers "Older", that
    stream must not send it: versions are numbered in the order of their
    reads, and a stream only ever moves forward."""
    g = harness.Gateway(upstream, "fanout", callboard_live_poll_interval=60,
                        env={"CALLBOARD_TEST_FAULTS": "cohort.refreshed:pause=1500"})
    token = make_token({"role": "dashboard_user"})
    late = None
    pausing = lambda l: l.get("event") == "test faults: pausing at cohort.refreshed"
    g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: listening", 1, timeout=10)
    watcher = RawStream(g, token)
    try:
        watcher.read_head()
        watcher.next_event()
        time.sleep(2)                                   # any refresh the watch began is over
        paused = sum(1 for l in g.log_lines() if pausing(l))
        rename_first_outbound_call(fan_db, "Older")
        g.wait_for_log_lines(0, pausing, paused + 1, timeout=10)
        rename_first_outbound_call(fan_db, "Newer")
        late = RawStream(g, token)
        late.read_head()
        text = b""
        deadline = time.time() + 4                     # both held refreshes have told their watchers by then
        try:
            while time.time() < deadline:
                text += late.next_chunk(timeout=max(0.1, deadline - time.time()))
        except socket.timeout:
            pass
        events = events_of(text)
        assert events and b"Newer" in events[0], "the late stream's first version is not the newest"
        assert all(b"Older" not in e for e in events), \
            "the late stream went back to an older version: %s" % [b"Newer" in e for e in events]
    finally:
        watcher.close()
        if late:
            late.close()
        g.stop()

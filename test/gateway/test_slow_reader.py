"""A stream busy writing to a slow reader does not sleep through a change.

The stream is offered a new version while it is still writing the last one
to a client that reads slowly.  With the default keep-alive (20 s), it must
send the new version as soon as that write ends (within 2 x
callboard-live-interval-ms), not at the next keep-alive."""
import socket
import time

import pytest

import harness
from conftest import make_token, rename_first_outbound_call

RPC = "/rpc/scheduled_outbound_calls"
INTERVAL_MS = 75  # callboard-live-interval-ms's default


@pytest.fixture(scope="module")
def big_db(cluster):
    # 10,500 calls: a document of about 3 MB, under callboard-cache-max-entry-bytes (4 MB).
    harness.create_app_database(cluster, "slowreader", calls=10500)
    conn = cluster.connect("slowreader")
    conn.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    yield conn
    conn.close()


class SlowReader:
    """An event stream read about 1 MB a second, 64 kB at a time: the gateway's
    writes block once 128 kB of the stream is unsent (Responder::limit_unsent)."""

    def __init__(self, gateway, token):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        self.sock.connect(("127.0.0.1", gateway.port))
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n"
                           "Authorization: Bearer %s\r\n\r\n" % (RPC, token)).encode())
        self.pending = b""
        self.read = 0

    def more(self):
        chunk = self.sock.recv(65536)
        assert chunk, "the stream ended"
        self.pending += chunk
        self.read += len(chunk)
        time.sleep(0.06)

    def next_event(self, on_progress=None):
        """The next event's bytes (chunk framing and all), and when its last byte was read."""
        while True:
            start = self.pending.find(b"data: ")
            end = self.pending.find(b"\n\n", start) if start >= 0 else -1
            if end >= 0:
                event, self.pending = self.pending[:end], self.pending[end + 2:]
                return event, time.time()
            if on_progress:
                on_progress(self.read)
            self.more()

    def wait_for_next_event_start(self):
        """Seconds until the next event's first bytes are here (read at full speed)."""
        started = time.time()
        while b"id: " not in self.pending:
            chunk = self.sock.recv(65536)
            assert chunk, "the stream ended"
            self.pending += chunk
        return time.time() - started


def test_a_slow_reader_gets_the_newer_version_as_soon_as_its_write_ends(upstream, big_db):
    """Versions 2 and 3 are offered while version 1 (3 MB) is still being written
    to the slow reader: the write blocks, as the kernel holds at most 128 kB of
    it unsent.  When that write ends, the latest (version 3; version 2 is
    skipped) must follow within 2 x callboard-live-interval-ms, not after the
    20 s keep-alive."""
    # Every setting but the poll interval at its default: keep-alive 20 s, interval 100 ms.
    g = harness.Gateway(upstream, "slowreader", callboard_live_poll_interval=60)
    reader = None
    try:
        g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: listening", 1, timeout=10)
        reader = SlowReader(g, make_token({"role": "dashboard_user"}))
        commits = []

        def change_while_reading(read):
            if not commits and read > 300000:
                rename_first_outbound_call(big_db, "Change One")		# version 2, offered while version 1 is written
                commits.append(read)
            elif len(commits) == 1 and read > 1000000:
                rename_first_outbound_call(big_db, "Change Two")		# version 3, the same
                commits.append(read)

        first, _ = reader.next_event(change_while_reading)
        assert b"Change One" not in first and b"Change Two" not in first
        assert len(commits) == 2, "both changes must come while version 1 is still being written"
        waited = reader.wait_for_next_event_start()
        second, _ = reader.next_event()
        assert b"Change Two" in second, "the stream did not skip to the latest version"
        assert waited <= 2 * INTERVAL_MS / 1000, "version 3 came %.2f s after version 1's write ended" % waited
    finally:
        if reader:
            reader.sock.close()
        g.stop()

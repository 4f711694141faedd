"""The change signal: what a listener receives, and the gateway with it on.

With the signal on, a cached document is answered from memory until a commit
changes the tables (one query, then none); a commit reaches every event
stream at once, at the cost of one query per watched audience; losing the
listen connection falls back to polling and misses nothing."""
import select
import time

import psycopg2
import pytest
import requests

import harness
from conftest import bearer, function_calls, make_token
from sse_client import EventStream

RPC = "/rpc/scheduled_outbound_calls"


@pytest.fixture(scope="module")
def signal_db(cluster):
    harness.create_app_database(cluster, "signal", calls=80)
    conn = cluster.connect("signal")
    conn.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def pushing(upstream, signal_db):
    """A gateway that would poll only once a minute: whatever moves faster is the signal."""
    g = harness.Gateway(upstream, "signal", callboard_live_poll_interval=60)
    deadline = time.time() + 10
    while not any(l.get("event") == "change signal: listening" for l in g.log_lines()) and time.time() < deadline:
        time.sleep(0.05)
    yield g
    g.stop()


def listener(cluster):
    conn = cluster.connect("signal")
    conn.cursor().execute("LISTEN callboard_changes")
    return conn


def notifications(conn, wait=0.5):
    """Payloads received within `wait` seconds."""
    deadline = time.time() + wait
    got = []
    while True:
        left = deadline - time.time()
        if left <= 0:
            return got
        if select.select([conn], [], [], left)[0]:
            conn.poll()
            while conn.notifies:
                got.append(conn.notifies.pop(0).payload)


def token(**claims):
    return bearer(make_token(dict({"role": "dashboard_user"}, **claims)))


def some_call(db, category=None, direction="outbound"):
    cur = db.cursor()
    cur.execute("SELECT id FROM twilio_calls WHERE direction = %s"
                " AND (%s IS NULL OR api.callboard_call_category(status) = %s) ORDER BY call_sid LIMIT 1",
                (direction, category, category))
    return cur.fetchone()[0]


def test_one_notification_per_committed_transaction(cluster, signal_db):
    listen = listener(cluster)
    try:
        writer = cluster.connect("signal")
        cur = writer.cursor()
        call_id = some_call(signal_db, "completed")
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (call_id,))
        assert notifications(listen) == ["calls:completed"]
        # Three statements, two tables, one commit: one notification.
        writer.autocommit = False
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (call_id,))
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (call_id,))
        cur.execute("UPDATE hume_agents SET name = name")
        assert notifications(listen, 0.2) == []  # nothing before the commit
        writer.commit()
        assert notifications(listen) == [""]
        # A rollback tells nothing.
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (call_id,))
        writer.rollback()
        assert notifications(listen) == []
        writer.close()
    finally:
        listen.close()


def test_a_notification_names_the_categories_the_commit_touched(cluster, signal_db):
    listen = listener(cluster)
    writer = cluster.connect("signal")
    cur = writer.cursor()
    try:
        pending, active, failed = (some_call(signal_db, c) for c in ("pending", "active", "failed"))
        # A move names where the call was and where it went.
        cur.execute("UPDATE twilio_calls SET status = 'in-progress' WHERE id = %s", (pending,))
        assert notifications(listen) == ["calls:pending,active"]
        cur.execute("UPDATE twilio_calls SET status = 'initiated' WHERE id = %s", (pending,))
        assert notifications(listen) == ["calls:pending,active"]
        # Statements of one transaction: one notification, the union in rank order.
        writer.autocommit = False
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (failed,))
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (active,))
        writer.commit()
        assert notifications(listen) == ["calls:active,failed"]
        # A rolled-back savepoint takes its categories with it.
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (active,))
        cur.execute("SAVEPOINT s")
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (failed,))
        cur.execute("ROLLBACK TO SAVEPOINT s")
        writer.commit()
        assert notifications(listen) == ["calls:active"]
        writer.autocommit = True
        # Inbound calls are in no document: a change to them alone says only that
        # (a policy may look at other rows).
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s",
                    (some_call(signal_db, direction="inbound"),))
        assert notifications(listen) == ["calls:other"]
        # A statement that changes nothing tells nothing.
        cur.execute("UPDATE twilio_calls SET duration = 0 WHERE false")
        assert notifications(listen) == []
        # An agent's name is in every category.
        cur.execute("UPDATE hume_agents SET name = name")
        assert notifications(listen) == [""]
    finally:
        writer.close()
        listen.close()


def test_a_transaction_that_wrote_the_calls_can_be_prepared(cluster, signal_db):
    """PREPARE TRANSACTION refuses a transaction that has NOTIFYed: the signal
    notifies at commit, so the app keeps two-phase commit.  A prepared
    transaction tells nothing (COMMIT PREPARED runs no trigger); its counts
    are kept exactly all the same."""
    listen = listener(cluster)
    writer = cluster.connect("signal")
    cur = writer.cursor()
    try:
        cur.execute("BEGIN")
        cur.execute("UPDATE twilio_calls SET status = 'completed' WHERE id = %s", (some_call(signal_db, "active"),))
        cur.execute("UPDATE hume_agents SET name = name")
        cur.execute("PREPARE TRANSACTION 'signal_2pc'")
        assert notifications(listen) == []
        cur.execute("SELECT bool_and(kept = counted) FROM api.callboard_verify_counts()")
        assert cur.fetchone()[0] is True
        cur.execute("COMMIT PREPARED 'signal_2pc'")
        cur.execute("SELECT bool_and(kept = counted) FROM api.callboard_verify_counts()")
        assert cur.fetchone()[0] is True
        assert notifications(listen) == []
    finally:
        writer.close()
        listen.close()


def test_turning_it_off_and_on_is_announced(cluster, signal_db):
    listen = listener(cluster)
    cur = signal_db.cursor()
    try:
        cur.execute("SET search_path = public, api; SELECT api.callboard_disable_change_signal()")
        assert notifications(listen) == ["disabled"]
        cur.execute("UPDATE twilio_calls SET duration = duration WHERE id = %s", (some_call(signal_db),))
        assert notifications(listen) == []
    finally:
        cur.execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
        assert notifications(listen) == ["enabled"]
        listen.close()


def test_an_unchanged_document_is_answered_from_memory(pushing, cluster, signal_db):
    first = requests.get(pushing.url + RPC, headers=token(viewer=1))
    before = function_calls(cluster)
    for _ in range(5):
        again = requests.get(pushing.url + RPC, headers=token(viewer=1))
        assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
        assert requests.get(pushing.url + RPC, headers=dict(token(viewer=1), **{"If-None-Match": first.headers["ETag"]})).status_code == 304
    assert function_calls(cluster) == before, "a quiet database was asked again"
    # A commit makes the next GET ask again, and see it.
    signal_db.cursor().execute("UPDATE twilio_calls SET customer_name = 'Changed' WHERE id = %s", (some_call(signal_db),))
    deadline = time.time() + 2
    while time.time() < deadline:
        changed = requests.get(pushing.url + RPC, headers=token(viewer=1))
        if changed.headers["ETag"] != first.headers["ETag"]:
            break
    assert b'"customer_name":"Changed"' in changed.content
    assert function_calls(cluster) > before


def test_a_commit_reaches_every_stream_with_one_read_for_audiences_that_cannot_differ(pushing, cluster, signal_db):
    """Three users of one role no policy filters: their documents cannot
    differ, so one read serves them (test_change_scope.py: under a policy,
    one each)."""
    audiences = [token(viewer=n) for n in range(3)]
    streams = [EventStream(pushing.url + RPC, audience) for audience in audiences for _ in range(4)]
    try:
        for s in streams:
            assert s.next()[0] == "message"
        time.sleep(0.3)
        before = function_calls(cluster)
        committed = time.time()
        signal_db.cursor().execute("UPDATE twilio_calls SET duration = duration + 5 WHERE id = %s",
                                   (some_call(signal_db),))
        latest = 0
        for s in streams:
            event = s.next(timeout=2)
            assert event[0] == "message"
            latest = max(latest, time.time() - committed)
        assert latest < 1.0, "a commit took %.2f s to reach every stream" % latest
        time.sleep(0.5)
        assert function_calls(cluster) - before == 1, "one query for the three audiences, not per audience or stream"
    finally:
        for s in streams:
            s.close()


def test_a_lost_listen_connection_falls_back_to_polling_and_misses_nothing(upstream, cluster, signal_db):
    g = harness.Gateway(upstream, "signal", callboard_live_poll_interval=1)
    stream = None
    try:
        deadline = time.time() + 10
        while not any(l.get("event") == "change signal: listening" for l in g.log_lines()) and time.time() < deadline:
            time.sleep(0.05)
        stream = EventStream(g.url + RPC, token(viewer="lost"))
        assert stream.next()[0] == "message"
        cur = signal_db.cursor()
        # Kill the gateway's LISTEN connection, and change things while it is gone.
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = 'signal' AND query LIKE '%pg_trigger%' AND pid <> pg_backend_pid()")
        assert cur.fetchone()[0] is True
        cur.execute("UPDATE twilio_calls SET duration = duration + 9 WHERE id = %s", (some_call(signal_db),))
        assert stream.next(timeout=5)[0] == "message"
        lines = g.wait_for_log_lines(0, lambda l: "connection lost" in l.get("event", ""), 1)
        assert lines, "the gateway did not notice it lost the signal"
        # It listens again by itself.
        g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: listening", 2, timeout=15)
        assert len([l for l in g.log_lines() if l.get("event") == "change signal: listening"]) == 2
    finally:
        if stream:
            stream.close()
        g.stop()

"""Documents per audience: strong ETags, 304, gzip, and Server-Sent Events.

Without the change signal the gateway polls watched documents (every second
here); test_change_signal.py covers pushes.  Every stream is checked against
what the same GET returns, and two users whose row-level security shows them
different calls never see each other's."""
import gzip
import json
import queue
import time

import pytest
import requests

import harness
from conftest import bearer, expected_document, make_token
from sse_client import EventStream

RPC = "/rpc/scheduled_outbound_calls"
LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"


@pytest.fixture(scope="module")
def live_db(cluster):
    """Two users' calls, split by row-level security on request.jwt.claims' user_id."""
    harness.create_app_database(cluster, "live", calls=60)
    conn = cluster.connect("live")
    cur = conn.cursor()
    cur.execute("ALTER TABLE twilio_calls ADD COLUMN owner integer")
    cur.execute("UPDATE twilio_calls SET owner = 1 + (hashtext(call_sid) & 1)")
    cur.execute("CREATE TABLE flags (broken boolean)")
    cur.execute("INSERT INTO flags VALUES (false)")
    cur.execute("GRANT SELECT ON flags TO dashboard_user")
    cur.execute("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY")
    # Users see their own calls; a token with "fragile" fails while flags.broken is set.
    cur.execute("""CREATE POLICY own ON twilio_calls TO dashboard_user USING (
        CASE WHEN current_setting('request.jwt.claims', true)::jsonb ? 'fragile'
                  AND (SELECT broken FROM flags) THEN 1 / (owner - owner) = 1
             ELSE owner = (current_setting('request.jwt.claims', true)::jsonb ->> 'user_id')::int END)""")
    cur.execute("CREATE POLICY everything ON twilio_calls TO postgres USING (true)")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def live(upstream, live_db):
    g = harness.Gateway(upstream, "live", callboard_live_poll_interval=1, callboard_live_keepalive=1)
    yield g
    g.stop()


def user(user_id, **claims):
    return bearer(make_token(dict({"user_id": user_id, "exp": int(time.time()) + 300}, **claims)))


def document_of(db, user_id, status=None):
    return expected_document(db, status, claims=json.dumps({"user_id": user_id}))


def call_of(db, owner):
    cur = db.cursor()
    cur.execute("SELECT id, status FROM twilio_calls WHERE owner = %s AND direction = 'outbound'"
                " ORDER BY call_sid LIMIT 1", (owner,))
    return cur.fetchone()


def test_documents_carry_a_strong_etag_and_304(live, live_db):
    first = requests.get(live.url + RPC, headers=dict(user(1), **{"Accept-Encoding": "identity"}))
    assert first.status_code == 200, first.text
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert first.content == document_of(live_db, 1)
    again = requests.get(live.url + RPC, headers=dict(user(1), **{"If-None-Match": etag}))
    assert again.status_code == 304
    assert again.content == b""
    # Another user's document is another entity.
    other = requests.get(live.url + RPC, headers=dict(user(2), **{"Accept-Encoding": "identity"}))
    assert other.headers["ETag"] != etag
    assert other.content == document_of(live_db, 2)
    assert requests.get(live.url + RPC, headers=dict(user(2), **{"If-None-Match": etag})).status_code == 200


def test_the_etag_changes_with_the_bytes(live, live_db):
    etag = requests.get(live.url + RPC, headers=user(1)).headers["ETag"]
    call_id, status = call_of(live_db, 1)
    cur = live_db.cursor()
    cur.execute("UPDATE twilio_calls SET customer_name = 'Renamed ' || now() WHERE id = %s", (call_id,))
    changed = requests.get(live.url + RPC, headers=dict(user(1), **{"If-None-Match": etag}))
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_gzip_is_another_representation_of_the_same_bytes(live, live_db):
    plain = requests.get(live.url + RPC, headers=dict(user(1), **{"Accept-Encoding": "identity"}))
    packed = requests.get(live.url + RPC, headers=dict(user(1), **{"Accept-Encoding": "gzip"}), stream=True)
    raw = packed.raw.read(decode_content=False)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Vary"] == "Accept-Encoding"
    assert int(packed.headers["Content-Length"]) == len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content
    assert packed.headers["ETag"] != plain.headers["ETag"]
    refused = requests.get(live.url + RPC, headers=dict(user(1), **{"Accept-Encoding": "gzip;q=0"}))
    assert "Content-Encoding" not in refused.headers


def test_a_stream_starts_with_the_document_and_follows_changes(live, live_db):
    for path in (RPC, LEGACY):
        stream = EventStream(live.url + path, user(1))
        try:
            assert stream.response.headers["Content-Type"] == "text/event-stream"
            event, event_id, data = stream.next()
            assert event == "message"
            assert data == document_of(live_db, 1)
            assert event_id == requests.get(live.url + path, headers=dict(user(1), **{"Accept-Encoding": "identity"})).headers["ETag"]
            # Nothing changed: nothing is pushed (keep-alive comments only).
            assert stream.quiet_for(2.5)
            call_id, status = call_of(live_db, 1)
            new_status = "completed" if status != "completed" else "failed"
            live_db.cursor().execute("UPDATE twilio_calls SET status = %s WHERE id = %s", (new_status, call_id))
            event, new_id, data = stream.next(timeout=5)
            assert data == document_of(live_db, 1)
            assert new_id != event_id
        finally:
            stream.close()


def test_a_reconnect_with_the_last_event_id_skips_the_document_it_has(live, live_db):
    stream = EventStream(live.url + RPC, user(1))
    _, event_id, _ = stream.next()
    stream.close()
    again = EventStream(live.url + RPC, dict(user(1), **{"Last-Event-ID": event_id}))
    try:
        assert again.quiet_for(2)
        call_id, status = call_of(live_db, 1)
        live_db.cursor().execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (call_id,))
        _, new_id, data = again.next(timeout=5)
        assert new_id != event_id and data == document_of(live_db, 1)
    finally:
        again.close()


def test_a_stream_ends_at_its_tokens_exp(live):
    token = bearer(make_token({"user_id": 1, "exp": int(time.time()) + 2}))
    started = time.time()
    stream = EventStream(live.url + RPC, token)
    assert stream.next()[0] == "message"
    assert stream.next(timeout=10) is None
    assert 1 <= time.time() - started < 5
    assert stream.complete is True  # ended with the last chunk, not cut


def test_a_token_that_expires_in_a_thousand_centuries_keeps_its_stream(live):
    # Its exp, in nanoseconds on the steady clock, would overflow: such a stream has no end.
    stream = EventStream(live.url + RPC, bearer(make_token({"user_id": 1, "exp": 10 ** 13})))
    try:
        assert stream.next()[0] == "message"
        assert stream.quiet_for(1.5)  # keep-alives only: open, not ended
        assert live.process.poll() is None
    finally:
        stream.close()


def test_users_never_see_each_others_calls_watching_and_polling(live, live_db):
    one, two = EventStream(live.url + RPC, user(1)), EventStream(live.url + RPC, user(2))
    try:
        assert one.next()[2] == document_of(live_db, 1)
        assert two.next()[2] == document_of(live_db, 2)
        for owner in (1, 2):
            call_id, status = call_of(live_db, owner)
            live_db.cursor().execute("UPDATE twilio_calls SET duration = duration + 7 WHERE id = %s", (call_id,))
        deadline = time.time() + 4
        while time.time() < deadline:
            for stream, owner in ((one, 1), (two, 2)):
                try:
                    item = stream.next(timeout=0.2)
                except queue.Empty:
                    continue
                assert item is not None
                assert item[2] == document_of(live_db, owner)
            polled = requests.get(live.url + RPC, headers=dict(user(2), **{"Accept-Encoding": "identity"}))
            assert polled.content == document_of(live_db, 2)
    finally:
        one.close()
        two.close()


def test_a_failing_audience_gets_an_error_event_and_others_go_on(live, live_db):
    fragile = EventStream(live.url + RPC, user(1, fragile=True))
    steady = EventStream(live.url + RPC, user(2))
    cur = live_db.cursor()
    try:
        assert fragile.next()[0] == "message"
        assert steady.next()[0] == "message"
        cur.execute("UPDATE flags SET broken = true")
        call_id, status = call_of(live_db, 2)
        cur.execute("UPDATE twilio_calls SET duration = duration + 3 WHERE id = %s", (call_id,))
        event, _, data = fragile.next(timeout=5)
        assert event == "error"
        assert json.loads(data)["code"] == "22012"  # division_by_zero
        assert steady.next(timeout=5)[2] == document_of(live_db, 2)
        cur.execute("UPDATE flags SET broken = false")
        event, _, data = fragile.next(timeout=5)
        assert event == "message"
    finally:
        cur.execute("UPDATE flags SET broken = false")
        fragile.close()
        steady.close()

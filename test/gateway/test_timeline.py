"""The timeline and the overview over HTTP, as PostgREST would serve them, and
live: a commit moves them, and so does the clock, once the window's last
bucket is over, with or without a commit."""
import json
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

import harness
from conftest import bearer, function_calls, make_token
from sse_client import EventStream

TIMELINE = "/rpc/scheduled_outbound_calls_timeline"
OVERVIEW = "/rpc/scheduled_outbound_calls_overview"
# The sample calls (scripts/gen_calls.py) end at 2025-10-24 10:00 UTC.
UNTIL = "2025-10-24T09:30:00+00:00"


def token(**claims):
    return bearer(make_token(dict({"role": "dashboard_user"}, **claims)))


def sql_text(db, expression, *args):
    cur = db.cursor()
    cur.execute("BEGIN")
    cur.execute("SET LOCAL ROLE dashboard_user")
    cur.execute("SELECT (%s)::text" % expression, args)
    text = cur.fetchone()[0]
    cur.execute("ROLLBACK")
    return text.encode()


def parse_time(text):
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("path, function", [(TIMELINE, "scheduled_outbound_calls_timeline"),
                                            (OVERVIEW, "scheduled_outbound_calls_overview")])
def test_get_and_post_are_the_functions_value(gateway, db, path, function):
    expected = sql_text(db, "api.%s(%%s, %%s, %%s)" % function, "1 day", "31 days", UNTIL)
    get = requests.get(gateway.url + path, headers=token(),
                       params={"bucket": "1 day", "span": "31 days", "until": UNTIL})
    post = requests.post(gateway.url + path, headers=token(),
                         json={"bucket": "P1D", "span": "P31D", "until": UNTIL})
    assert get.status_code == post.status_code == 200, get.text
    assert get.content == post.content == expected
    assert get.headers["Content-Type"] == "application/json; charset=utf-8"
    timeline = get.json()["timeline"]
    assert timeline["bucket_seconds"] == 86400 and len(timeline["buckets"]) == 31
    assert sum(b[k] for b in timeline["buckets"] for k in ("pending", "active", "completed", "failed")) > 0
    if path == OVERVIEW:
        assert get.json()["summary"] == requests.get(gateway.url + "/rpc/scheduled_outbound_calls_summary",
                                                     headers=token()).json()["summary"]


def test_the_defaults_are_the_last_24_hours(gateway):
    before = datetime.now(timezone.utc)
    r = requests.get(gateway.url + TIMELINE, headers=token())
    after = datetime.now(timezone.utc)
    assert r.status_code == 200
    timeline = r.json()["timeline"]
    assert timeline["bucket_seconds"] == 3600 and len(timeline["buckets"]) == 24
    end = parse_time(timeline["end"])
    # The window ends with the hour that holds now.
    assert end.minute == end.second == end.microsecond == 0
    assert end - timedelta(hours=1) <= after and before < end
    assert end - parse_time(timeline["start"]) == timedelta(hours=24)


def test_json_numbers_are_read_as_postgresql_reads_them(gateway, db):
    # PostgREST passes a JSON argument as text: 3600 is '3600'::interval, 3600 seconds.
    r = requests.post(gateway.url + TIMELINE, headers=token(), json={"bucket": 3600, "until": UNTIL})
    assert r.status_code == 200
    assert r.content == sql_text(db, "api.scheduled_outbound_calls_timeline('1 hour', until => %s)", UNTIL)


def test_errors_are_postgrests(gateway):
    url = gateway.url + TIMELINE
    odd = requests.get(url, headers=token(), params={"bucket": "7 minutes"})
    assert odd.status_code == 400
    assert odd.json()["code"] == "22023"
    assert odd.json()["message"] == "bucket must be a whole number of minutes that divides a day"
    assert "'15 minutes'" in odd.json()["hint"]
    too_many = requests.get(url, headers=token(), params={"bucket": "1 minute", "span": "2 days"})
    assert too_many.status_code == 400 and too_many.json()["message"] == "a timeline holds at most 1440 buckets"
    null = requests.post(gateway.url + OVERVIEW, headers=token(), json={"span": None})
    assert null.status_code == 400 and null.json()["message"] == "span must not be NULL"
    garbled = requests.get(url, headers=token(), params={"span": "soon"})
    assert garbled.status_code == 400 and garbled.json()["code"] == "22007"
    unknown = requests.get(url, headers=token(), params={"window": "1 day"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "PGRST202"
    assert "scheduled_outbound_calls_timeline(bucket, span, until)" in unknown.json()["hint"]
    anonymous = requests.get(url)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "42501"


@pytest.fixture(scope="module")
def clock_db(cluster):
    harness.create_app_database(cluster, "clock", calls=40)
    conn = cluster.connect("clock")
    conn.autocommit = True
    conn.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def pushing(upstream, clock_db):
    """The change signal on, callboard-live-poll-interval at its default (5 s)."""
    g = harness.Gateway(upstream, "clock")
    deadline = time.time() + 10
    while not any(l.get("event") == "change signal: listening" for l in g.log_lines()) and time.time() < deadline:
        time.sleep(0.05)
    yield g
    g.stop()


def add_call(db, at="now()"):
    db.cursor().execute(
        "INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,"
        " created_at, updated_at) VALUES (gen_random_uuid(), 'CA-live', '+1', '+1', 'outbound', 'queued', 0,"
        " %s, now())" % at)


def test_a_commit_moves_the_overview_on_its_stream(pushing, clock_db):
    stream = EventStream(pushing.url + OVERVIEW, token(viewer="overview"))
    try:
        first = json.loads(stream.next()[2])
        add_call(clock_db)
        event, _, data = stream.next(timeout=3)
        second = json.loads(data)
        assert event == "message"
        if second["timeline"]["end"] == first["timeline"]["end"]:
            assert second["timeline"]["buckets"][-1]["pending"] == first["timeline"]["buckets"][-1]["pending"] + 1
        assert second["summary"]["total_pending"] == first["summary"]["total_pending"] + 1
    finally:
        stream.close()


def test_the_clock_moves_a_watched_timeline_and_ends_what_memory_holds(pushing, cluster, clock_db):
    """One-minute buckets: at the end of the window's last minute the document
    is another, though nothing was committed.  The default (hourly) takes the
    same path at the end of each hour."""
    path = TIMELINE + "?bucket=1%20minute&span=1%20hour"
    headers = token(viewer="clock")
    first = requests.get(pushing.url + path, headers=headers)
    end = parse_time(first.json()["timeline"]["end"])
    if (end - datetime.now(timezone.utc)).total_seconds() < 10:
        time.sleep((end - datetime.now(timezone.utc)).total_seconds() + 0.5)
        first = requests.get(pushing.url + path, headers=headers)
        end = parse_time(first.json()["timeline"]["end"])
    # Before its end, and with nothing committed: from memory.
    before = function_calls(cluster)
    again = requests.get(pushing.url + path, headers=dict(headers, **{"If-None-Match": first.headers["ETag"]}))
    assert again.status_code == 304
    assert function_calls(cluster) == before, "an unchanged timeline was read again before its end"

    stream = EventStream(pushing.url + path, headers)
    try:
        assert json.loads(stream.next()[2])["timeline"]["end"] == first.json()["timeline"]["end"]
        wait = (end - datetime.now(timezone.utc)).total_seconds()
        assert stream.quiet_for(max(0.1, wait - 1)), "a new event before the window's end"
        event, _, data = stream.next(timeout=1 + 5 + 2)  # the end, one poll (5 s), and a margin
        arrived = datetime.now(timezone.utc)
        moved = json.loads(data)["timeline"]
        assert event == "message"
        assert parse_time(moved["end"]) == end + timedelta(minutes=1)
        assert parse_time(moved["start"]) == parse_time(first.json()["timeline"]["start"]) + timedelta(minutes=1)
        assert (arrived - end).total_seconds() < 5 + 2
        # A GET after the end is the new document, never the one memory held.
        after = requests.get(pushing.url + path, headers=headers)
        assert after.json()["timeline"]["end"] == moved["end"]
        assert after.headers["ETag"] != first.headers["ETag"]
    finally:
        stream.close()

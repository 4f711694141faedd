"""An exception anywhere on the build and refresh paths leaves nothing behind.

The gateway is started with CALLBOARD_TEST_FAULTS naming one fault point
(src/gateway/core/fault_injection.hpp): the first time the point is passed it
throws.  Each point sits between two co_awaits while something is held: a
pooled connection, a place in the pool's queue, a build others wait for, a
build registered for cancelling, a refresh due.  Whatever the point, the
request (or refresh) it hit fails cleanly, and afterwards no lease, waiter,
build or registration is left (the gauges in /metrics read 0), every
audience is served again, streams keep following changes, the failure is
logged and counted, and SIGTERM ends the process cleanly (under the
sanitizer build too: no use after free at shutdown)."""
import concurrent.futures
import json
import time

import pytest
import requests

import harness
from conftest import bearer, expected_document, make_token, rename_first_outbound_call
from sse_client import EventStream

RPC = "/rpc/scheduled_outbound_calls"
REQUEST_POINTS = ["pool.wait", "db.acquired", "db.attached", "cohort.row", "cohort.build", "cohort.built",
                  "cohort.wait"]
# The first pass of the database's points is the roles' settings read at start
# (whose failure the periodic read survives): the requests' is the second.
TURN = {"db.acquired": 2, "db.attached": 2}
REFRESH_POINTS = ["cohort.refresh", "cohort.refreshed"]


@pytest.fixture(scope="module")
def faults_db(cluster):
    harness.create_app_database(cluster, "injected", calls=60)
    conn = cluster.connect("injected")
    cur = conn.cursor()
    cur.execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    # Each document read takes 0.2 s: concurrent requests overlap, so some wait
    # for the pool (db-pool = 1) and some for another's build.
    cur.execute("ALTER TABLE hume_agents ENABLE ROW LEVEL SECURITY")
    cur.execute("CREATE POLICY slow ON hume_agents TO dashboard_user"
                " USING ((SELECT pg_sleep(0.2)) IS NOT NULL)")
    yield conn
    conn.close()


def token(viewer):
    return bearer(make_token({"role": "dashboard_user", "viewer": viewer}))


def open_stream(g, headers):
    """A stream; opened again if the fault hit its first build (a 500)."""
    for _ in range(2):
        stream = EventStream(g.url + RPC, headers)
        if stream.response.status_code == 200:
            return stream
        assert stream.response.status_code == 500
        stream.close()
    raise AssertionError("no stream")


def next_message(stream, db, name):
    """Events until the document shows `name`; an error event (a refresh the fault
    hit) is followed by another change."""
    deadline = time.time() + 15
    while time.time() < deadline:
        event, _, data = stream.next(timeout=10)
        if event == "message" and name.encode() in data:
            return data
        if event == "error":
            assert json.loads(data)["code"] == "HTTP500"
            rename_first_outbound_call(db, name + " again")
            name = name + " again"
    raise AssertionError("the stream stopped following changes")


def settled(g, admin):
    """The gauges of what a build holds, once nothing runs: all 0."""
    deadline = time.time() + 5
    while True:
        m = g.metrics(admin)
        held = {name: value for (name, labels), value in m.items()
                if name in ("callboard_cohort_builds_running", "callboard_cohort_build_waiters",
                            "callboard_cohort_builds_cancellable", "callboard_db_pool_waiting")
                or (name == "callboard_db_pool_connections" and ("state", "in_use") in labels)}
        if not any(held.values()) or time.time() > deadline:
            return held, m
        time.sleep(0.1)


@pytest.mark.parametrize("point", REQUEST_POINTS + REFRESH_POINTS)
def test_an_exception_at_each_point_leaves_nothing_behind(upstream, faults_db, point):
    admin_port = harness.free_port()
    admin = "http://127.0.0.1:%d" % admin_port
    armed = "%s:%d" % (point, TURN.get(point, 1))
    g = harness.Gateway(upstream, "injected", env={"CALLBOARD_TEST_FAULTS": armed}, db_pool=1,
                        admin_server_port=admin_port, callboard_live_poll_interval=60)
    stream = None
    try:
        g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: listening", 1, timeout=10)
        if point in TURN:
            time.sleep(0.3)  # the roles' settings are read (the first pass) before the requests
        expected = expected_document(faults_db)

        # Three audiences, two requests each, at once: pool waits and build waits.
        viewers = ["a", "a", "b", "b", "c", "c"]
        with concurrent.futures.ThreadPoolExecutor(len(viewers)) as pool:
            answers = list(pool.map(lambda v: requests.get(g.url + RPC, headers=token(v), timeout=30), viewers))
        statuses = [r.status_code for r in answers]
        assert set(statuses) <= {200, 500}, statuses
        assert all(r.content == expected for r in answers if r.status_code == 200)

        # A stream, and two changes: its refreshes (and their failure) follow.
        stream = open_stream(g, token("watcher"))
        assert stream.next()[0] == "message"
        rename_first_outbound_call(faults_db, "Fault One")
        next_message(stream, faults_db, "Fault One")
        rename_first_outbound_call(faults_db, "Fault Two")
        next_message(stream, faults_db, "Fault Two")

        # The point was passed and threw, once; it was logged and counted.
        thrown = g.wait_for_log_lines(0, lambda l: l.get("event") == "test faults: throwing at " + point, 1)
        assert len(thrown) == 1, "the fault point was never reached: the test proved nothing"
        task = "refresh" if point in REFRESH_POINTS else "request"
        assert g.wait_for_log_lines(0, lambda l: l.get("event", "").startswith(task + " ended by an exception: "
                                                                            "injected fault at " + point), 1)

        # Every audience is served again, with the document as it is now.
        expected = expected_document(faults_db)
        for viewer in ("a", "b", "c", "d"):
            r = requests.get(g.url + RPC, headers=token(viewer), timeout=30)
            assert r.status_code == 200 and r.content == expected, viewer

        stream.close()
        stream = None
        held, m = settled(g, admin)
        assert not any(held.values()), "left behind after %s: %s" % (point, held)
        assert m[("callboard_task_failures_total", (("task", task),))] == 1
    finally:
        if stream:
            stream.close()
        g.stop()
    assert g.process.returncode == 0, "the gateway did not stop cleanly"

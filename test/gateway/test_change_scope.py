"""A change wakes only what it can change; audiences whose documents cannot
differ share one read; and no document a change can change is ever skipped.

With the change signal on, a notification names the categories a commit
touched.  An audience whose read no row-level security applies to depends on
the calls of the categories its document shows (a page, a filtered document)
and on nothing else of the audience than its function, arguments, role and
whether it has a token; one under a policy depends on every change."""
import json
import queue
import random
import threading
import time

import pytest
import requests

import harness
from conftest import bearer, function_calls, make_token
from sse_client import EventStream

DB = "scope"
CATEGORIES = ["pending", "active", "completed", "failed"]


@pytest.fixture(scope="module")
def scope_db(cluster):
    harness.create_app_database(cluster, DB, calls=300)
    conn = cluster.connect(DB)
    cur = conn.cursor()
    cur.execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    # A role under a policy that reads other rows: any outbound call is hidden
    # while an inbound call has the status 'blocked' (a SECURITY DEFINER
    # function reads them, as policies that look at other rows must).
    # And one no policy filters (BYPASSRLS): the table has row-level security
    # on, and a policy applies to dashboard_user too (USING (true) is still a
    # policy: the gateway cannot know what it lets through).
    for role, attributes in (("scope_limited", ""), ("scope_reader", " BYPASSRLS")):
        cur.execute("SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %s)", (role,))
        if cur.fetchone()[0]:
            cur.execute("CREATE ROLE %s NOLOGIN%s" % (role, attributes))
        cur.execute("GRANT %s TO authenticator" % role)
        cur.execute("GRANT USAGE ON SCHEMA api TO %s" % role)
        cur.execute("GRANT SELECT ON twilio_calls, hume_agents TO %s" % role)
    cur.execute("CREATE FUNCTION public.blocked() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER"
                " SET search_path = public AS $$ SELECT EXISTS (SELECT FROM twilio_calls"
                " WHERE direction = 'inbound' AND status = 'blocked') $$")
    cur.execute("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY")
    cur.execute("CREATE POLICY everything ON twilio_calls TO dashboard_user USING (true)")
    cur.execute("CREATE POLICY unless_blocked ON twilio_calls TO scope_limited USING (NOT public.blocked())")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def live(upstream, scope_db):
    g = harness.Gateway(upstream, DB, callboard_live_poll_interval=60)
    deadline = time.time() + 10
    while not any(l.get("event") == "change signal: listening" for l in g.log_lines()) and time.time() < deadline:
        time.sleep(0.05)
    yield g
    g.stop()


def token(role="scope_reader", **claims):
    return bearer(make_token(dict({"role": role}, **claims)))


def page(category):
    return "/rpc/scheduled_outbound_calls_page?category=%s&page_size=20" % category


def outbound(db, category):
    cur = db.cursor()
    cur.execute("SELECT id FROM twilio_calls WHERE direction = 'outbound'"
                " AND api.callboard_call_category(status) = %s ORDER BY created_at DESC, id LIMIT 1", (category,))
    return cur.fetchone()[0]


def open_streams(gateway, audiences, first=None):
    """A stream per audience, each past its first event (into `first`)."""
    streams = {}
    for name, (path, headers) in audiences.items():
        streams[name] = EventStream(gateway.url + path, headers)
        event = streams[name].next()
        assert event[0] == "message", name
        if first is not None:
            first[name] = event[2]
    time.sleep(0.3)
    return streams


def close(streams):
    for s in streams.values():
        s.close()


def test_a_commit_refreshes_only_the_documents_it_can_change(live, cluster, scope_db):
    audiences = {c: (page(c), token(viewer=c)) for c in CATEGORIES}
    audiences["completed calls"] = ("/rpc/scheduled_outbound_calls?status=completed", token(viewer="doc"))
    audiences["summary"] = ("/rpc/scheduled_outbound_calls_summary", token(viewer="summary"))
    streams = open_streams(live, audiences)
    cur = scope_db.cursor()
    try:
        # A completed call's duration: the completed page and document, and the summary.
        before = function_calls(cluster)
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s", (outbound(scope_db, "completed"),))
        assert streams["completed"].next(timeout=3)[0] == "message"
        assert streams["completed calls"].next(timeout=3)[0] == "message"
        time.sleep(0.5)
        for quiet in ("pending", "active", "failed"):
            assert streams[quiet].quiet_for(0.1), "the %s page was sent a document it could not have changed" % quiet
        assert function_calls(cluster) - before == 3, "read again: the two completed documents and the summary"
        # The newest pending call moves to active: those two pages and the summary.
        before = function_calls(cluster)
        cur.execute("UPDATE twilio_calls SET status = 'in-progress' WHERE id = %s", (outbound(scope_db, "pending"),))
        for moved in ("pending", "active", "summary"):
            assert streams[moved].next(timeout=3)[0] == "message", moved
        time.sleep(0.5)
        assert function_calls(cluster) - before == 3
        for quiet in ("completed", "failed", "completed calls"):
            assert streams[quiet].quiet_for(0.1), quiet
        # An inbound call is in no document: nobody here is read again.
        before = function_calls(cluster)
        cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = ("
                    "SELECT id FROM twilio_calls WHERE direction = 'inbound' LIMIT 1)")
        time.sleep(0.6)
        assert function_calls(cluster) == before
        # An agent's name is in every category: every document is read again.
        before = function_calls(cluster)
        cur.execute("UPDATE hume_agents SET name = name")
        time.sleep(0.6)
        assert function_calls(cluster) - before == len(audiences)
    finally:
        close(streams)


def test_audiences_that_read_every_row_share_one_read(live, cluster, scope_db):
    """Five users of a role no policy filters (their claims differ): one query
    per change.  Five users of a role under a policy: one each, whatever the
    policy (dashboard_user's lets every row through: it is a policy still)."""
    shared = {"u%d" % i: ("/rpc/scheduled_outbound_calls_summary", token(viewer=i)) for i in range(5)}
    limited = {"l%d" % i: ("/rpc/scheduled_outbound_calls_summary", token("scope_limited", viewer=i))
               for i in range(3)}
    limited.update({"d%d" % i: ("/rpc/scheduled_outbound_calls_summary", token("dashboard_user", viewer=i))
                    for i in range(2)})
    streams = open_streams(live, dict(shared, **limited))
    try:
        before = function_calls(cluster)
        scope_db.cursor().execute("UPDATE twilio_calls SET status = 'completed' WHERE id = %s",
                                  (outbound(scope_db, "active"),))
        bodies = set()
        for name in shared:
            event = streams[name].next(timeout=3)
            assert event[0] == "message"
            bodies.add(event[2])
        for name in limited:
            assert streams[name].next(timeout=3)[0] == "message"
        time.sleep(0.5)
        assert len(bodies) == 1
        assert function_calls(cluster) - before == 1 + len(limited)
    finally:
        close(streams)


def expected(db, function, args, role, claims):
    cur = db.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
                " set_config('search_path', 'api, public', true)", (role, claims))
    cur.execute("SELECT api.%s(%s)::text" % (function, ", ".join("%s" for _ in args)), args)
    text = cur.fetchone()[0]
    cur.execute("ROLLBACK")
    return text.encode()


def test_no_change_is_ever_skipped_where_it_shows(live, cluster, scope_db):
    """Random commits of every kind; after each, every stream converges on
    exactly what its function returns now.  A document wrongly skipped stays
    on its old bytes and fails this."""
    rng = random.Random(7)
    audiences, truth = {}, {}
    for role in ("scope_reader", "scope_limited"):
        for c in CATEGORIES:
            name = "%s page %s" % (role, c)
            audiences[name] = (page(c), token(role, viewer=name))
            truth[name] = ("scheduled_outbound_calls_page", [c, 20], role, name)
            name = "%s document %s" % (role, c)
            audiences[name] = ("/rpc/scheduled_outbound_calls?status=%s" % c, token(role, viewer=name))
            truth[name] = ("scheduled_outbound_calls", [c], role, name)
        name = "%s summary" % role
        audiences[name] = ("/rpc/scheduled_outbound_calls_summary", token(role, viewer=name))
        truth[name] = ("scheduled_outbound_calls_summary", [], role, name)
    latest = {}
    streams = open_streams(live, audiences, latest)
    cur = scope_db.cursor()
    statuses = ["initiated", "queued", "ringing", "in-progress", "completed", "failed", "busy", "no-answer"]
    changes = [
        lambda: cur.execute("UPDATE twilio_calls SET status = %s WHERE id = %s",
                            (rng.choice(statuses), outbound(scope_db, rng.choice(CATEGORIES)))),
        lambda: cur.execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = %s",
                            (outbound(scope_db, rng.choice(CATEGORIES)),)),
        lambda: cur.execute("UPDATE twilio_calls SET direction = 'inbound' WHERE id = %s",
                            (outbound(scope_db, rng.choice(CATEGORIES)),)),
        lambda: cur.execute("UPDATE twilio_calls SET status = CASE status WHEN 'blocked' THEN 'completed'"
                            " ELSE 'blocked' END WHERE id = (SELECT id FROM twilio_calls"
                            " WHERE direction = 'inbound' ORDER BY id LIMIT 1)"),
        lambda: cur.execute("INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status,"
                            " duration, created_at, updated_at) VALUES (gen_random_uuid(), %s, '+1', '+2',"
                            " 'outbound', %s, 0, now(), now())", ("S%d" % rng.randrange(10 ** 9), rng.choice(statuses))),
        lambda: cur.execute("DELETE FROM twilio_calls WHERE id = %s", (outbound(scope_db, rng.choice(CATEGORIES)),)),
        lambda: cur.execute("UPDATE hume_agents SET name = name || '.' WHERE id = (SELECT id FROM hume_agents ORDER BY id LIMIT 1)"),
    ]
    try:
        for step in range(24):
            rng.choice(changes)()
            for name, (function, args, role, viewer) in truth.items():
                claims = json.dumps({"role": role, "viewer": viewer})
                want = expected(scope_db, function, args, role, claims)
                deadline = time.time() + 3
                while latest[name] != want and time.time() < deadline:
                    try:
                        event = streams[name].next(timeout=max(0.01, deadline - time.time()))
                    except Exception:
                        break
                    if event and event[0] == "message":
                        latest[name] = event[2]
                assert latest[name] == want, "step %d: %s shows an old document" % (step, name)
    finally:
        close(streams)


def peak_refreshes(cluster, seconds, until=None):
    """The most slow reads (those asleep in slow_read()) the gateway ran at
    once, sampled from pg_stat_activity; the ordinary request's quick read is
    not one of them."""
    conn = cluster.connect(DB)
    conn.autocommit = True
    cur = conn.cursor()
    peak, deadline = 0, time.time() + seconds
    while time.time() < deadline and not (until and until()):
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = 'authenticator' AND state = 'active'"
                    " AND wait_event = 'PgSleep'")
        peak = max(peak, cur.fetchone()[0])
        time.sleep(0.01)
    conn.close()
    return peak


def test_refreshes_never_hold_more_connections_than_the_budget(upstream, cluster, scope_db):
    """Eight audiences under a policy that makes each read take 0.3 s, one
    commit that changes all of them: with callboard-live-max-refreshes at its
    default (2) and a pool of 8, at most 2 reads run at once, every stream
    still gets the change, and an ordinary request is answered while they
    wait.  Raised to 4 by a reload, more run at once (so the sampling sees
    a breach)."""
    cur = scope_db.cursor()
    cur.execute("SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'scope_slow')")
    if cur.fetchone()[0]:
        cur.execute("CREATE ROLE scope_slow NOLOGIN")
    cur.execute("GRANT scope_slow TO authenticator; GRANT USAGE ON SCHEMA api TO scope_slow;"
                " GRANT SELECT ON twilio_calls, hume_agents TO scope_slow")
    # A scalar subquery: run once per read, so each read takes 0.3 s.
    cur.execute("CREATE FUNCTION public.slow_read() RETURNS boolean LANGUAGE sql VOLATILE"
                " AS $$ SELECT true FROM pg_sleep(0.3) $$")
    cur.execute("CREATE POLICY slow ON twilio_calls TO scope_slow USING ((SELECT public.slow_read()))")
    g = harness.Gateway(upstream, DB, db_pool=8, callboard_live_poll_interval=60)
    audiences = {"viewer %d" % k: ("/rpc/scheduled_outbound_calls_summary", token("scope_slow", viewer=k))
                 for k in range(8)}
    streams = {}
    try:
        deadline = time.time() + 10
        while not any(l.get("event") == "change signal: listening" for l in g.log_lines()) and time.time() < deadline:
            time.sleep(0.05)
        for budget in (2, 4):
            if budget != 2:
                g.reload(callboard_live_max_refreshes=budget)
            streams = open_streams(g, audiences)
            got = {}

            def all_got():
                for name, s in streams.items():
                    if name not in got:
                        try:
                            got[name] = s.next(timeout=0.001)
                        except queue.Empty:
                            pass
                return len(got) == len(streams)

            ordinary = {}

            def ask():
                started = time.time()
                r = requests.get(g.url + "/rpc/scheduled_outbound_calls_summary", headers=token(viewer="ordinary"),
                                 timeout=10)
                ordinary["status"], ordinary["done"] = r.status_code, time.time()
                ordinary["seconds"] = ordinary["done"] - started

            cur.execute("UPDATE twilio_calls SET status = 'completed' WHERE id = %s", (outbound(scope_db, "pending"),))
            time.sleep(0.05)
            asker = threading.Thread(target=ask)
            asker.start()
            peak = peak_refreshes(cluster, 15, all_got)
            asker.join()
            finished = time.time()
            assert len(got) == len(streams), "streams that never got the change: %s" % sorted(set(streams) - set(got))
            assert all(e[0] == "message" for e in got.values())
            assert ordinary["status"] == 200
            if budget == 2:
                assert peak == 2, "reads at once: %d, budget 2" % peak
                # Eight 0.3 s reads two at a time take 1.2 s; the ordinary request did not wait for them.
                assert ordinary["done"] < finished - 0.3, ordinary
            else:
                assert peak > 2, "with a budget of 4, only %d at once" % peak
            close(streams)
            streams = {}
    finally:
        close(streams)
        g.stop()
        cur.execute("DROP POLICY slow ON twilio_calls; DROP FUNCTION public.slow_read()")

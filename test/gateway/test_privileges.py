"""A document kept in memory never outlives the right to see it.

With the change signal on, a GET of unchanged data is answered from memory.
The extension's event trigger NOTIFYs 'privileges' at every command that can
change who sees what, and the gateway drops what it keeps: the next GET after
a REVOKE, a new policy, row-level security turned on, a function's EXECUTE
revoked, the schema's USAGE revoked, DROP or ALTER EXTENSION, is the
database's answer, not memory's: once the notification has reached the
gateway (NOTIFY is asynchronous: a request racing it by microseconds may
still be answered from memory), which the tests wait for in /metrics
(callboard_cohort_forgets_total) before the second GET.  Streams get the new
answer (or the error) at once.  What PostgreSQL fires no event trigger for (role membership, ALTER
ROLE) applies within callboard-cache-max-age, and at once on NOTIFY pgrst,
'reload schema'."""
import json
import os
import select
import subprocess
import time

import pytest
import requests

import harness
from conftest import bearer, expected_document, function_calls, make_token
from sse_client import EventStream

RPC = "/rpc/scheduled_outbound_calls"
SUMMARY = "/rpc/scheduled_outbound_calls_summary"
HALF = "hashtext(call_sid) & 1 = 0"
OTHER_HALF = "hashtext(call_sid) & 1 = 1"


def wait_listening(g, count=1):
    lines = g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: listening", count, timeout=10)
    assert len(lines) >= count, "the gateway is not listening for the change signal"


@pytest.fixture(scope="module")
def privs_db(cluster):
    harness.create_app_database(cluster, "privs", calls=80)
    conn = cluster.connect("privs")
    conn.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    yield conn
    conn.close()


def start(upstream, dbname, **settings):
    """A gateway that polls once a minute: what moves faster is the signal."""
    admin_port = harness.free_port()
    g = harness.Gateway(upstream, dbname, callboard_live_poll_interval=60, admin_server_port=admin_port,
                        **settings)
    g.admin = "http://127.0.0.1:%d" % admin_port
    wait_listening(g)
    return g


@pytest.fixture(scope="module")
def pushing(upstream, privs_db):
    """Keeps documents for the default minute."""
    g = start(upstream, "privs")
    yield g
    g.stop()


def forgets(g):
    return g.metrics(g.admin)[("callboard_cohort_forgets_total", ())]


def told(g, cur, command):
    """Runs the DBA's command and returns once the gateway has dropped what it
    keeps (its notification arrived): the seconds that took."""
    before = forgets(g)
    committed = time.time()
    cur.execute(command)
    while forgets(g) == before:
        assert time.time() - committed < 2, "the gateway was not told of: " + command
        time.sleep(0.001)
    return time.time() - committed


def token(**claims):
    return bearer(make_token(dict({"role": "dashboard_user"}, **claims)))


def expected(db, claims="{}"):
    return expected_document(db, role="dashboard_user", claims=claims)


def from_memory(g, cluster, headers, path=RPC):
    """GETs twice; the second must come from memory (no statement reaches the
    database). Returns the response."""
    first = requests.get(g.url + path, headers=headers)
    before = function_calls(cluster)
    again = requests.get(g.url + path, headers=headers)
    assert again.content == first.content
    assert function_calls(cluster) == before, "not answered from memory: the test would prove nothing"
    return again


def notifications(conn, wait=0.5):
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


def test_the_event_trigger_tells_listeners(cluster, privs_db):
    listen = cluster.connect("privs")
    listen.cursor().execute("LISTEN callboard_changes")
    writer = cluster.connect("privs")
    cur = writer.cursor()
    try:
        cur.execute("GRANT SELECT ON twilio_calls TO web_anon")
        assert notifications(listen) == ["privileges"]
        cur.execute("REVOKE SELECT ON twilio_calls FROM web_anon")
        assert notifications(listen) == ["privileges"]
        # Rolled back: nothing changed, nothing told.
        writer.autocommit = False
        cur.execute("GRANT SELECT ON twilio_calls TO web_anon")
        cur.execute("CREATE POLICY nothing ON twilio_calls USING (false)")
        writer.rollback()
        assert notifications(listen) == []
        # Two commands, one commit: one notification.
        cur.execute("GRANT SELECT ON twilio_calls TO web_anon")
        cur.execute("REVOKE SELECT ON twilio_calls FROM web_anon")
        writer.commit()
        assert notifications(listen) == ["privileges"]
        writer.autocommit = True
        # Commands that change nobody's rights are not told (a temporary table, an index).
        cur.execute("CREATE TEMP TABLE scratch (x int)")
        cur.execute("CREATE INDEX ON twilio_calls (duration)")
        cur.execute("SELECT 1")
        assert notifications(listen) == []
    finally:
        writer.close()
        listen.close()


def test_a_revoked_select_applies_to_the_next_get(pushing, cluster, privs_db):
    headers = token(viewer="revoked")
    kept = from_memory(pushing, cluster, headers)
    assert kept.status_code == 200
    cur = privs_db.cursor()
    told(pushing, cur, "REVOKE SELECT ON twilio_calls FROM dashboard_user")
    try:
        refused = requests.get(pushing.url + RPC, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "42501"
    finally:
        told(pushing, cur, "GRANT SELECT ON twilio_calls TO dashboard_user")
    assert requests.get(pushing.url + RPC, headers=headers).content == kept.content


def test_the_schema_and_the_functions_privileges_apply_to_the_next_get(pushing, cluster, privs_db):
    headers = token(viewer="schema")
    kept = from_memory(pushing, cluster, headers)
    cur = privs_db.cursor()
    told(pushing, cur, "REVOKE USAGE ON SCHEMA api FROM dashboard_user")
    try:
        refused = requests.get(pushing.url + RPC, headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "42501", refused.text
    finally:
        told(pushing, cur, "GRANT USAGE ON SCHEMA api TO dashboard_user")
    assert from_memory(pushing, cluster, headers).content == kept.content

    functions = "api.scheduled_outbound_calls(text), api.scheduled_outbound_calls_chunks(text, integer)"
    told(pushing, cur, "REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC, dashboard_user" % functions)
    try:
        refused = requests.get(pushing.url + RPC, headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "42501", refused.text
    finally:
        told(pushing, cur, "GRANT EXECUTE ON FUNCTION %s TO PUBLIC, dashboard_user" % functions)
    assert requests.get(pushing.url + RPC, headers=headers).content == kept.content


def test_policies_and_row_level_security_apply_to_the_next_get(pushing, cluster, privs_db):
    headers = token(viewer="policies")
    cur = privs_db.cursor()
    full = from_memory(pushing, cluster, headers).content
    assert full == expected(privs_db)
    try:
        # Policies on a table without row-level security change nothing yet.
        told(pushing, cur, "CREATE POLICY everything ON twilio_calls TO dashboard_user USING (true)")
        told(pushing, cur, "CREATE POLICY half ON twilio_calls AS RESTRICTIVE TO dashboard_user USING (%s)" % HALF)
        assert from_memory(pushing, cluster, headers).content == full

        steps = [
            ("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY", True),
            ("ALTER POLICY half ON twilio_calls USING (%s)" % OTHER_HALF, True),
            ("DROP POLICY half ON twilio_calls", False),
            ("CREATE POLICY half ON twilio_calls AS RESTRICTIVE TO dashboard_user USING (%s)" % HALF, True),
            ("ALTER TABLE twilio_calls DISABLE ROW LEVEL SECURITY", False),
        ]
        previous = full
        for command, halved in steps:
            told(pushing, cur, command)
            now = requests.get(pushing.url + RPC, headers=headers).content
            assert now == expected(privs_db), command
            assert now != previous, "the document did not change with: " + command
            assert (now != full) == halved, command
            assert from_memory(pushing, cluster, headers).content == now
            previous = now
    finally:
        told(pushing, cur, "ALTER TABLE twilio_calls DISABLE ROW LEVEL SECURITY")
        told(pushing, cur, "DROP POLICY IF EXISTS half ON twilio_calls")
        told(pushing, cur, "DROP POLICY IF EXISTS everything ON twilio_calls")


def test_a_watching_stream_follows_privileges_and_policies(pushing, privs_db):
    headers = token(viewer="watching")
    stream = EventStream(pushing.url + RPC, headers)
    cur = privs_db.cursor()
    try:
        event, _, data = stream.next()
        assert event == "message" and data == expected(privs_db)
        changed = time.time()
        cur.execute("REVOKE SELECT ON twilio_calls FROM dashboard_user")
        event, _, data = stream.next(timeout=5)
        assert event == "error" and json.loads(data)["code"] == "42501"
        assert time.time() - changed < 2
        cur.execute("GRANT SELECT ON twilio_calls TO dashboard_user")
        event, _, data = stream.next(timeout=5)
        assert event == "message" and data == expected(privs_db)

        # A policy and row-level security in one transaction: one new document.
        privs_db.autocommit = False
        cur.execute("CREATE POLICY everything ON twilio_calls TO dashboard_user USING (true)")
        cur.execute("CREATE POLICY half ON twilio_calls AS RESTRICTIVE TO dashboard_user USING (%s)" % HALF)
        cur.execute("ALTER TABLE twilio_calls ENABLE ROW LEVEL SECURITY")
        privs_db.commit()
        privs_db.autocommit = True
        event, _, data = stream.next(timeout=5)
        assert event == "message" and data == expected(privs_db)
        assert stream.quiet_for(1)
    finally:
        privs_db.rollback()
        privs_db.autocommit = True
        cur.execute("ALTER TABLE twilio_calls DISABLE ROW LEVEL SECURITY")
        cur.execute("DROP POLICY IF EXISTS half ON twilio_calls")
        cur.execute("DROP POLICY IF EXISTS everything ON twilio_calls")
        stream.close()


@pytest.fixture
def own_database(cluster, upstream):
    """A database and gateway of their own, for commands that take the API away."""
    harness.create_app_database(cluster, "privs_drop", calls=40)
    conn = cluster.connect("privs_drop")
    conn.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    g = start(upstream, "privs_drop")
    yield conn, g
    g.stop()
    conn.close()


def test_drop_and_alter_extension_apply_to_the_next_get(cluster, own_database):
    conn, g = own_database
    cur = conn.cursor()
    headers = token(viewer="extension")
    kept = from_memory(g, cluster, headers)
    assert kept.status_code == 200

    cur.execute("CREATE SCHEMA elsewhere")
    told(g, cur, "ALTER EXTENSION callboard SET SCHEMA elsewhere")
    moved = requests.get(g.url + RPC, headers=headers)
    assert moved.status_code == 404 and moved.json()["code"] == "42883", moved.text
    told(g, cur, "ALTER EXTENSION callboard SET SCHEMA api")
    assert from_memory(g, cluster, headers).content == kept.content

    told(g, cur, "DROP EXTENSION callboard")
    dropped = requests.get(g.url + RPC, headers=headers)
    assert dropped.status_code == 404 and dropped.json()["code"] == "42883", dropped.text
    # The drop took the tables' triggers: the gateway knows the signal is off, and polls.
    lines = g.wait_for_log_lines(0, lambda l: l.get("event") == "change signal: off; live documents poll", 1)
    assert lines, "the gateway still believes the signal is on"

    cluster.psql("privs_drop", "-c", "CREATE EXTENSION callboard SCHEMA api",
                 "-f", os.path.join(harness.ROOT, "deploy/roles.sql"))
    cur.execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    wait_listening(g, 2)
    assert from_memory(g, cluster, headers).content == kept.content


@pytest.fixture
def member_role(cluster, privs_db):
    cur = privs_db.cursor()
    cur.execute("CREATE ROLE privs_member NOLOGIN")
    cur.execute("GRANT privs_member TO authenticator")
    cur.execute("GRANT USAGE ON SCHEMA api TO privs_member")
    cur.execute("GRANT SELECT ON twilio_calls, hume_agents TO privs_member")
    yield cur
    cur.execute("DROP OWNED BY privs_member")
    cur.execute("DROP ROLE privs_member")


def test_role_membership_applies_within_the_cache_max_age(upstream, cluster, privs_db, member_role):
    """REVOKE role FROM role fires no event trigger: kept documents go within
    callboard-cache-max-age (2 s here), streams are read again as soon; NOTIFY
    pgrst, 'reload schema' applies it at once."""
    g = start(upstream, "privs", callboard_cache_max_age=2)
    headers = bearer(make_token({"role": "privs_member"}))
    stream = None
    try:
        kept = from_memory(g, cluster, headers)
        assert kept.status_code == 200
        stream = EventStream(g.url + SUMMARY, headers)
        assert stream.next()[0] == "message"

        member_role.execute("REVOKE privs_member FROM authenticator")
        revoked = time.time()
        refused = None
        while time.time() - revoked < 4:
            r = requests.get(g.url + RPC, headers=headers)
            if r.status_code != 200:
                refused = time.time() - revoked
                break
            time.sleep(0.1)
        assert refused is not None and refused <= 2 + 0.5, "still answered from memory after the max age"
        assert r.status_code == 403 and r.json()["code"] == "42501", r.text
        event, _, data = stream.next(timeout=4)
        assert event == "error" and json.loads(data)["code"] == "42501"
        assert time.time() - revoked < 2 + 1.5

        # Given back, and said at once with PostgREST's own NOTIFY.
        assert requests.get(g.url + RPC, headers=headers).status_code == 403
        member_role.execute("GRANT privs_member TO authenticator")
        member_role.execute("NOTIFY pgrst, 'reload schema'")
        deadline = time.time() + 0.5
        while requests.get(g.url + RPC, headers=headers).status_code != 200:
            assert time.time() < deadline, "NOTIFY pgrst did not apply the grant at once"
            time.sleep(0.02)
        assert stream.next(timeout=3)[0] == "message"
    finally:
        if stream:
            stream.close()
        g.stop()


def test_the_default_max_age_is_a_minute():
    """Stated in docs/operating.md: what no notification tells applies within 60 s by default."""
    out = subprocess.run([harness.GATEWAY, "--dump-config"], capture_output=True, text=True,
                         env={"PATH": os.environ["PATH"]}).stdout
    assert "callboard-cache-max-age = 60\n" in out

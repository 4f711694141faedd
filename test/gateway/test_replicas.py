"""Read replicas: callboard answers on a hot standby, and the gateway spreads reads over
a primary and its replica, skipping one that is down."""
import time

import pytest
import requests

import harness
from conftest import bearer, function_calls, make_token

FUNCTIONS = [
    "api.scheduled_outbound_calls()",
    "api.scheduled_outbound_calls('failed')",
    "api.scheduled_outbound_calls_summary()",
    "api.scheduled_outbound_calls_page('completed', 5)",
    "(SELECT json_agg(s) FROM api.callboard_call_summary s)",
]


@pytest.fixture(scope="module")
def replica(cluster, app_db):
    r = harness.Cluster(replica_of=cluster)
    yield r
    r.stop_for_good()


def caught_up(primary, replica):
    lsn = primary.cursor()
    lsn.execute("SELECT pg_current_wal_lsn()")
    target = lsn.fetchone()[0]
    cur = replica.cursor()
    deadline = time.time() + 30
    while time.time() < deadline:
        cur.execute("SELECT pg_last_wal_replay_lsn() >= %s", (target,))
        if cur.fetchone()[0]:
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


def answers(conn):
    cur = conn.cursor()
    cur.execute("SET ROLE dashboard_user")
    out = []
    for f in FUNCTIONS:
        cur.execute("SELECT %s::text" % f)
        out.append(cur.fetchone()[0])
    cur.execute("RESET ROLE")
    return out


def test_callboard_reads_on_a_hot_standby(cluster, replica, app_db):
    primary = cluster.connect(app_db)
    standby = replica.connect(app_db)
    try:
        cur = standby.cursor()
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is True
        # Calls written on the primary...
        primary.cursor().execute(
            "INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,"
            " created_at, updated_at) SELECT gen_random_uuid(), 'CA-replica-' || n, '+1', '+1', 'outbound',"
            " (ARRAY['queued', 'ringing', 'completed', 'busy'])[n % 4 + 1], n, now() - n * interval '1 minute',"
            " now() FROM generate_series(1, 40) AS n")
        caught_up(primary, standby)
        # ...read back through callboard on the replica, byte for byte.
        on_primary, on_standby = answers(primary), answers(standby)
        assert on_standby == on_primary
        assert "CA-replica-1" in on_standby[0]
    finally:
        primary.close()
        standby.close()


def test_gateway_spreads_reads_and_skips_a_replica_that_is_down(cluster, replica, app_db):
    uri = "postgres://authenticator:%s@127.0.0.1:%d/%s"
    g = harness.Gateway(cluster, app_db, callboard_db_uris=" ".join(
        uri % (harness.AUTHENTICATOR_PASSWORD, c.port, app_db) for c in (cluster, replica)))
    token = bearer(make_token({"role": "dashboard_user"}))
    url = g.url + "/rpc/scheduled_outbound_calls"
    try:
        before = function_calls(cluster), function_calls(replica)
        bodies = {requests.get(url, headers=token).content for _ in range(10)}
        assert len(bodies) == 1   # the same answer from both
        after = function_calls(cluster), function_calls(replica)
        assert after[0] - before[0] == 5 and after[1] - before[1] == 5

        replica.ctl("stop")
        try:
            for _ in range(10):
                r = requests.get(url, headers=token, timeout=10)
                assert r.status_code == 200
                assert r.content in bodies
            assert requests.get(g.url + "/ready").status_code == 200
        finally:
            replica.ctl("start")

        # Back in the rotation once its back-off has passed.
        deadline = time.time() + 20
        while time.time() < deadline:
            seen = function_calls(replica)
            for _ in range(4):
                assert requests.get(url, headers=token).status_code == 200
            if function_calls(replica) > seen:
                break
            time.sleep(0.5)
        assert function_calls(replica) > seen
    finally:
        g.stop()

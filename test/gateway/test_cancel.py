"""Long scans honour query cancel (docs/sql-api.md, Errors: 57014), not only statement_timeout
(which sql/errors.sql tests): pg_cancel_backend from another session stops
scheduled_outbound_calls() with 57014, and the session stays usable."""
import threading
import time

import psycopg2
import pytest

from conftest import wait_until_running


@pytest.fixture(scope="module")
def big(cluster, app_db):
    """600,000 outbound calls in a schema of their own, found through search_path."""
    conn = cluster.connect(app_db)
    cur = conn.cursor()
    cur.execute("CREATE SCHEMA cancel_test")
    cur.execute("CREATE TABLE cancel_test.twilio_calls (LIKE public.twilio_calls)")
    cur.execute("INSERT INTO cancel_test.twilio_calls (id, call_sid, from_number, to_number, direction,"
                " status, duration, customer_name, created_at, updated_at)"
                " SELECT gen_random_uuid(), 'CA' || n, '+1', '+1555', 'outbound',"
                " (ARRAY['queued', 'ringing', 'completed', 'busy'])[1 + n % 4], n % 600, 'Customer ' || n,"
                " '2025-01-01'::timestamptz + n * interval '1 second', now()"
                " FROM generate_series(1, 600000) AS n")
    cur.execute("VACUUM ANALYZE cancel_test.twilio_calls")
    yield conn
    cur.execute("DROP SCHEMA cancel_test CASCADE")
    conn.close()


def test_cancel_stops_a_long_call_and_the_session_goes_on(cluster, app_db, big):
    session = cluster.connect(app_db)
    cur = session.cursor()
    cur.execute("SET search_path = cancel_test, public, api")
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    outcome = {}

    def run():
        start = time.time()
        try:
            cur.execute("SELECT pg_column_size(api.scheduled_outbound_calls())")
            outcome["result"] = cur.fetchone()
        except psycopg2.Error as e:
            outcome["error"] = e
        outcome["seconds"] = time.time() - start

    t = threading.Thread(target=run)
    t.start()
    # Cancel once the call is under way.
    watcher = big.cursor()
    wait_until_running(watcher, pid)
    time.sleep(0.1)
    watcher.execute("SELECT pg_cancel_backend(%s)", (pid,))
    assert watcher.fetchone()[0] is True
    t.join(timeout=30)

    assert "error" in outcome, "the call finished before the cancel: %r" % outcome
    assert outcome["error"].pgcode == "57014"
    assert "canceling statement due to user request" in str(outcome["error"])
    # The same session answers the next call.
    cur.execute("SELECT (api.scheduled_outbound_calls('pending') -> 'summary' ->> 'total_pending')::int")
    assert cur.fetchone()[0] == 150000
    session.close()

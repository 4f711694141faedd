"""SIGTERM: in-flight requests finish, then the process exits cleanly."""
import signal
import threading
import time

import requests

import harness
from conftest import bearer, make_token, wait_until_running

RPC = "/rpc/scheduled_outbound_calls"


def test_sigterm_finishes_in_flight_requests(upstream, app_db, db):
    cur = db.cursor()
    cur.execute("ALTER TABLE hume_agents ENABLE ROW LEVEL SECURITY")
    # Each agent row takes 0.1 s to read for this role: a slow request on demand.
    cur.execute("CREATE POLICY slow ON hume_agents TO dashboard_user USING (pg_sleep(0.1) IS NOT NULL)")
    cur.execute("CREATE POLICY fast ON hume_agents TO postgres USING (true)")
    g = harness.Gateway(upstream, app_db)
    result = {}
    try:
        def slow_request():
            result["response"] = requests.get(g.url + RPC, headers=bearer(make_token({"role": "dashboard_user"})))

        t = threading.Thread(target=slow_request)
        t.start()
        # SIGTERM once the request is running in the database (it then takes 0.8 s).
        wait_until_running(cur)
        start = time.time()
        g.process.send_signal(signal.SIGTERM)
        t.join(timeout=20)
        assert result["response"].status_code == 200
        assert result["response"].json()["success"] is True
        assert g.process.wait(timeout=20) == 0
        assert time.time() - start < 15
        events = [line.get("event") for line in g.log_lines()]
        assert "stopped" in events
    finally:
        cur.execute("DROP POLICY slow ON hume_agents")
        cur.execute("DROP POLICY fast ON hume_agents")
        cur.execute("ALTER TABLE hume_agents DISABLE ROW LEVEL SECURITY")
        g.stop()

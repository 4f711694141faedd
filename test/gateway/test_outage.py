"""The database goes away and comes back: 503 with Retry-After at once, then recovery
without restarting the gateway."""
import time

import requests

import harness
from conftest import bearer, expected_document, make_token

RPC = "/rpc/scheduled_outbound_calls"


def test_database_down_then_back(cluster, upstream, app_db):
    g = harness.Gateway(upstream, app_db)
    token = bearer(make_token({"role": "dashboard_user"}))
    try:
        assert requests.get(g.url + RPC, headers=token).status_code == 200
        cluster.ctl("stop")
        try:
            codes = set()
            for _ in range(5):
                start = time.time()
                r = requests.get(g.url + RPC, headers=token, timeout=15)
                assert time.time() - start < 3, "a request hung while the database was down"
                assert r.status_code == 503
                assert r.json()["code"] in ("PGRST000", "PGRST001")
                assert int(r.headers["Retry-After"]) >= 1
                codes.add(r.json()["code"])
            assert "PGRST000" in codes
            assert requests.get(g.url + "/ready").status_code == 503
            assert requests.get(g.url + "/live").status_code == 200
        finally:
            cluster.ctl("start")
        deadline = time.time() + 20
        status = None
        while time.time() < deadline:
            status = requests.get(g.url + RPC, headers=token).status_code
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200
        fresh = cluster.connect(app_db)
        assert requests.get(g.url + RPC, headers=token).content == expected_document(fresh)
        fresh.close()
        assert requests.get(g.url + "/ready").status_code == 200
    finally:
        g.stop()


def test_server_restart_is_invisible_to_clients(cluster, upstream, app_db):
    """Pooled connections die with a restart; the next request retries on a new one."""
    g = harness.Gateway(upstream, app_db, db_pool=2)
    token = bearer(make_token({"role": "dashboard_user"}))
    try:
        for _ in range(3):
            assert requests.get(g.url + RPC, headers=token).status_code == 200
        cluster.ctl("restart")
        assert requests.get(g.url + RPC, headers=token).status_code == 200
    finally:
        g.stop()

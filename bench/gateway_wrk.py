#!/usr/bin/python3
"""callboard-gateway under wrk: requests/s and latency at 100 and 10,000 calls.

    bench/gateway_wrk.py [--duration 10] [--connections 16] [--markdown FILE]

Starts a throwaway cluster and the gateway through test/gateway/harness.py,
loads N outbound calls per database, and drives the Django dashboard path
with a SimpleJWT access token, as the dashboard does.  The database, the
gateway and wrk share this machine's cores.  Run as root.  bench/throughput.py
measures more (both document sizes with and without the change signal, small
requests beside large downloads, idle connections); this one stays for
comparison with the figures README gave before the event-driven gateway.
"""
import argparse
import os
import re
import subprocess
import sys
import time
import uuid

import jwt
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "test", "gateway"))
import harness  # noqa: E402
import report  # noqa: E402

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"


def access_token():
    now = int(time.time())
    return jwt.encode({"token_type": "access", "exp": now + 3600, "iat": now,
                       "jti": uuid.uuid4().hex, "user_id": 1}, harness.JWT_SECRET, algorithm="HS256")


def load(cluster, dbname, outbound):
    """`outbound` calls, all outbound, so the document holds exactly that many."""
    harness.create_app_database(cluster, dbname, calls=int(outbound / 0.8) + 100)
    conn = cluster.connect(dbname)
    cur = conn.cursor()
    cur.execute("DELETE FROM twilio_calls WHERE direction <> 'outbound'")
    cur.execute("DELETE FROM twilio_calls WHERE id IN (SELECT id FROM twilio_calls ORDER BY id OFFSET %s)",
                (outbound,))
    cur.execute("ALTER ROLE authenticator RESET log_statement")
    cur.execute("VACUUM ANALYZE twilio_calls")
    conn.close()


def wrk(url, token, duration, connections):
    out = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % duration, "--latency",
                          "-H", "Authorization: Bearer " + token, url],
                         check=True, capture_output=True, text=True).stdout

    def latency(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, latency(50), latency(90), latency(99), int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--markdown")
    args = parser.parse_args()

    cluster = harness.Cluster()
    gateways = []
    rows = []
    try:
        token = access_token()
        for calls in (100, 10000):
            dbname = "bench_%d" % calls
            load(cluster, dbname, calls)
            g = harness.Gateway(cluster, dbname, db_pool=8, log_level="info")
            gateways.append(g)
            url = g.url + LEGACY
            body = requests.get(url, headers={"Authorization": "Bearer " + token})
            assert body.status_code == 200, body.text
            assert sum(body.json()["summary"].values()) == calls, body.json()["summary"]
            wrk(url, token, 2, args.connections)  # warm-up
            rps, p50, p90, p99, errors = wrk(url, token, args.duration, args.connections)
            rows.append((calls, len(body.content), rps, p50, p90, p99, errors))
            print("measured %d calls" % calls, flush=True)
    finally:
        for g in gateways:
            g.stop()
        cluster.stop_for_good()

    lines = ["wrk -t2 -c%d -d%ds on the Django dashboard path, SimpleJWT token, access log on; "
             "PostgreSQL, gateway and wrk on the same %d cores" % (args.connections, args.duration, os.cpu_count()),
             "",
             "| calls in response | response bytes | requests/s | p50 | p90 | p99 | non-2xx |",
             "|---|---|---|---|---|---|---|"]
    for calls, size, rps, p50, p90, p99, errors in rows:
        lines.append("| %d | %d | %.0f | %.2f ms | %.2f ms | %.2f ms | %d |" % (calls, size, rps, p50, p90, p99, errors))
    report.emit(lines, args.markdown)


if __name__ == "__main__":
    main()

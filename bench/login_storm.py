#!/usr/bin/python3
"""Small authorized requests while clients log in: their latency alone and during a login storm.

    bench/login_storm.py [--seconds 20] [--logins 8] [--peer BINARY] [--quick] [--markdown FILE]

One throwaway cluster with the sample calls and callboard-gateway as installed
here (one event loop per core, password checks on their own pool).  One client
sends small authorized requests (GET /rpc/scheduled_outbound_calls_summary with
a token, read from the database each time: the change signal is off), one at a
time on one keep-alive connection, for --seconds: first alone, then while
--logins other processes each log in over and over with the right password
(Django's PBKDF2, 260,000 rounds, as the fixture's users have).  Prints p50,
p99 and max of the small requests in each phase, and the logins done.
--peer: the same with another build of the gateway (the one before the
checks moved off the loops), in the same run on the same data, and the
ratios.  --quick: 4 s a phase, to see that it runs.  Run as root.
"""
import argparse
import http.client
import multiprocessing
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "test", "gateway"))
import harness  # noqa: E402
from conftest import make_token  # noqa: E402

SUMMARY = "/rpc/scheduled_outbound_calls_summary"
LOGIN_BODY = b'{"email": "dispatcher@example.com", "password": "dispatch-2025!"}'


def timed_requests(port, seconds):
    """Latencies in ms of small authorized requests, one after another, for `seconds`."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": "Bearer " + make_token({"role": "dashboard_user"})}
    times = []
    end = time.time() + seconds
    while time.time() < end:
        start = time.perf_counter()
        conn.request("GET", SUMMARY, headers=headers)
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, response.status
    conn.close()
    return times


def log_in_until(args):
    """A login client: logins until `stop`; returns how many succeeded."""
    port, stop = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    done = 0
    while time.time() < stop:
        conn.request("POST", "/api/accounts/login/", body=LOGIN_BODY, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            done += 1
    conn.close()
    return done


def summary(times):
    ordered = sorted(times)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], "max": ordered[-1]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--logins", type=int, default=8)
    parser.add_argument("--peer", help="another callboard-gateway binary, measured the same way")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--markdown")
    args = parser.parse_args()
    seconds = 4 if args.quick else args.seconds

    builds = [("this tree", harness.GATEWAY)] + ([("peer", args.peer)] if args.peer else [])
    cluster = harness.Cluster()
    results = []
    try:
        harness.create_app_database(cluster, "storm")
        for name, binary in builds:
            harness.GATEWAY = binary
            gateway = harness.Gateway(cluster, "storm", log_level="error",
                                      callboard_login_attempts_per_minute=100000,
                                      callboard_login_concurrency=args.logins)
            try:
                timed_requests(gateway.port, 1)  # warm: the pool's connections, the token cache
                alone = summary(timed_requests(gateway.port, seconds))
                with multiprocessing.Pool(args.logins) as pool:
                    stop = time.time() + seconds + 1
                    logins = pool.map_async(log_in_until, [(gateway.port, stop)] * args.logins)
                    time.sleep(0.5)  # every client is checking a password
                    storm = summary(timed_requests(gateway.port, seconds))
                    done = sum(logins.get())
            finally:
                gateway.stop()
            results.append((name, alone, storm, done))
    finally:
        cluster.stop_for_good()

    lines = ["| gateway | small authorized requests | requests | p50 ms | p99 ms | max ms | logins done |",
             "|---|---|---|---|---|---|---|"]
    for name, alone, storm, done in results:
        lines.append("| %s | alone | %d | %.2f | %.2f | %.1f | - |"
                     % (name, alone["n"], alone["p50"], alone["p99"], alone["max"]))
        lines.append("| %s | %d clients logging in | %d | %.2f | %.2f | %.1f | %d |"
                     % (name, args.logins, storm["n"], storm["p50"], storm["p99"], storm["max"], done))
    lines.append("")
    for name, alone, storm, done in results:
        lines.append("%s: p99 during the logins %.2f ms, %.1fx its p99 alone" % (name, storm["p99"],
                                                                                 storm["p99"] / alone["p99"]))
    if len(results) == 2:
        lines.append("peer / this tree during the logins: p50 %.1fx, p99 %.1fx"
                     % (results[1][2]["p50"] / results[0][2]["p50"], results[1][2]["p99"] / results[0][2]["p99"]))
    lines.append("%d cores, %.0f s a phase, %d login clients" % (os.cpu_count(), seconds, args.logins))
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()

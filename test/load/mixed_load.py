#!/usr/bin/python3
"""Mixed load with faults: what a production gateway meets, for --minutes.

    test/load/mixed_load.py [--minutes 10] [--json FILE]

One throwaway cluster, Debian's pgbouncer in transaction mode in front of it,
callboard-gateway through pgbouncer (the change signal on, listened for
directly), and, on loopback, for the whole run at once:

  good clients    the Django path, /rpc GET and POST, the summary, pages and event
                  streams, each answer checked (status 200, JSON whose totals equal
                  its lists, or the expected page);
  bad clients     wrong and expired tokens, bad filters, malformed and oversized
                  requests, headers sent a byte at a time, clients that hang up
                  in the middle of a download.

Faults, spread over the run: PostgreSQL stopped for a few seconds and started
again (only 503 while it is down, then full recovery); the gateway's backends
terminated; pgbouncer restarted; and at the end SIGTERM while good requests are
under way (every one of them answered whole; the process gone within its
grace).  The gateway's RSS is sampled every second.

Fails (exit 1) on any good request answered wrongly outside a fault's window,
on a 503 that is not explained by a fault, on a hung worker (no answer at all
to /live), on RSS that keeps growing (the last quarter's peak more than 8 MB
over the second quarter's), or on a shutdown that drops a request.
Prints a summary and, with --json, writes it.  Run as root.
"""
import argparse
import json
import os
import random
import signal
import socket
import sys
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "gateway"))
import harness  # noqa: E402
from conftest import bearer, make_token, simplejwt_token  # noqa: E402

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"
RPC = "/rpc/scheduled_outbound_calls"


class Tally:
    """Counts by (client kind, outcome), and the failures worth showing."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}
        self.failures = []

    def add(self, kind, outcome, detail=None):
        with self.lock:
            self.counts[(kind, outcome)] = self.counts.get((kind, outcome), 0) + 1
            if detail is not None and len(self.failures) < 50:
                self.failures.append("%s %s: %s" % (kind, outcome, detail))


class Faults:
    """When a fault was on, so that the answers during it are judged as such."""

    def __init__(self):
        self.windows = []   # (name, start, end)
        self.lock = threading.Lock()

    def begin(self, name):
        with self.lock:
            self.windows.append([name, time.time(), None])

    def end(self, settle):
        with self.lock:
            self.windows[-1][2] = time.time() + settle

    def active(self, at):
        with self.lock:
            return any(start <= at and (end is None or at <= end) for _, start, end in self.windows)


def consistent(document):
    """A whole document: every total equals its list."""
    calls, summary = document["calls"], document["summary"]
    return all(summary["total_" + k] == len(calls[k]) for k in ("pending", "active", "completed", "failed"))


def good_client(g, tally, faults, stop, rng):
    session = requests.Session()
    token = bearer(simplejwt_token(1, lifetime=3600))
    while not stop.is_set():
        choice = rng.randrange(5)
        started = time.time()
        try:
            if choice == 0:
                r = session.get(g.url + LEGACY, headers=token, params={"status": rng.choice(["", "pending", "failed"])},
                                timeout=30)
            elif choice == 1:
                r = session.post(g.url + RPC, headers=token, json={"status": rng.choice([None, "active"])}, timeout=30)
            elif choice == 2:
                r = session.get(g.url + "/rpc/scheduled_outbound_calls_summary", headers=token, timeout=30)
            elif choice == 3:
                r = session.get(g.url + "/rpc/scheduled_outbound_calls_page", headers=token,
                                params={"category": rng.choice(["pending", "completed", "failed"]), "page_size": 20},
                                timeout=30)
            else:
                r = session.get(g.url + RPC, headers=dict(token, Accept="text/event-stream"), stream=True, timeout=30)
                line = next(l for l in r.iter_lines() if l.startswith(b"data: ")) if r.status_code == 200 else None
                r.close()
                if r.status_code == 200 and not consistent(json.loads(line[6:])):
                    tally.add("good", "inconsistent event", line[:80])
                    continue
            if r.status_code == 200:
                body = r.json() if choice != 4 else None
                if body is not None and choice in (0, 1) and not consistent(body):
                    tally.add("good", "inconsistent", r.text[:80])
                else:
                    tally.add("good", "200")
            elif r.status_code == 503 and (faults.active(started) or faults.active(time.time())):
                tally.add("good", "503 during a fault")
            else:
                tally.add("good", "unexpected %d" % r.status_code, r.text[:120])
        except (requests.RequestException, StopIteration, ValueError) as e:
            if faults.active(started) or faults.active(time.time()):
                tally.add("good", "error during a fault")
            else:
                tally.add("good", "error", repr(e)[:160])
            session = requests.Session()


def bad_client(g, tally, faults, stop, rng):
    expired = bearer(simplejwt_token(1, now=time.time() - 3600))
    forged = bearer(make_token({"role": "dashboard_user"}, secret="x" * 40))
    while not stop.is_set():
        kind = rng.randrange(7)
        try:
            if kind == 0:
                r = requests.get(g.url + LEGACY, headers=rng.choice([expired, forged, {"Authorization": "Bearer ."}]),
                                 timeout=10)
                tally.add("bad token", str(r.status_code), None if r.status_code == 401 else r.text[:80])
            elif kind == 1:
                started = time.time()
                r = requests.get(g.url + LEGACY, headers=bearer(simplejwt_token(1)), params={"status": "Pending\x00"},
                                 timeout=10)
                if r.status_code == 503 and faults.active(started):
                    tally.add("bad filter", "503 during a fault")   # the filter is checked in the database
                else:
                    tally.add("bad filter", str(r.status_code), None if r.status_code == 400 else r.text[:80])
            elif kind == 2:
                r = requests.get(g.url + LEGACY + "?status=" + "x" * 9000, timeout=10)
                tally.add("long uri", str(r.status_code), None if r.status_code == 414 else r.text[:80])
            elif kind == 3:
                r = requests.post(g.url + RPC, data="[" * 200000, timeout=10,
                                  headers={"Content-Type": "application/json"})
                tally.add("big body", str(r.status_code), None if r.status_code == 413 else r.text[:80])
            elif kind == 4:
                with socket.create_connection(("127.0.0.1", g.port), timeout=10) as s:
                    s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
                    reply = s.recv(64)
                tally.add("garbage", reply[:12].decode(errors="replace"))
            elif kind == 5:
                # A slow client: a few header bytes a second, then it gives up.
                with socket.create_connection(("127.0.0.1", g.port), timeout=10) as s:
                    for byte in b"GET /live HTTP/1.1\r\nHost":
                        s.send(bytes([byte]))
                        time.sleep(0.05)
                tally.add("slow client", "gave up")
            else:
                # Hangs up in the middle of a download.
                with socket.create_connection(("127.0.0.1", g.port), timeout=10) as s:
                    token = bearer(simplejwt_token(1))["Authorization"]
                    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n" % (RPC, token)).encode())
                    s.recv(1024)
                tally.add("hang-up", "done")
        except (requests.RequestException, OSError):
            tally.add("bad", "connection error")   # refusals may close early: not a fault


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(next(l.split()[1] for l in f if l.startswith("VmRSS")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--json")
    args = parser.parse_args()
    duration = args.minutes * 60
    rng = random.Random(7)

    cluster = harness.Cluster()
    bouncer = gateway = None
    tally, faults, stop = Tally(), Faults(), threading.Event()
    rss = []
    try:
        harness.create_app_database(cluster, "load", calls=args.calls)
        db = cluster.connect("load")
        db.cursor().execute("ALTER ROLE authenticator RESET log_statement")
        db.cursor().execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
        db.close()
        bouncer = harness.PgBouncer(cluster)
        direct = "postgres://authenticator:%s@127.0.0.1:%d/load" % (harness.AUTHENTICATOR_PASSWORD, cluster.port)
        gateway = harness.Gateway(bouncer, "load", db_pool=8, log_level="warn", callboard_listen_uri=direct,
                                  callboard_shutdown_grace=15, callboard_request_timeout=5)

        threads = [threading.Thread(target=good_client, args=(gateway, tally, faults, stop, random.Random(i)))
                   for i in range(8)]
        threads += [threading.Thread(target=bad_client, args=(gateway, tally, faults, stop, random.Random(100 + i)))
                    for i in range(4)]
        for t in threads:
            t.start()

        def webhooks():
            conn = cluster.connect("load")
            while not stop.is_set():
                try:
                    conn.cursor().execute("UPDATE twilio_calls SET duration = duration + 1 WHERE id = "
                                          "(SELECT id FROM twilio_calls ORDER BY random() LIMIT 1)")
                except Exception:
                    conn = None
                    while conn is None and not stop.is_set():
                        try:
                            conn = cluster.connect("load")
                        except Exception:
                            time.sleep(0.5)
                time.sleep(0.2)
        threading.Thread(target=webhooks, daemon=True).start()

        started = time.time()
        plan = [(0.25, "database stopped"), (0.45, "backends terminated"), (0.65, "pgbouncer restarted")]
        hung = 0
        while time.time() - started < duration:
            elapsed = (time.time() - started) / duration
            if plan and elapsed >= plan[0][0]:
                name = plan.pop(0)[1]
                faults.begin(name)
                if name == "database stopped":
                    cluster.ctl("stop")
                    time.sleep(5)
                    cluster.ctl("start")
                elif name == "backends terminated":
                    c = cluster.connect("load")
                    c.cursor().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                       " WHERE usename = 'authenticator' AND pid <> pg_backend_pid()")
                    c.close()
                else:
                    bouncer.restart()
                faults.end(settle=10)
            rss.append(rss_kb(gateway.process.pid))
            try:
                requests.get(gateway.url + "/live", timeout=5)
            except requests.RequestException:
                hung += 1
            time.sleep(1)

        # SIGTERM while good requests are under way: each must be answered whole.
        in_flight = {}

        def last_request(i):
            try:
                r = requests.get(gateway.url + RPC, headers=bearer(simplejwt_token(1)), timeout=30)
                in_flight[i] = r.status_code == 200 and consistent(r.json())
            except Exception as e:
                in_flight[i] = repr(e)
        finals = [threading.Thread(target=last_request, args=(i,)) for i in range(8)]
        for t in finals:
            t.start()
        time.sleep(0.05)
        stop.set()
        term = time.time()
        gateway.process.send_signal(signal.SIGTERM)
        for t in finals:
            t.join()
        exit_code = gateway.process.wait(timeout=40)
        exit_seconds = time.time() - term
        for t in threads:
            t.join(timeout=30)

        # Flat: after the warm-up (the first fifth: pools, buffers, the documents kept per
        # audience, up to callboard-cache-bytes), the last quarter's peak is no higher than
        # the second quarter's by more than a few megabytes.
        warm = rss[len(rss) // 5:]
        second, last = rss[len(rss) // 4:len(rss) // 2], rss[3 * len(rss) // 4:]
        summary = {
            "minutes": args.minutes,
            "counts": {"%s: %s" % k: v for k, v in sorted(tally.counts.items())},
            "failures": tally.failures,
            "faults": [w[0] for w in faults.windows],
            "rss_kb": {"first": rss[0], "after_warmup_min": min(warm), "after_warmup_max": max(warm),
                       "second_quarter_max": max(second), "last_quarter_max": max(last), "last": rss[-1]},
            "live_unanswered": hung,
            "sigterm": {"requests_in_flight": len(in_flight), "answered_whole": sum(1 for v in in_flight.values() if v is True),
                        "exit_code": exit_code, "exit_seconds": round(exit_seconds, 2)},
        }
        good_bad = sum(v for (kind, outcome), v in tally.counts.items()
                       if kind == "good" and outcome not in ("200", "503 during a fault", "error during a fault"))
        growth = max(last) - max(second)
        ok = (good_bad == 0 and hung == 0 and growth < 8 * 1024 and exit_code == 0
              and all(v is True for v in in_flight.values()) and exit_seconds < 15 + 10)
        summary["passed"] = ok
        print(json.dumps(summary, indent=2))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(summary, f, indent=2)
        sys.exit(0 if ok else 1)
    finally:
        stop.set()
        if gateway:
            gateway.stop()
        if bouncer:
            bouncer.stop()
        cluster.stop_for_good()


if __name__ == "__main__":
    main()

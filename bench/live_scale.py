#!/usr/bin/python3
"""Live dashboards at scale: commit to screen, and what PostgreSQL spends, while
webhooks commit and many audiences watch a large table.

    bench/live_scale.py [--calls 1000000 --calls 10000000] [--seconds 60] [--rate 50]
                        [--summaries 20] [--pages 20] [--no-peer] [--markdown FILE]

One throwaway cluster (shared_buffers 4GB), the calls loaded with COPY, the two
indexes docs/sql-api.md recommends, callboard-gateway with its defaults.  For each size,
two configurations take turns on the same data:

  0.3.0 signal   callboard 0.3.0's change signal (a notifying statement trigger on
                 each table, by hand): every commit refreshes every audience, and
                 a summary counts every call;
  kept counts    callboard_enable_change_signal(): counts kept as changes commit,
                 notifications that name the categories touched.

Audiences: --summaries event streams of scheduled_outbound_calls_summary and
--pages of scheduled_outbound_calls_page(category, 50), spread over the four
categories, each with a token of its own ({"role": "dashboard_user", "viewer": k}:
different claims, so one audience each), read by one client thread here.

Webhooks: one connection commits --rate status changes a second, each its own
transaction, always moving a call forward: the newest pending call to
in-progress, or the call made active about a second before to completed or failed
(taking turns).
So every commit changes the summary (its weighted total, pending 0, active 1,
completed and failed 2, grows by one) and the head of two categories' first pages.

Commit to screen: for each commit and each audience whose document it changes,
from just before the commit was sent to the end of the first event that shows it
(a summary whose weighted total reaches it; a page that no longer lists the call,
or lists it).  Measured over --seconds after a 5 s warm-up.

PostgreSQL CPU: the postmaster and every child it has (backends, parallel
workers, autovacuum; those that exited meanwhile through the postmaster's
cutime/cstime), over the same window, as a share of one core.  Beside it: the
gateway's CPU, refresh queries a second (/metrics), an ordinary request's
latency meanwhile (a summary GET of an audience nobody watches, every 50 ms),
and the summary function and BI summary view timed in psql (median, p99).

Writes live_scale.md into --out (default bench/results).  Run as root
(bench/run installs the extension first).  About 4 minutes at 1,000,000 calls,
20 at 10,000,000 (mostly loading).
"""
import argparse
import bisect
import json
import os
import selectors
import socket
import statistics
import threading
import time

import requests

import benchlib as b
import report
from bounded import INDEXES

CATEGORIES = ["pending", "active", "completed", "failed"]
WEIGHT = {"pending": 0, "active": 1, "completed": 2, "failed": 2}
SUMMARY = "/rpc/scheduled_outbound_calls_summary"
PAGE = "/rpc/scheduled_outbound_calls_page?category=%s&page_size=50"

# callboard 0.3.0's signal, by hand: one notifying statement trigger per table.
SIGNAL_0_3 = """
SELECT api.callboard_disable_change_signal();
CREATE TRIGGER callboard_change_signal AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON twilio_calls
FOR EACH STATEMENT EXECUTE FUNCTION api.callboard_notify_change();
CREATE TRIGGER callboard_change_signal AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hume_agents
FOR EACH STATEMENT EXECUTE FUNCTION api.callboard_notify_change();
"""


# ---------------------------------------------------------------- PostgreSQL's CPU

def postmaster_pid(cluster):
    with open(os.path.join(cluster.dir, "data", "postmaster.pid")) as f:
        return int(f.readline())


def server_cpu_seconds(pid):
    """The postmaster's CPU, its reaped children's, and its live children's."""
    s = b._stat(pid)
    total = sum(int(x) for x in s[11:15])  # utime stime cutime cstime
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            c = b._stat(int(entry))
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(c[1]) == pid:
            total += int(c[11]) + int(c[12])
    return total / b.TICKS


# ---------------------------------------------------------------- event streams

class Streams:
    """Event streams on one thread: each event's arrival time and what it shows."""

    def __init__(self, port, audiences):
        self.sel = selectors.DefaultSelector()
        self.audiences = audiences  # [(path, token, kind)]
        self.events = [[] for _ in audiences]  # per audience: (time, info)
        self.running = True
        self.failures = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        # One after another, each past its first event, as screens that come
        # in over a morning would: at 10,000,000 calls with the 0.3.0 signal,
        # forty first reads at once would wait past the request timeout.
        for i, (path, token, _) in enumerate(audiences):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(("GET %s HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n"
                       "Authorization: Bearer %s\r\n\r\n" % (path, token)).encode())
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, {"i": i, "raw": b"", "head": False, "body": b""})
            deadline = time.time() + 60
            while not self.events[i] and not self.failures and time.time() < deadline:
                time.sleep(0.01)

    def _run(self):
        while self.running:
            for key, _ in self.sel.select(0.2):
                now = time.time()
                try:
                    data = key.fileobj.recv(1 << 20)
                except BlockingIOError:
                    continue
                if not data:
                    self.failures.append("stream %d closed" % key.data["i"])
                    self.sel.unregister(key.fileobj)
                    continue
                self._feed(key.data, data, now)

    def _feed(self, st, data, now):
        st["raw"] += data
        if not st["head"]:
            end = st["raw"].find(b"\r\n\r\n")
            if end < 0:
                return
            if not st["raw"].startswith(b"HTTP/1.1 200"):
                self.failures.append(st["raw"][:80])
            st["raw"], st["head"] = st["raw"][end + 4:], True
        # Chunked transfer coding.
        while True:
            line = st["raw"].find(b"\r\n")
            if line < 0:
                break
            size = int(st["raw"][:line].split(b";")[0], 16)
            if len(st["raw"]) < line + 2 + size + 2:
                break
            st["body"] += st["raw"][line + 2:line + 2 + size]
            st["raw"] = st["raw"][line + 2 + size + 2:]
        while True:
            end = st["body"].find(b"\n\n")
            if end < 0:
                break
            event, st["body"] = st["body"][:end], st["body"][end + 2:]
            for field in event.split(b"\n"):
                if field.startswith(b"data: "):
                    self.events[st["i"]].append((now, self._info(st["i"], json.loads(field[6:]))))

    def _info(self, i, doc):
        if self.audiences[i][2] == "summary":
            s = doc["summary"]
            return sum(WEIGHT[c] * s["total_" + c] for c in CATEGORIES)
        return frozenset(c["call_id"] for c in doc["calls"])

    def wait_first(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if all(self.events) or self.failures:
                return not self.failures
            time.sleep(0.05)
        return False

    def close(self):
        self.running = False
        self.thread.join()
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()


# ---------------------------------------------------------------- webhooks

class Webhooks(b.PacedWriter):
    """One connection committing `rate` forward moves a second."""

    def __init__(self, cluster, dbname, rate):
        super().__init__(cluster, dbname, rate)
        cur = self.conn.cursor()
        cur.execute("SET search_path = public")
        cur.execute("SELECT id::text FROM twilio_calls WHERE direction = 'outbound'"
                    " AND api.callboard_call_category_rank(status) = 1 ORDER BY created_at DESC, id LIMIT 20000")
        self.pending = [r[0] for r in cur.fetchall()]
        self.active = []
        self.commits = []  # (time sent, call id, from, to)

    def write(self, cur, n):
        if not self.pending:
            return False
        if n % 2 == 0 or len(self.active) < 25:
            call, frm, to = self.pending.pop(0), "pending", "active"
            status = "in-progress"
            self.active.append(call)
        else:
            call, frm = self.active.pop(0), "active"
            to, status = ("completed", "completed") if n % 4 == 1 else ("failed", "no-answer")
        sent = time.time()
        cur.execute("UPDATE twilio_calls SET status = %s, duration = %s, updated_at = now() WHERE id = %s",
                    (status, n, call))
        self.commits.append((sent, call, frm, to))
        return True


# ---------------------------------------------------------------- latency

def summary_latencies(events, commits, base_weight, window):
    """Per commit in the window, the time until this summary audience showed it."""
    out, missed, shown = [], 0, 0
    for k, (sent, *_rest) in enumerate(commits, start=1):
        while shown < len(events) and (events[shown][1] - base_weight) < k:
            shown += 1
        if not window[0] <= sent <= window[1]:
            continue
        if shown < len(events):
            out.append(events[shown][0] - sent)
        else:
            missed += 1
    return out, missed


def page_latencies(events, commits, category, window):
    """Per commit that moved a call off or onto this page, the time until it showed."""
    times = [t for t, _ in events]
    out, missed = [], 0
    for sent, call, frm, to in commits:
        if not window[0] <= sent <= window[1] or category not in (frm, to):
            continue
        first_after = bisect.bisect_left(times, sent)
        if frm == category:
            if first_after == 0 or call not in events[first_after - 1][1]:
                continue  # it was not on this page: nothing to show
            gone = next((t for t, ids in events[first_after:] if call not in ids), None)
            if gone is None:
                missed += 1
            else:
                out.append(gone - sent)
        else:
            seen = next((t for t, ids in events[first_after:] if call in ids), None)
            if seen is not None:
                out.append(seen - sent)
    return out, missed


# ---------------------------------------------------------------- one run

def timed_sql(cluster, dbname, sql, runs=50):
    conn = cluster.connect(dbname)
    cur = conn.cursor()
    cur.execute("SET search_path = public")
    cur.execute(sql)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        cur.execute(sql)
        cur.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return statistics.median(times), b.percentile(times, 99)


def run(cluster, dbname, config, args):
    db = cluster.connect(dbname)
    cur = db.cursor()
    cur.execute("SET search_path = public, api")
    enable_ms = None
    if config == "0.3.0 signal":
        cur.execute(SIGNAL_0_3)
    else:
        # Writers of twilio_calls wait for this: it counts every outbound call.
        start = time.perf_counter()
        cur.execute("SELECT api.callboard_enable_change_signal()")
        enable_ms = (time.perf_counter() - start) * 1000
    cur.execute("VACUUM ANALYZE twilio_calls")
    fn = timed_sql(cluster, dbname, "SELECT api.scheduled_outbound_calls_summary()::text")
    view = timed_sql(cluster, dbname, "SELECT * FROM api.callboard_call_summary")

    gateway = b.admin_gateway(None, cluster, dbname)
    now = int(time.time())
    audiences = []
    for k in range(args.summaries):
        audiences.append((SUMMARY, b.make_token({"role": "dashboard_user", "viewer": k, "exp": now + 7200}),
                          "summary"))
    for k in range(args.pages):
        category = CATEGORIES[k % 4]
        audiences.append((PAGE % category, b.make_token({"role": "dashboard_user", "viewer": 1000 + k,
                                                         "exp": now + 7200}), category))
    streams = Streams(gateway.port, audiences)
    webhooks = Webhooks(cluster, dbname, args.rate)
    probe_token = b.make_token({"role": "dashboard_user", "viewer": "probe", "exp": now + 7200})
    probes = []
    probing = [True]

    def probe():
        while probing[0]:
            start = time.perf_counter()
            r = requests.get(gateway.url + SUMMARY, headers={"Authorization": "Bearer " + probe_token})
            if r.status_code == 200:
                probes.append((time.time(), (time.perf_counter() - start) * 1000))
            time.sleep(0.05)

    try:
        if not streams.wait_first():
            raise RuntimeError("the event streams did not start: %s" % streams.failures[:3])
        base_weight = [e[0][1] for e in streams.events[:args.summaries]]
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        webhooks.start()
        time.sleep(5)
        pm = postmaster_pid(cluster)
        t0, pg0, gw0 = time.time(), server_cpu_seconds(pm), b.cpu_seconds(gateway.process.pid)
        m0 = b.metrics(gateway)
        time.sleep(args.seconds)
        t1, pg1, gw1 = time.time(), server_cpu_seconds(pm), b.cpu_seconds(gateway.process.pid)
        m1 = b.metrics(gateway)
        time.sleep(3)  # the last commits' events
        webhooks.stop()
        probing[0] = False
        prober.join()
    finally:
        streams.close()
        gateway.stop()
        db.close()

    window = (t0, t1)
    lat, missed = [], 0
    for i, (_, _, kind) in enumerate(audiences):
        if kind == "summary":
            got, miss = summary_latencies(streams.events[i], webhooks.commits, base_weight[i], window)
        else:
            got, miss = page_latencies(streams.events[i], webhooks.commits, kind, window)
        lat += got
        missed += miss
    refreshes = m1.get("callboard_cohort_refreshes_total", 0) - m0.get("callboard_cohort_refreshes_total", 0)
    ordinary = [ms for t, ms in probes if t0 <= t <= t1]
    commits = sum(1 for c in webhooks.commits if t0 <= c[0] <= t1)
    return {
        "config": config, "commits": commits / (t1 - t0),
        "p50": 1000 * b.percentile(lat, 50), "p99": 1000 * b.percentile(lat, 99), "max": 1000 * max(lat or [0]),
        "samples": len(lat), "missed": missed,
        "pg_cpu": 100 * (pg1 - pg0) / (t1 - t0), "gw_cpu": 100 * (gw1 - gw0) / (t1 - t0),
        "refreshes": refreshes / (t1 - t0),
        "ordinary_p50": b.percentile(ordinary, 50), "ordinary_p99": b.percentile(ordinary, 99),
        "summary_fn": fn, "summary_view": view, "failures": streams.failures, "enable_ms": enable_ms,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, action="append")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--summaries", type=int, default=20)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--no-peer", action="store_true", help="kept counts only")
    parser.add_argument("--out", default=os.path.join(b.HERE, "results"))
    args = parser.parse_args()
    sizes = sorted(args.calls or [1000000])
    configs = ["kept counts"] if args.no_peer else ["0.3.0 signal", "kept counts"]

    results = []
    cluster = b.harness.Cluster()
    try:
        cluster.configure(shared_buffers="4GB", max_wal_size="8GB", maintenance_work_mem="1GB")
        dbname, loaded = "live_scale", 0
        b.harness.create_app_database(cluster, dbname, calls=0)
        conn = cluster.connect(dbname)
        conn.cursor().execute("ALTER ROLE authenticator RESET log_statement")
        for size in sizes:
            start = time.time()
            b.harness.load_calls(cluster, dbname, loaded, size)
            loaded = size
            if not results:
                for index in INDEXES:
                    conn.cursor().execute(index)
            conn.cursor().execute("VACUUM ANALYZE twilio_calls")
            print("%d calls loaded and indexed in %.0f s" % (size, time.time() - start), flush=True)
            for config in configs:
                r = run(cluster, dbname, config, args)
                r["calls"] = size
                results.append(r)
                print(r, flush=True)
        conn.close()
    finally:
        cluster.stop_for_good()

    lines = ["%d summary and %d page audiences watching (one event stream each), webhooks committing %d status "
             "changes a second, the two indexes of docs/sql-api.md, %d s measured; shared_buffers 4GB, 2 cores."
             % (args.summaries, args.pages, args.rate, args.seconds),
             "",
             "| calls | signal | commit to screen p50 | p99 | max | PostgreSQL CPU (one core) | gateway CPU "
             "| refresh queries/s | ordinary GET p50 / p99 | summary function p50 / p99 | BI summary view p50 / p99 |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append("| {:,} | {} | {:.0f} ms | {:.0f} ms | {:.0f} ms | {:.0f} % | {:.0f} % | {:.0f} | {:.1f} / {:.1f} ms "
                     "| {:.2f} / {:.2f} ms | {:.2f} / {:.2f} ms |".format(
                         r["calls"], r["config"], r["p50"], r["p99"], r["max"], r["pg_cpu"], r["gw_cpu"],
                         r["refreshes"], r["ordinary_p50"], r["ordinary_p99"], *r["summary_fn"], *r["summary_view"]))
    lines.append("")
    for r in results:
        lines.append("- {:,} calls, {}: {:.1f} commits/s, {} latency samples, {} changes never shown{}".format(
            r["calls"], r["config"], r["commits"], r["samples"], r["missed"],
            ("; stream failures: %s" % r["failures"][:3]) if r["failures"] else ""))
    for r in results:
        if r["enable_ms"] is not None:
            lines.append("- {:,} calls: callboard_enable_change_signal() took {:.0f} ms (it counts every outbound "
                         "call; writers of twilio_calls wait meanwhile)".format(r["calls"], r["enable_ms"]))
    for size in sizes:
        pair = [r for r in results if r["calls"] == size]
        if len(pair) == 2:
            old, new = pair
            lines.append("- {:,} calls: kept counts against the 0.3.0 signal: p99 {:.1f}x lower, PostgreSQL CPU "
                         "{:.1f}x lower".format(size, old["p99"] / new["p99"], old["pg_cpu"] / max(new["pg_cpu"], 0.1)))
    report.emit(lines, os.path.join(args.out, "live_scale.md"))


if __name__ == "__main__":
    main()

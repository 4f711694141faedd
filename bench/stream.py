#!/usr/bin/python3
"""One document request through the gateway against PostgreSQL's COPY floor, and
against the gateway before the event-driven rewrite, on the same data in one run.

    bench/stream.py [--quick] [--ten-million] [--out DIR]

One throwaway cluster; 1,000 / 10,000 / 100,000 / 1,000,000 outbound calls
(--quick: 1,000 and 10,000; --ten-million adds 10,000,000), loaded with COPY
in steps of the same deterministic sequence (as compare.py).  At each size:

  copy floor   COPY (same columns, join, filter, ORDER BY) TO '/dev/null', on one connection
  new          this tree's gateway, the Django path, curl -o /dev/null (its own timer)
  new stream   the same with callboard-cache-max-entry-bytes = 1024, so that documents
               under the default 4 MB, which are otherwise built whole (and kept per
               audience), stream like the large ones (only where they are under 4 MB)
  old          the gateway of e4c01c0, the last before the event-driven rewrite
               (cpp-httplib, one json value, the whole body in memory); built from a
               temporary git worktree into bench/out/

The three gateways run side by side, fresh processes at each size, with
db-pool = 1 (one backend each), and take turns with the floor, run after run,
so that drift on this shared machine falls on all of them.  Without the
change signal, so that every request runs its query.  Per gateway: median and
min time, peak RSS (VmHWM of the fresh process), minor page faults per
request of the gateway and of its backend (/proc/PID/stat), the backend's
peak over its resident size before.  Then, for each gateway in turn, a fresh
process with db-pool = 16 and 16 concurrent downloads of the document: its
peak RSS (the old gateway only up to 100,000 calls: at 1,000,000 it would
hold 16 x 0.35 GB twice).

Writes stream.md and stream.csv into --out (default bench/results).  Run as
root, with the extension installed (bench/run does both, under the install
lock).  About 4 minutes (2 of them loading 1,000,000 calls); --quick under a
minute (plus about 40 s to build the old gateway, once); --ten-million adds
about 16 (10 of them loading, 4 for the 16 downloads of 3.5 GB).
"""
import argparse
import csv
import os
import subprocess
import tempfile
import time

import requests

import benchlib as b
import report

DB = "stream"
MB = 1e6
CACHE_MAX_ENTRY = 4 * 1024 * 1024


def runs_for(size):
    return 7 if size <= 10000 else 5 if size <= 100000 else 3 if size <= 1000000 else 1


class Served:
    """One gateway at one size: its process, its backend, what it measured."""

    def __init__(self, name, binary, cluster, cur, token, **settings):
        self.name = name
        self.cur = cur
        self.token = token
        self.gateway = b.start_gateway(binary, cluster, DB, db_pool=1, log_level="crit",
                                       callboard_statement_timeout="0", **settings)
        self.pid = self.gateway.process.pid
        self.times, self.faults, self.backend_faults, self.statuses = [], 0, 0, []
        self.error = None
        self.bytes = 0
        # The pool's one connection opens on a small request to the same function family.
        requests.get(self.gateway.url + "/rpc/scheduled_outbound_calls_summary",
                     headers={"Authorization": "Bearer " + token}, timeout=600)
        self.backend = b.backend_pid(cur, DB)

    def request(self):
        g0, k0 = b.minflt(self.pid), b.minflt(self.backend)
        status, size, ms = b.curl(self.gateway.url + b.LEGACY, self.token, ["--max-time", "3600"])
        self.faults += b.minflt(self.pid) - g0
        self.backend_faults += b.minflt(self.backend) - k0
        self.statuses.append(status)
        if status == 200:
            self.times.append(ms)
            self.bytes = size
        elif self.error is None:
            self.error = "%d after %.1f s: %s" % (status, ms / 1000, self.error_body())

    def error_body(self):
        r = requests.get(self.gateway.url + b.LEGACY, headers={"Authorization": "Bearer " + self.token},
                         timeout=3600)
        return r.text[:300]

    def finish(self):
        self.hwm = b.kb(self.pid, "VmHWM") * 1024
        self.backend_rise = (b.kb(self.backend, "VmHWM") - self.backend_base) * 1024
        self.gateway.stop()


def burst(url, token, clients):
    """`clients` downloads of url at once: (seconds, complete, bytes received)."""
    start = time.time()
    procs = [subprocess.Popen(["curl", "-s", "-o", "/dev/null", "--max-time", "3600", "-w",
                               "%{http_code} %{size_download}", "-H", "Authorization: Bearer " + token, url],
                              stdout=subprocess.PIPE, text=True) for _ in range(clients)]
    outs = [p.communicate()[0].split() for p in procs]
    return (time.time() - start, sum(1 for o in outs if o and o[0] == "200"),
            sum(int(o[1]) for o in outs if len(o) > 1))


def concurrent(binary, cluster, token, clients, **settings):
    """Peak RSS of a fresh gateway while `clients` download the document at once.
    The first burst finds no document kept for the audience (cold); if some of it
    failed, a second burst follows, once the gateway knows the document's size."""
    g = b.start_gateway(binary, cluster, DB, db_pool=clients, log_level="crit",
                        callboard_statement_timeout="0", **settings)
    try:
        seconds, ok, total = burst(g.url + b.LEGACY, token, clients)
        result = {"cold_ok": ok}
        if ok < clients:
            seconds, ok, total = burst(g.url + b.LEGACY, token, clients)
        result.update({"hwm": b.kb(g.process.pid, "VmHWM") * 1024, "seconds": seconds, "ok": ok, "bytes": total})
        return result
    finally:
        g.stop()


class Floor:
    """COPY to /dev/null on one connection, timed here; its backend's page faults counted."""

    def __init__(self, cluster):
        self.conn = cluster.connect(DB)
        self.cur = self.conn.cursor()
        self.cur.execute("SET search_path = api, public")
        self.cur.execute("SELECT pg_backend_pid()")
        self.pid = self.cur.fetchone()[0]
        self.times, self.faults = [], 0

    def run(self):
        f0 = b.minflt(self.pid)
        start = time.perf_counter()
        self.cur.execute(b.FLOOR)
        self.times.append((time.perf_counter() - start) * 1000)
        self.faults += b.minflt(self.pid) - f0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 calls only")
    parser.add_argument("--ten-million", action="store_true", help="also 10,000,000 calls")
    parser.add_argument("--clients", type=int, default=16, help="concurrent downloads (default 16)")
    parser.add_argument("--out", default=os.path.join(b.HERE, "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    sizes = [1000, 10000] if args.quick else [1000, 10000, 100000, 1000000]
    if args.ten_million:
        sizes.append(10000000)
    old_binary = b.old_gateway()
    began = time.time()
    cluster = b.harness.Cluster()
    rows, loads = [], []
    try:
        cluster.configure(shared_buffers="4GB" if args.ten_million else "1GB", max_wal_size="4GB")
        b.harness.create_app_database(cluster, DB, calls=0)
        conn = cluster.connect(DB)
        cur = conn.cursor()
        cur.execute("ALTER ROLE authenticator RESET log_statement")
        token = b.simplejwt_token(1, lifetime=6 * 3600)
        loaded = 0
        for size in sizes:
            loaded, outbound, seconds = b.load_outbound(cluster, cur, DB, loaded, size)
            loads.append((outbound, seconds))
            print("%d outbound calls loaded in %.0f s" % (outbound, seconds), flush=True)
            floor = Floor(cluster)
            floor.run()                                 # the table into shared_buffers
            floor.times, floor.faults = [], 0
            runs = runs_for(size)

            served = [Served("new", None, cluster, cur, token)]
            served[0].request()
            small = served[0].bytes <= CACHE_MAX_ENTRY
            if small:
                served.append(Served("new stream", None, cluster, cur, token,
                                     callboard_cache_max_entry_bytes=1024))
            served.append(Served("old", old_binary, cluster, cur, token))
            for s in served[1:]:
                s.request()                     # each warmed up alike
            for s in served:
                s.times, s.faults, s.backend_faults, s.statuses = [], 0, 0, []
                b.reset_peak(s.backend)         # from here, the peak over what the warm-up left resident
                s.backend_base = b.kb(s.backend, "VmRSS")
            for _ in range(runs):
                floor.run()
                for s in served:
                    if s.error and s.statuses:
                        continue                # it fails (the old gateway at 10,000,000): once tells it
                    s.request()
            for s in served:
                s.finish()
            doc_bytes = served[0].bytes
            floor.conn.close()
            rows.append({"calls": size, "system": "copy floor", "runs": len(floor.times),
                         "median_ms": b.median(floor.times), "min_ms": min(floor.times), "bytes": doc_bytes,
                         "backend_faults": floor.faults / len(floor.times)})
            for s in served:
                n = len(s.statuses) or 1
                rows.append({"calls": size, "system": s.name, "runs": len(s.times),
                             "median_ms": b.median(s.times), "min_ms": min(s.times) if s.times else float("nan"),
                             "bytes": s.bytes or doc_bytes, "error": s.error or "",
                             "path": ("streamed" if s.name == "new stream" or not small else "whole, kept per audience")
                             if s.name.startswith("new") else "whole (json value)",
                             "hwm": s.hwm, "faults": s.faults / n, "backend_faults": s.backend_faults / n,
                             "backend_rise": s.backend_rise})
            print("measured single requests at %d" % size, flush=True)

            systems = [("new", None, {})]
            if small:
                systems.append(("new stream", None, {"callboard_cache_max_entry_bytes": 1024}))
            if size <= 100000:
                systems.append(("old", old_binary, {}))
            for name, binary, settings in systems:
                c = concurrent(binary, cluster, token, args.clients, **settings)
                row = next(r for r in rows if r["calls"] == size and r["system"] == name)
                row.update({"conc_hwm": c["hwm"], "conc_seconds": c["seconds"], "conc_ok": c["ok"],
                            "conc_bytes": c["bytes"], "conc_cold_ok": c["cold_ok"]})
            print("measured %d concurrent downloads at %d" % (args.clients, size), flush=True)
        conn.close()
    finally:
        cluster.stop_for_good()
    write_reports(args, sizes, rows, loads, time.time() - began)


def fmt_ms(ms):
    if ms != ms:
        return "-"
    return "%.0f ms" % ms if ms >= 100 else "%.1f ms" % ms if ms >= 1 else "%.2f ms" % ms


def write_reports(args, sizes, rows, loads, elapsed):
    fields = ["calls", "system", "path", "runs", "median_ms", "min_ms", "bytes", "error", "hwm", "faults",
              "backend_faults", "backend_rise", "conc_hwm", "conc_seconds", "conc_ok", "conc_bytes", "conc_cold_ok"]
    with open(os.path.join(args.out, "stream.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)

    at = {(r["calls"], r["system"]): r for r in rows}
    lines = ["One request for the whole document (Django path, every category), median of several "
             "(min in brackets); the copy floor on one psycopg2 connection, the gateways by curl -o /dev/null. "
             "Same data, one run, the systems taking turns; gateways with db-pool = 1, no change signal "
             "(every request runs its query). new: this tree's gateway; old: e4c01c0, before the "
             "event-driven rewrite.", "",
             "| calls | document | new: path | copy floor | new | new / floor | new stream | old | new / old |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n in sizes:
        fl, new, ns, old = at[(n, "copy floor")], at[(n, "new")], at.get((n, "new stream")), at[(n, "old")]
        old_cell = ("%s (%s)" % (fmt_ms(old["median_ms"]), fmt_ms(old["min_ms"])) if old["runs"]
                    else "fails: " + old["error"].split(":")[0] + " " + (
                        "54000" if "54000" in old["error"] else old["error"][:60]))
        lines.append("| %d | %.1f MB | %s | %s (%s) | %s (%s) | **%.2fx** | %s | %s | %s |" % (
            n, new["bytes"] / MB, new["path"], fmt_ms(fl["median_ms"]), fmt_ms(fl["min_ms"]),
            fmt_ms(new["median_ms"]), fmt_ms(new["min_ms"]), new["median_ms"] / fl["median_ms"],
            "%s (%.2fx)" % (fmt_ms(ns["median_ms"]), ns["median_ms"] / fl["median_ms"]) if ns else "(same)",
            old_cell, "%.2fx" % (new["median_ms"] / old["median_ms"]) if old["runs"] else "-"))

    lines += ["", "Peak RSS of the gateway (VmHWM of a fresh process at each size): after the single requests "
              "above, and with %d concurrent downloads of the document (db-pool = %d):" % (args.clients, args.clients),
              "", "| calls | new | new, %d downloads | new stream | new stream, %d downloads | old | old, %d downloads |"
              % ((args.clients,) * 3), "|---|---|---|---|---|---|---|"]

    def mem(r, key):
        if r is None or key not in r:
            return "-"
        extra = ""
        if key == "conc_hwm" and r.get("conc_ok") != args.clients:
            extra = " (%d of %d complete)" % (r.get("conc_ok", 0), args.clients)
        return "%.1f MB%s" % (r[key] / MB, extra)

    for n in sizes:
        new, ns, old = at[(n, "new")], at.get((n, "new stream")), at[(n, "old")]
        lines.append("| %d | %s | %s | %s | %s | %s | %s |" % (n, mem(new, "hwm"), mem(new, "conc_hwm"),
                                                            mem(ns, "hwm"), mem(ns, "conc_hwm"), mem(old, "hwm"),
                                                            mem(old, "conc_hwm")))
    lines += ["", "Minor page faults per request (first touches of fresh memory, about 11 us per 4 kB page on "
              "this machine), of the gateway and of the PostgreSQL backend serving it; and that backend's "
              "peak memory over its size before (VmHWM - VmRSS):", "",
              "| calls | copy floor: backend | new: gateway | new: backend | new stream: gateway | new stream: backend "
              "| old: gateway | old: backend | backend peak rise new / old |", "|---|---|---|---|---|---|---|---|---|"]
    for n in sizes:
        new, ns, old = at[(n, "new")], at.get((n, "new stream")), at[(n, "old")]
        lines.append("| %d | %.0f | %.0f | %.0f | %s | %s | %.0f | %.0f | %.1f / %.1f MB |" % (
            n, at[(n, "copy floor")]["backend_faults"], new["faults"], new["backend_faults"], "%.0f" % ns["faults"] if ns else "-",
            "%.0f" % ns["backend_faults"] if ns else "-", old["faults"], old["backend_faults"],
            new["backend_rise"] / MB, old["backend_rise"] / MB))
    lines += ["", "Path: documents up to callboard-cache-max-entry-bytes (default 4 MB) are built whole and kept "
              "per audience; larger ones stream from libpq (single-row mode over "
              "scheduled_outbound_calls_chunks()) to the socket in chunks. \"new stream\" forces the streamed path "
              "for the small ones (callboard-cache-max-entry-bytes = 1024)."]
    for n in sizes:
        for name in ("new", "new stream", "old"):
            r = at.get((n, name))
            if r and "conc_cold_ok" in r and r["conc_cold_ok"] < args.clients:
                lines.append("- %d calls, %s: of %d downloads at once on a fresh gateway, %d failed (the figures "
                             "above are from a second burst)" % (n, name, args.clients, args.clients - r["conc_cold_ok"]))
    for n in sizes:
        r = at[(n, "new")]
        if r.get("conc_seconds"):
            lines.append("- %d calls: %d downloads of %.1f MB at once took %.1f s (%d complete, %.0f MB received)"
                         % (n, args.clients, r["bytes"] / MB, r["conc_seconds"], r["conc_ok"], r["conc_bytes"] / MB))
    lines += ["", "Loaded: " + ", ".join("%d outbound calls in %.0f s" % l for l in loads) +
              "; whole run %.0f s; %d cores." % (elapsed, os.cpu_count())]
    report.emit(lines, os.path.join(args.out, "stream.md"))


if __name__ == "__main__":
    main()

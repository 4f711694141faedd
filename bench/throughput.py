#!/usr/bin/python3
"""The gateway under load: requests/s for small and 1,000-call documents, small
requests' latency while 16 clients download 10,000-call documents, and 10,000
idle keep-alive connections.

    bench/throughput.py [--quick] [--out DIR]

One throwaway cluster with three databases whose documents hold exactly 100,
1,000 and 10,000 outbound calls (the last with the pages index of docs/sql-api.md); the
Django dashboard path and a SimpleJWT access token, as the dashboard sends;
log-level error (the gateway's default: no access-log line per 200).  The
database, the gateway and wrk share this machine's cores.

  wrk            the 100-call and the 1,000-call document under wrk -t2 -c64 and
                 -t2 -c16, -d8s: without the change signal, with 1,000 tokens of
                 different audiences rotated request by request (so nearly every
                 request runs its own query), then with one token (concurrent
                 requests of one audience share the query under way); and with
                 the change signal (an unchanged document is answered from the
                 audience's memory).
  small vs large a 100-call page (/rpc/scheduled_outbound_calls_page, page_size
                 100) under wrk -t1 -c4, alone and while a second wrk -t1 -c16
                 downloads the 10,000-call document (3.5 MB) continuously:
                 requests/s, p50 and p99 of the small ones; db-pool = 24, so
                 that the pool is not what is measured.  Without the change
                 signal (every large download runs its query), then with it.
  idle           10,000 connections (bench/sse_clients.cpp --idle, one event loop)
                 each make one request for the 100-call document and stay open,
                 idle; callboard-keep-alive-timeout 300 s so that they may.  The
                 gateway's RSS, peak, open connections by its metrics, how many
                 were closed, and a request's time meanwhile.

Writes throughput.md and throughput.csv into --out (default bench/results).
Run as root (bench/run installs the extension first, under the install lock).
About 3 minutes (--quick 1 1/2).
"""
import argparse
import csv
import os
import subprocess
import time

import benchlib as b
import report
from live import Clients, build_client

MB = 1e6
PAGE = "/rpc/scheduled_outbound_calls_page?category=completed&page_size=100"
AUDIENCES = 1000


def audience_tokens(k):
    now = int(time.time())
    return [b.make_token({"role": "dashboard_user", "viewer": i, "iat": now, "exp": now + 4 * 3600})
            for i in range(k)]


def wrk_grid(cluster, dbname, calls, token, seconds, grid, signal, audiences=None):
    """wrk on the document; with `audiences`, requests rotate over that many tokens of
    different audiences (claims), so that concurrent requests do not share a query."""
    g = b.admin_gateway(None, cluster, dbname, db_pool=8, log_level="error")
    tokens = audience_tokens(audiences) if audiences else None
    rows = []
    try:
        url = g.url + b.LEGACY
        headers = ["Authorization: Bearer " + token]
        if signal:
            cur = cluster.connect(dbname).cursor()
            if not b.wait_from_memory(url, token, cur, dbname):
                raise RuntimeError("the change signal is on but the gateway does not answer from memory")
        b.wrk(url, threads=2, connections=16, seconds=2, headers=headers)      # warm-up
        for threads, connections in grid:
            m0 = b.metrics(g)
            w = b.wrk(url, threads=threads, connections=connections, seconds=seconds,
                      headers=[] if tokens else headers, tokens=tokens)
            m1 = b.metrics(g)
            w.update({"calls": calls, "signal": signal, "threads": threads, "connections": connections,
                      "audiences": audiences or 1,
                      "builds": m1.get("callboard_cohort_builds_total", 0) - m0.get("callboard_cohort_builds_total", 0),
                      "hits": m1.get("callboard_cohort_cache_hits_total", 0)
                      - m0.get("callboard_cohort_cache_hits_total", 0)})
            rows.append(w)
            print("%d calls, signal %s, %d audiences, -t%d -c%d: %.0f req/s"
                  % (calls, "on" if signal else "off", audiences or 1, threads, connections, w["rps"]), flush=True)
        rows_hwm = b.kb(g.process.pid, "VmHWM") * 1024
        for r in rows:
            r["hwm"] = rows_hwm
    finally:
        g.stop()
    return rows


def small_vs_large(cluster, dbname, token, seconds, signal):
    g = b.admin_gateway(None, cluster, dbname, db_pool=24, log_level="error")
    headers = ["Authorization: Bearer " + token]
    out = {"signal": signal}
    try:
        if signal:
            cur = cluster.connect(dbname).cursor()
            b.wait_from_memory(g.url + b.LEGACY, token, cur, dbname)
        b.wrk(g.url + PAGE, threads=1, connections=4, seconds=2, headers=headers)   # warm-up
        out["alone"] = b.wrk(g.url + PAGE, threads=1, connections=4, seconds=seconds, headers=headers)
        big = subprocess.Popen(b.wrk_args(1, 16, seconds + 4, headers) + [g.url + b.LEGACY],
                               stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        out["loaded"] = b.wrk(g.url + PAGE, threads=1, connections=4, seconds=seconds, headers=headers)
        out["large"] = b.parse_wrk(big.communicate()[0])
        out["hwm"] = b.kb(g.process.pid, "VmHWM") * 1024
    finally:
        g.stop()
    print("small alone p99 %.1f ms, with 16 large downloads p99 %.1f ms (signal %s)"
          % (out["alone"]["p99"], out["loaded"]["p99"], "on" if signal else "off"), flush=True)
    return out


def idle(cluster, dbname, token, n):
    g = b.admin_gateway(None, cluster, dbname, db_pool=8, log_level="error", callboard_keep_alive_timeout=300,
                        callboard_max_connections=n + 1000)
    pid = g.process.pid
    out = {"n": n, "rss_rest": b.kb(pid, "VmRSS") * 1024}
    clients = Clients(g, b.LEGACY, n, [token], idle=True, rate=2000)
    try:
        start = time.time()
        s = clients.wait("ready", n, timeout=60 + n / 200)
        out["seconds"] = time.time() - start
        time.sleep(5)
        m = b.metrics(g)
        s = clients.stats()
        status, _, ms = b.curl(g.url + b.LEGACY, token)
        out.update({"ready": s["ready"], "closed": s["closed"], "failed": s["failed"],
                    "open": m.get("callboard_http_connections_open", float("nan")),
                    "rss": b.kb(pid, "VmRSS") * 1024, "hwm": b.kb(pid, "VmHWM") * 1024,
                    "request_ms": ms, "request_status": status})
    finally:
        clients.close()
        g.stop()
    print("%d idle connections: RSS %.1f MB (peak %.1f MB), %d open by the metrics"
          % (n, out["rss"] / MB, out["hwm"] / MB, out["open"]), flush=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--idle", type=int, default=10000, help="idle connections (default 10,000)")
    parser.add_argument("--out", default=os.path.join(b.HERE, "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    seconds = 4 if args.quick else 8
    grid = [(2, 64)] if args.quick else [(2, 64), (2, 16)]

    build_client()
    began = time.time()
    cluster = b.harness.Cluster()
    rows, mixed, idle_result = [], [], None
    token = b.simplejwt_token(1, lifetime=4 * 3600)
    try:
        for calls in (100, 1000, 10000):
            b.create_exact(cluster, "tp%d" % calls, calls)
        cluster.psql("tp10000", "-c", "CREATE INDEX twilio_calls_callboard_pages ON twilio_calls "
                     "(api.callboard_call_category_rank(status), created_at DESC, id) WHERE direction = 'outbound'",
                     "-c", "ANALYZE twilio_calls")
        for calls in (100, 1000):
            rows += wrk_grid(cluster, "tp%d" % calls, calls, token, seconds, grid, False, audiences=AUDIENCES)
        for signal in (False, True):
            for calls in (100, 1000):
                if signal:
                    b.signal_on(cluster, "tp%d" % calls)
                rows += wrk_grid(cluster, "tp%d" % calls, calls, token, seconds, grid, signal)
        mixed.append(small_vs_large(cluster, "tp10000", token, seconds, False))
        b.signal_on(cluster, "tp10000")
        mixed.append(small_vs_large(cluster, "tp10000", token, seconds, True))
        idle_result = idle(cluster, "tp100", token, args.idle)
    finally:
        cluster.stop_for_good()
    write_reports(args, rows, mixed, idle_result, seconds, time.time() - began)


def write_reports(args, rows, mixed, idle_result, seconds, elapsed):
    with open(os.path.join(args.out, "throughput.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["test", "calls", "change_signal", "wrk", "requests_per_s", "p50_ms", "p90_ms", "p99_ms",
                    "non_2xx", "socket_errors", "builds", "cache_hits", "gateway_peak_rss_bytes"])
        for r in rows:
            w.writerow(["document, %d audiences" % r["audiences"], r["calls"], int(r["signal"]), "-t%d -c%d -d%ds" % (r["threads"],
                        r["connections"], seconds), r["rps"], r["p50"], r["p90"], r["p99"], r["non2xx"],
                        r["socket_errors"], r["builds"], r["hits"], r["hwm"]])
        for m in mixed:
            for key, label in (("alone", "small alone"), ("loaded", "small with large"), ("large", "large")):
                r = m[key]
                w.writerow([label, 100 if key != "large" else 10000, int(m["signal"]),
                            "-t1 -c%d" % (16 if key == "large" else 4), r["rps"], r["p50"], r["p90"], r["p99"],
                            r["non2xx"], r["socket_errors"], "", "", m["hwm"]])
        if idle_result:
            w.writerow(["idle connections", 100, 0, "%d connections" % idle_result["n"], "", "", "", "", "", "",
                        "", "", idle_result["hwm"]])

    lines = ["wrk on the Django path, log-level error; PostgreSQL, the gateway and wrk on the same %d cores. "
             "Without the change signal a request runs the document's query, or shares the one under way for its "
             "audience (one SimpleJWT token: one audience, so concurrent requests share); with %d tokens of "
             "different audiences ({\"role\": \"dashboard_user\", \"viewer\": i}) rotated request by request "
             "(a wrk script) nearly every request runs its own query. With the change signal an unchanged "
             "document is answered from the audience's memory. Builds / cache hits by the gateway's metrics "
             "during the run." % (os.cpu_count(), AUDIENCES), "",
             "| document | change signal | tokens | wrk | requests/s | p50 | p99 | builds / cache hits | non-2xx |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| %d calls | %s | %s | -t%d -c%d -d%ds | **%.0f** | %.2f ms | %.2f ms | %d / %d | %d |" % (
            r["calls"], "on" if r["signal"] else "off",
            "one" if r["audiences"] == 1 else "%d audiences, rotated" % r["audiences"], r["threads"],
            r["connections"], seconds, r["rps"], r["p50"], r["p99"], r["builds"], r["hits"],
            r["non2xx"] + r["socket_errors"]))
    lines += ["", "Small requests while 16 clients download the 10,000-call document (3.5 MB) continuously: "
              "the small one is a 100-call page (/rpc/scheduled_outbound_calls_page, page_size 100, the pages "
              "index of docs/sql-api.md) under wrk -t1 -c4 -d%ds; the large ones a second wrk -t1 -c16; db-pool 24." % seconds,
              "", "| change signal | small alone: req/s, p50, p99 | small with 16 large downloads: req/s, p50, p99 "
              "| large downloads: req/s (MB/s), p99 | gateway peak RSS |", "|---|---|---|---|---|"]
    for m in mixed:
        a, l, big = m["alone"], m["loaded"], m["large"]
        lines.append("| %s | %.0f, %.2f ms, %.2f ms | %.0f, %.2f ms, **%.2f ms** | %.0f (%.0f MB/s), %.0f ms | "
                     "%.1f MB |" % ("on (large from memory)" if m["signal"] else "off (each large one a query)",
                                    a["rps"], a["p50"], a["p99"], l["rps"], l["p50"], l["p99"], big["rps"],
                                    big["rps"] * 3.46, big["p99"], m["hwm"] / MB))
    if idle_result:
        i = idle_result
        lines += ["", "Idle keep-alive connections: %d clients (one C++ event loop) each made one request for the "
                  "100-call document and stayed open (callboard-keep-alive-timeout 300 s):" % i["n"], "",
                  "| connections | all answered in | open by the gateway's metrics | closed by the gateway | "
                  "gateway RSS before | RSS with all open | peak RSS | a request meanwhile |",
                  "|---|---|---|---|---|---|---|---|",
                  "| %d | %.1f s | %d | %d | %.1f MB | **%.1f MB** | %.1f MB | %d in %.1f ms |" % (
                      i["ready"], i["seconds"], i["open"], i["closed"], i["rss_rest"] / MB, i["rss"] / MB,
                      i["hwm"] / MB, i["request_status"], i["request_ms"])]
    lines += ["", "Whole run %.0f s." % elapsed]
    report.emit(lines, os.path.join(args.out, "throughput.md"))


if __name__ == "__main__":
    main()

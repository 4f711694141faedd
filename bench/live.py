#!/usr/bin/python3
"""Live dashboards: commit to every subscriber's screen, queries per change, the
gateway's memory and CPU with thousands of event streams; and cached and
conditional GETs side by side with nginx serving the same bytes from a file.

    bench/live.py [--quick] [--commits N] [--cohorts K] [--out DIR]

One throwaway cluster, the change signal on (api.callboard_enable_change_signal()),
log_statement = all for the gateway's role (as harness.create_app_database sets it).

Subscribers: bench/sse_clients.cpp (built here with g++ into bench/out/), one
event loop holding N connections with Accept: text/event-stream on the Django
path, tokens of K audiences ({"role": "dashboard_user", "viewer": k}: claims
that differ, so K cohorts; K = 5).  For each case (calls in the document x
subscribers; default 100 x 1,000, 100 x 10,000, 1,000 x 1,000, 1,000 x 10,000;
--quick the first and third) a fresh gateway; once every subscriber has its
first event, N commits (default 8, 1 s apart), each an UPDATE of one call's
duration in its own transaction on another connection.  For each commit and
subscriber: the time from just before COMMIT was sent (the driver's
CLOCK_REALTIME) to the end of the new event at the subscriber (the client's
CLOCK_REALTIME when it parsed the event's final blank line; both clocks are
this machine's).  Queries per change: the lines "execute ...
scheduled_outbound_calls" in the server log between commits (and the
gateway's callboard_cohort_refreshes_total).  The gateway's RSS with every
subscriber connected, its peak, and its CPU (utime + stime from /proc/PID/stat).

Side by side with nginx (Debian's nginx-light, worker_processes auto, etag on,
access logs off on both sides, started on a free loopback port with a
temporary configuration): an unchanged 1,000-call document, which the
gateway answers from memory (checked with its cache-hit counter), against
nginx serving the same bytes from a file; and a 304 (If-None-Match) from the
gateway against nginx's 304 for a tiny file.  Same wrk settings (-t2 -c32
-d8s), taking turns, 3 rounds, medians.  The CPU each server used per request
is counted too.

Writes live.md and live.csv into --out (default bench/results).  Run as root
(bench/run installs the extension first, under the install lock).  About 3
minutes (--quick 1).
"""
import argparse
import csv
import os
import resource
import select
import subprocess
import tempfile
import time

import requests

import benchlib as b
import report

MB = 1e6
CLIENT = os.path.join(b.HERE, "out", "sse_clients")


def build_client():
    src = os.path.join(b.HERE, "sse_clients.cpp")
    if not os.path.exists(CLIENT) or os.path.getmtime(CLIENT) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(CLIENT), exist_ok=True)
        subprocess.run(["g++", "-std=c++20", "-O2", "-pthread", "-o", CLIENT, src, "-lz"], check=True)
    return CLIENT


class Clients:
    """sse_clients as a child: commands on stdin, answers up to a line END."""

    def __init__(self, gateway, path, n, tokens, idle=False, rate=2000, gzip=False, inflate_every=1, slow=0,
                 sources=0):
        fd, self.tokens = tempfile.mkstemp(suffix=".tokens")
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(tokens) + "\n")
        args = [build_client(), "127.0.0.1", str(gateway.port), path, str(n), self.tokens, "--rate", str(rate)]
        if idle:
            args.append("--idle")
        if gzip:
            args += ["--gzip", "--inflate-every", str(inflate_every)]
        if slow:
            args += ["--slow", str(slow)]
        if sources:
            args += ["--sources", str(sources)]
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        lines = []
        while True:
            line = self.process.stdout.readline()
            if not line or line.strip() == "END":
                return lines
            lines.append(line.rstrip("\n"))

    def stats(self):
        return {k: int(v) for k, v in (kv.split("=") for kv in self.ask("stats")[0].split())}

    def events(self):
        out = []
        for line in self.ask("dump"):
            kind, conn, ns, *rest = line.split(" ", 3)
            out.append((kind, int(conn), int(ns), rest[0] if rest else ""))
        return out

    def wait(self, key, count, timeout):
        deadline = time.time() + timeout
        while True:
            s = self.stats()
            if s[key] >= count or time.time() > deadline:
                return s
            time.sleep(0.05)

    def close(self):
        try:
            self.ask("quit")
        except (BrokenPipeError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.unlink(self.tokens)


# Of the 28,232 ports of the local range, what one source address uses towards the gateway.
PORTS_PER_SOURCE = 25000
# Open files besides the subscribers' sockets: the gateway's pool, listeners, loops and log.
OTHER_FILES = 100


def raise_open_files(n):
    """Room for n subscribers in this process and its children (the gateway, the client): root may
    raise the hard limit; anyone else gets what it allows, and the cases past it say so."""
    want = n + OTHER_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= want:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(want, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def audience_tokens(k):
    now = int(time.time())
    return [b.make_token({"role": "dashboard_user", "viewer": i, "iat": now, "exp": now + 4 * 3600})
            for i in range(k)]


def log_size(cluster):
    return os.path.getsize(cluster.log_path())


def document_queries(cluster, since):
    with open(cluster.log_path(), errors="replace") as f:
        f.seek(since)
        return sum(1 for line in f if "execute" in line and "scheduled_outbound_calls" in line)


def subscribers_case(cluster, dbname, calls, n, cohorts, commits, gap, gzip=False, inflate_every=1, slow=0):
    tokens = audience_tokens(cohorts)
    g = b.admin_gateway(None, cluster, dbname, db_pool=8, log_level="crit",
                        callboard_max_connections=max(20000, n + 1000))
    writer = cluster.connect(dbname)
    writer.autocommit = False
    wcur = writer.cursor()
    wcur.execute("SELECT id FROM twilio_calls WHERE direction = 'outbound' ORDER BY id LIMIT 1")
    call_id = wcur.fetchone()[0]
    writer.commit()
    pid = g.process.pid
    rss_rest = b.kb(pid, "VmRSS") * 1024
    # Past one source address's ports towards one destination, more addresses.
    sources = -(-n // PORTS_PER_SOURCE) if n > PORTS_PER_SOURCE else 0
    clients = Clients(g, b.LEGACY, n, tokens, gzip=gzip, inflate_every=inflate_every, slow=slow, sources=sources)
    n_slow = len(range(0, n, max(1, round(100 / slow)))) if slow else 0
    result = {"calls": calls, "subscribers": n, "cohorts": cohorts, "rss_rest": rss_rest, "gzip": gzip,
              "slow": n_slow}
    try:
        cpu0, t0 = b.cpu_seconds(pid), time.time()
        s = clients.wait("ready", n - n_slow, timeout=60 + n / 500)
        result["connect_s"] = time.time() - t0
        result["connect_cpu"] = b.cpu_seconds(pid) - cpu0
        result["ready"] = s["ready"]
        result["failed"] = s["failed"]
        ready = s["ready"]               # a connection the machine refused is reported, not waited for
        first = clients.events()
        result["first_events"] = len([e for e in first if e[0] == "E"])
        m = b.metrics(g)
        result["watched"] = m.get("callboard_cohorts_watched", float("nan"))
        result["subscribers_metric"] = m.get("callboard_live_subscribers", float("nan"))
        refreshes0 = m.get("callboard_cohort_refreshes_total", 0)
        time.sleep(1)
        result["rss_connected"] = b.kb(pid, "VmRSS") * 1024
        result["per_subscriber"] = (result["rss_connected"] - rss_rest) / n

        latencies, per_commit_max, per_commit_min, queries, missing, extra, errors = [], [], [], [], 0, 0, 0
        cpu1, client_cpu1 = b.cpu_seconds(pid), b.cpu_seconds(clients.process.pid)
        seen = s["events"]
        for i in range(commits):
            since = log_size(cluster)
            wcur.execute("UPDATE twilio_calls SET duration = coalesce(duration, 0) + 1 WHERE id = %s", (call_id,))
            committed = time.time_ns()
            writer.commit()
            s = clients.wait("events", seen + ready, timeout=60)
            time.sleep(0.3)                  # anything beyond one event each would show now
            evs = clients.events()
            seen += len([e for e in evs if e[0] == "E"])
            got = {}
            for kind, conn, ns, _ in evs:
                if kind == "E":
                    got.setdefault(conn, []).append((ns - committed) / 1e6)
                elif kind != "S":         # a slow reader's event, whenever it gets it, is not timed
                    errors += 1
            missing += ready - len(got)
            extra += sum(len(v) - 1 for v in got.values())
            lat = [v[0] for v in got.values()]
            latencies += lat
            per_commit_max.append(max(lat) if lat else float("nan"))
            per_commit_min.append(min(lat) if lat else float("nan"))
            time.sleep(0.1)
            queries.append(document_queries(cluster, since))
            time.sleep(max(0, gap - 0.4))
        cpu2, client_cpu2 = b.cpu_seconds(pid), b.cpu_seconds(clients.process.pid)
        m = b.metrics(g)
        result.update({
            "commits": commits, "p50": b.percentile(latencies, 50), "p90": b.percentile(latencies, 90),
            "p99": b.percentile(latencies, 99), "max": max(latencies) if latencies else float("nan"),
            "last_median": b.median(per_commit_max), "first_median": b.median(per_commit_min), "missing": missing, "extra": extra, "errors": errors,
            "queries": queries, "refreshes": m.get("callboard_cohort_refreshes_total", 0) - refreshes0,
            "rss": b.kb(pid, "VmRSS") * 1024, "hwm": b.kb(pid, "VmHWM") * 1024,
            "cpu_per_change": (cpu2 - cpu1) / commits, "client_cpu_per_change": (client_cpu2 - client_cpu1) / commits,
            "closed": clients.stats()["closed"],
            "doc_bytes": len(requests.get(g.url + b.LEGACY,
                                          headers={"Authorization": "Bearer " + tokens[0]}).content),
        })
    finally:
        clients.close()
        g.stop()
        writer.close()
    print("%d calls, %d subscribers (%d slow, %s): p50 %.1f ms, p99 %.1f ms, queries %s, RSS %.0f MB, "
          "%.0f bytes per connected subscriber"
          % (calls, n, n_slow, "gzip" if gzip else "identity", result.get("p50", float("nan")),
             result.get("p99", float("nan")), result.get("queries"), result.get("rss", 0) / MB,
             result.get("per_subscriber", float("nan"))), flush=True)
    return result


# ---------------------------------------------------------------- nginx

# The site nginx serves files from: what the http {} block holds besides
# harness.Nginx's own paths.
NGINX_SITE = """types {{ application/json json; }}
default_type application/octet-stream;
etag on;
sendfile on;
tcp_nopush on;
keepalive_requests 1000000;
server {{
    listen 127.0.0.1:{port};
    access_log off;
    root www;
}}
"""


class Nginx(b.harness.Nginx):
    """harness.Nginx serving `files` (name: bytes) from its www/ directory."""

    def __init__(self, files):
        self.port = b.harness.free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        super().__init__(NGINX_SITE.format(port=self.port), self.port)
        www = os.path.join(self.dir, "www")
        os.makedirs(www)
        os.chmod(www, 0o755)
        for name, data in files.items():
            path = os.path.join(www, name)
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, 0o644)

    def cpu(self):
        return sum(b.cpu_seconds(p) for p in self.pids())


def nginx_case(cluster, dbname, rounds, wrk_args):
    token = audience_tokens(1)[0]
    headers = ["Authorization: Bearer " + token]
    g = b.admin_gateway(None, cluster, dbname, db_pool=4, log_level="crit")
    nginx = None
    rows = []
    try:
        url = g.url + b.LEGACY
        cur = cluster.connect(dbname).cursor()
        if not b.wait_from_memory(url, token, cur, dbname):
            raise RuntimeError("the gateway does not answer from memory: is the change signal on?")
        doc = requests.get(url, headers={"Authorization": "Bearer " + token})
        etag = doc.headers["ETag"]
        tiny = b'{"pending":1,"active":2,"completed":3,"failed":4}\n'
        nginx = Nginx({"doc.json": doc.content, "tiny.json": tiny})
        tiny_etag = requests.get(nginx.url + "/tiny.json").headers["ETag"]
        checks = {
            "gateway 200": requests.get(url, headers={"Authorization": "Bearer " + token}).status_code,
            "gateway 304": requests.get(url, headers={"Authorization": "Bearer " + token,
                                                      "If-None-Match": etag}).status_code,
            "nginx 200": requests.get(nginx.url + "/doc.json").status_code,
            "nginx 304": requests.get(nginx.url + "/tiny.json", headers={"If-None-Match": tiny_etag}).status_code,
        }
        assert checks == {"gateway 200": 200, "gateway 304": 304, "nginx 200": 200, "nginx 304": 304}, checks
        assert requests.get(nginx.url + "/doc.json").content == doc.content
        cases = [
            ("1,000-call document, unchanged", "gateway", url, headers, lambda: b.cpu_seconds(g.process.pid)),
            ("1,000-call document, unchanged", "nginx", nginx.url + "/doc.json", [], nginx.cpu),
            ("304 Not Modified", "gateway", url, headers + ["If-None-Match: " + etag],
             lambda: b.cpu_seconds(g.process.pid)),
            ("304 Not Modified", "nginx", nginx.url + "/tiny.json", ["If-None-Match: " + tiny_etag], nginx.cpu),
        ]
        m0 = b.metrics(g)
        for r in range(rounds):
            for what, server, u, h, cpu in cases:
                c0 = cpu()
                w = b.wrk(u, headers=h, **wrk_args)
                w["cpu_us"] = (cpu() - c0) / max(1, w["requests"]) * 1e6
                rows.append(dict(w, what=what, server=server, round=r))
        m1 = b.metrics(g)
        builds = m1.get("callboard_cohort_builds_total", 0) - m0.get("callboard_cohort_builds_total", 0)
        hits = m1.get("callboard_cohort_cache_hits_total", 0) - m0.get("callboard_cohort_cache_hits_total", 0)
        return rows, {"doc_bytes": len(doc.content), "tiny_bytes": len(tiny), "builds": builds, "hits": hits}
    finally:
        if nginx:
            nginx.stop()
        g.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--commits", type=int)
    parser.add_argument("--cohorts", type=int, default=5)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between commits")
    parser.add_argument("--out", default=os.path.join(b.HERE, "results"))
    parser.add_argument("--cases", help="subscriber cases as CALLSxSUBSCRIBERS, comma-separated (100x10000,1000x10000)")
    parser.add_argument("--no-nginx", action="store_true", help="skip the comparison with nginx")
    parser.add_argument("--coding", default="identity,gzip",
                        help="the subscribers' Accept-Encoding: identity, gzip or both (each case run with each)")
    parser.add_argument("--inflate-every", type=int, default=1,
                        help="with gzip, every K-th subscriber inflates and parses; the others stamp the end "
                             "of each event's chunk (sse_clients.cpp)")
    parser.add_argument("--slow", type=float, default=5,
                        help="each case again with this percent of subscribers reading at 2 kB/s (0: not)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    commits = args.commits or (4 if args.quick else 8)
    cases = [(100, 1000), (1000, 1000)] if args.quick else [(100, 1000), (100, 10000), (1000, 1000), (1000, 10000)]
    if args.cases:
        cases = [tuple(int(x) for x in c.split("x")) for c in args.cases.split(",")]
    wrk_args = {"threads": 2, "connections": 32, "seconds": 4 if args.quick else 8}
    rounds = 2 if args.quick else 3

    open_files = raise_open_files(max(n for _, n in cases))
    for _, n in cases:
        if n + OTHER_FILES > open_files:
            print("%d subscribers: skipped, open files are limited to %d here (ulimit -n; root may raise it)"
                  % (n, open_files))
    cases = [(c, n) for c, n in cases if n + OTHER_FILES <= open_files]
    build_client()
    began = time.time()
    cluster = b.harness.Cluster()
    results, nginx_rows, nginx_info = [], [], {}
    try:
        for calls in sorted({c for c, _ in cases}):
            db = "live%d" % calls
            b.create_exact(cluster, db, calls)
            conn = cluster.connect(db)
            conn.cursor().execute("ALTER ROLE authenticator SET log_statement = 'all'")
            conn.close()
            b.signal_on(cluster, db)
        for calls, n in cases:
            for coding in args.coding.split(","):
                for slow in ([0, args.slow] if args.slow else [0]):
                    results.append(subscribers_case(cluster, "live%d" % calls, calls, n, args.cohorts, commits,
                                                    args.gap, gzip=coding == "gzip",
                                                    inflate_every=args.inflate_every, slow=slow))
        if not args.no_nginx:
            if "live1000" not in {"live%d" % c for c, _ in cases}:
                b.create_exact(cluster, "live1000", 1000)
                b.signal_on(cluster, "live1000")
            nginx_rows, nginx_info = nginx_case(cluster, "live1000", rounds, wrk_args)
    finally:
        cluster.stop_for_good()
    if not results and not nginx_rows:
        raise SystemExit("nothing was measured")
    write_reports(args, results, nginx_rows, nginx_info, wrk_args, rounds, time.time() - began)


def write_reports(args, results, nginx_rows, nginx_info, wrk_args, rounds, elapsed):
    with open(os.path.join(args.out, "live.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kind", "calls", "subscribers", "cohorts", "commits", "p50_ms", "p90_ms", "p99_ms", "max_ms",
                    "missing", "queries_per_change", "rss_bytes", "hwm_bytes", "cpu_s_per_change",
                    "what", "server", "round", "requests_per_s", "wrk_p50_ms", "wrk_p99_ms", "cpu_us_per_request"])
        for r in results:
            w.writerow(["subscribers", r["calls"], r["subscribers"], r["cohorts"], r.get("commits"), r.get("p50"),
                        r.get("p90"), r.get("p99"), r.get("max"), r.get("missing"),
                        " ".join(str(q) for q in r.get("queries", [])), r.get("rss"), r.get("hwm"),
                        r.get("cpu_per_change"), "", "", "", "", "", "", ""])
        for r in nginx_rows:
            w.writerow(["wrk"] + [""] * 14 + [r["what"], r["server"], r["round"], r["rps"], r["p50"], r["p99"],
                                              r["cpu_us"]])

    lines = ["Commit to screen: an UPDATE of one call committed on another connection, then the time until each "
             "subscriber's event-stream client has parsed the end of the new document's event; p50 to max over "
             "every subscriber and commit, first and last subscriber the median over commits (%d commits %.0f s "
             "apart; %d cohorts: tokens whose claims differ; change signal on; callboard-live-interval-ms 75, the default). "
             "Subscribers are one C++ client (bench/sse_clients.cpp, one thread) on the same %d cores as the gateway "
             "and PostgreSQL: its CPU per change is shown beside the gateway's, since the two share the cores." % (results[0]["commits"] if results else 0, args.gap, args.cohorts, os.cpu_count()), "",
             "| document | subscribers | coding | slow readers | first subscriber | p50 | p90 | p99 | max | "
             "last subscriber | queries per change | gateway RSS, all connected | per subscriber | peak RSS | "
             "gateway CPU per change | client CPU per change |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        q = r.get("queries", [])
        qtext = ("%d" % q[0] if len(set(q)) == 1 else "/".join(str(x) for x in q)) if q else "-"
        lines.append("| %d calls (%.0f kB) | %d | %s | %d | %.1f ms | %.1f ms | %.1f ms | **%.1f ms** | %.1f ms | "
                     "%.1f ms | %s (refreshes %d) | %.1f MB | %.1f kB | %.1f MB | %.0f ms | %.0f ms |" % (
                         r["calls"], r.get("doc_bytes", 0) / 1e3, r["subscribers"],
                         "gzip" if r["gzip"] else "identity", r["slow"], r["first_median"], r["p50"],
                         r["p90"], r["p99"], r["max"], r["last_median"], qtext, r["refreshes"],
                         r["rss_connected"] / MB, r["per_subscriber"] / 1e3, r["hwm"] / MB,
                         r["cpu_per_change"] * 1000, r["client_cpu_per_change"] * 1000))
    lines.append("")
    for r in results:
        if not r["slow"]:
            continue
        base = [x for x in results if x["calls"] == r["calls"] and x["subscribers"] == r["subscribers"]
                and x["gzip"] == r["gzip"] and not x["slow"]]
        if base:
            lines.append("- %d calls, %d subscribers, %s: with %d reading at 2 kB/s the others' p99 is %.2fx "
                         "what it is without them (%.1f ms against %.1f ms)"
                         % (r["calls"], r["subscribers"], "gzip" if r["gzip"] else "identity", r["slow"],
                            r["p99"] / base[0]["p99"], r["p99"], base[0]["p99"]))
    lines.append("")
    for r in results:
        notes = []
        if r.get("missing") or r.get("extra") or r.get("errors") or r.get("closed"):
            notes.append("%d events missing, %d extra, %d error events, %d connections closed"
                         % (r["missing"], r["extra"], r["errors"], r["closed"]))
        lines.append("- %d subscribers of %d calls: all connected with a first event in %.1f s (%.1f s of gateway "
                     "CPU); %d watched cohorts, %d subscribers by the gateway's metrics; RSS before the first "
                     "connection %.1f MB%s" % (r["subscribers"], r["calls"], r["connect_s"], r["connect_cpu"],
                                               r["watched"], r["subscribers_metric"], r["rss_rest"] / MB,
                                               ("; " + "; ".join(notes)) if notes else ""))

    lines += ["", "Cached and conditional GETs against nginx (nginx-light, worker_processes auto, etag on, "
              "sendfile on, keepalive_requests 1000000; access logs off on both; the gateway answering from memory: "
              "%d cache hits, %d builds during the runs). wrk -t%d -c%d -d%ds, the servers taking turns, %d rounds, "
              "median; CPU per request is the server's own (all its processes):"
              % (nginx_info.get("hits", 0), nginx_info.get("builds", 0), wrk_args["threads"],
                 wrk_args["connections"], wrk_args["seconds"], rounds), "",
              "| request | gateway req/s | nginx req/s | gateway / nginx | gateway p99 | nginx p99 | CPU per request "
              "gateway / nginx |", "|---|---|---|---|---|---|---|"]
    for what, label in (("1,000-call document, unchanged",
                         "1,000-call document (%d bytes), unchanged: gateway from memory, nginx from a file"
                         % nginx_info.get("doc_bytes", 0)),
                        ("304 Not Modified", "304: gateway on that document, nginx on a %d-byte file"
                         % nginx_info.get("tiny_bytes", 0))):
        g = [r for r in nginx_rows if r["what"] == what and r["server"] == "gateway"]
        n = [r for r in nginx_rows if r["what"] == what and r["server"] == "nginx"]
        if not g or not n:
            continue
        grps, nrps = b.median([r["rps"] for r in g]), b.median([r["rps"] for r in n])
        lines.append("| %s | %.0f | %.0f | **%.2f** | %.2f ms | %.2f ms | %.0f / %.0f us |" % (
            label, grps, nrps, grps / nrps, b.median([r["p99"] for r in g]), b.median([r["p99"] for r in n]),
            b.median([r["cpu_us"] for r in g]), b.median([r["cpu_us"] for r in n])))
    lines += ["", "Whole run %.0f s." % elapsed]
    report.emit(lines, os.path.join(args.out, "live.md"))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""callboard side by side with the Django endpoint it replaces, on the same data in one run.

    bench/compare.py [--quick] [--out DIR]

One throwaway cluster; 1,000 / 10,000 / 100,000 / 1,000,000 calls (--quick:
1,000 and 10,000), loaded with COPY in steps of the same deterministic
sequence.  At each size, on the same rows:

  single request, min and median of several, timed by C clients so that
  no client-side parsing is counted (curl for HTTP, psql's \\timing for libpq):
    django      the app's view (bench/django_peer) under gunicorn
    gateway     callboard-gateway on the Django path
    libpq       SELECT scheduled_outbound_calls(), fetched whole by libpq
    sql         the hand-written SQL version (bench/reference.sql), likewise
    copy floor  COPY (same columns, join, filter, order) TO '/dev/null'
  wrk (1,000 and 10,000 calls, all and status=pending): requests/s, p50, p99;
    the gateway also with callboard's change signal on, which answers an
    unchanged document from memory (the signal is turned off again after)
  peak memory: a Django worker's RSS and the gateway's under wrk; the
    PostgreSQL backend's while building the document
  response bytes, and a check that Django and the gateway return the same
    calls, and the same category wherever the two mappings agree

Writes compare.md, compare.csv and compare.png (latency against calls,
log-log) into --out (default bench/results, which docs/performance.md shows).  Run as
root; bench/run installs what it needs first.
"""
import argparse
import csv
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "gateway"))
import benchlib  # noqa: E402
from benchlib import kb, reset_peak  # noqa: E402
import harness  # noqa: E402
import report  # noqa: E402
from conftest import simplejwt_token  # noqa: E402

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"
DB = "compare"
FLOOR = ("COPY (SELECT c.created_at, c.id, c.call_sid, c.to_number, c.customer_name, c.status, a.id, a.name,"
         " c.started_at, c.duration FROM twilio_calls c"
         " LEFT JOIN hume_agents a ON a.id = c.agent_id WHERE c.direction = 'outbound'"
         " ORDER BY api.callboard_call_category_rank(c.status), c.created_at DESC, c.id) TO '/dev/null'")
SYSTEMS = ["django", "gateway", "libpq", "sql", "copy floor"]

# The Django view's own categories (its quirks), to compare where they agree.
DJANGO_CATEGORY = {"initiated": "pending", "in_progress": "active", "completed": "completed"}


def django_category(status):
    return DJANGO_CATEGORY.get(status, "failed")


class Django:
    """The peer app under gunicorn: 2 x cores + 1 sync workers, gunicorn's advice."""

    def __init__(self, cluster):
        self.port = harness.free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        env = os.environ.copy()
        env.update(PEER_SECRET_KEY=harness.JWT_SECRET, PEER_DB_HOST="127.0.0.1", PEER_DB_PORT=str(cluster.port),
                   PEER_DB_NAME=DB, PEER_DB_USER="postgres", DJANGO_SETTINGS_MODULE="dashboard.settings")
        self.workers = 2 * os.cpu_count() + 1
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            ["gunicorn", "--chdir", os.path.join(HERE, "django_peer"), "--workers", str(self.workers),
             "--bind", "127.0.0.1:%d" % self.port, "--timeout", "600", "dashboard.wsgi"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                requests.get(self.url + LEGACY, timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def summary(times):
    return min(times), statistics.median(times)


def curl_times(url, token, runs):
    """Milliseconds curl takes to fetch url and discard the body (its own timer)."""
    times = []
    for _ in range(runs):
        out = subprocess.run(["curl", "-s", "-f", "-o", "/dev/null", "-w", "%{time_total}",
                              "-H", "Authorization: Bearer " + token, url],
                             check=True, capture_output=True, text=True).stdout
        times.append(float(out) * 1000)
    return summary(times)


def psql_times(cluster, sql, runs):
    """Milliseconds per execution of sql, the result fetched whole by libpq: psql's
    \\timing covers the query and its result, not the printing (sent to /dev/null)."""
    script = "SET search_path = api, public;\n\\timing on\n" + (sql + ";\n") * runs
    out = subprocess.run(["psql", "-X", "-q", "-o", "/dev/null", "-d", DB], input=script, check=True,
                         capture_output=True, text=True, env=cluster.env()).stdout
    return summary([float(t) for t in re.findall(r"^Time: ([\d.]+) ms", out, re.M)])


def wrk(url, token, seconds, connections=16):
    out = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds, "--latency", "--timeout", "60s",
                          "-H", "Authorization: Bearer " + token, url], check=True, capture_output=True,
                         text=True).stdout

    def latency(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, latency(50), latency(99), int(bad.group(1)) if bad else 0


def same_calls(django_doc, gateway_doc):
    """(same set of calls, number of calls whose categories differ only where the mappings differ)."""
    def categories(doc, of):
        return {c["call_id"]: (k, c["status"]) for k in doc["calls"] for c in doc["calls"][k]}
    d, g = categories(django_doc, None), categories(gateway_doc, None)
    if set(d) != set(g):
        return False, 0
    disagreements = 0
    for call_id, (django_k, status) in d.items():
        gateway_k = g[call_id][0]
        if django_k != django_category(status):
            return False, 0
        if django_k != gateway_k:
            # Allowed only for the statuses the Django view misfiles.
            if status not in ("queued", "ringing", "in-progress"):
                return False, 0
            disagreements += 1
    return True, disagreements


def fit(sizes, ms):
    """Least squares ms = a + b * calls over the sizes >= 10,000 (fixed costs dominate below)."""
    pts = [(n, t) for n, t in zip(sizes, ms) if n >= 10000] or list(zip(sizes, ms))
    if len(pts) < 2:
        return None
    mean_n = sum(n for n, _ in pts) / len(pts)
    mean_t = sum(t for _, t in pts) / len(pts)
    b = sum((n - mean_n) * (t - mean_t) for n, t in pts) / sum((n - mean_n) ** 2 for n, _ in pts)
    return mean_t - b * mean_n, b


def crossing(line, target_ms):
    if not line or line[1] <= 0:
        return None
    a, b = line
    return max(0, (target_ms - a) / b)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 calls only")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    sizes = [1000, 10000] if args.quick else [1000, 10000, 100000, 1000000]
    wrk_seconds = 5 if args.quick else 10
    began = time.time()
    cluster = harness.Cluster()
    django = gateway = None
    rows, loads, memory, checks = [], [], {}, {}
    try:
        cluster.configure(shared_buffers="1GB", max_wal_size="4GB")
        harness.create_app_database(cluster, DB, calls=0)
        conn = cluster.connect(DB)
        cur = conn.cursor()
        cur.execute("ALTER ROLE authenticator RESET log_statement")
        cur.execute("SET search_path = api, public")
        cluster.psql(DB, "-c", "SET search_path = api, public", "-f", os.path.join(HERE, "reference.sql"))
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
        token = simplejwt_token(1, lifetime=7200)
        headers = {"Authorization": "Bearer " + token}
        gateway = harness.Gateway(cluster, DB, db_pool=8, log_level="warn")
        django = Django(cluster)
        # At rest, before any request for data: what the process and its libraries
        # take (the Django worker that answered the start-up probe, whose app is
        # loaded).  RssFile is the part that is pages of mapped files, shared
        # libraries mostly.
        worker = max(django.worker_pids(), key=lambda pid: kb(pid, "VmRSS"))
        for name, pid in (("gateway", gateway.process.pid), ("django worker", worker)):
            memory.setdefault("at rest", {})[name] = (kb(pid, "VmRSS") * 1024, kb(pid, "RssFile") * 1024)

        loaded = 0
        for size in sizes:
            start = time.time()
            # Loads more than `size` so that the outbound calls number `size`.
            target = int(size / 0.85)
            harness.load_calls(cluster, DB, loaded, target)
            loaded = target
            cur.execute("DELETE FROM twilio_calls WHERE direction = 'outbound' AND id IN "
                        "(SELECT id FROM twilio_calls WHERE direction = 'outbound' ORDER BY id OFFSET %s)", (size,))
            cur.execute("VACUUM ANALYZE twilio_calls")
            cur.execute("SELECT count(*) FROM twilio_calls WHERE direction = 'outbound'")
            outbound = cur.fetchone()[0]
            loads.append((size, outbound, time.time() - start))
            print("%d outbound calls loaded" % outbound, flush=True)

            runs = 5 if size <= 10000 else 3
            slow_runs = 3 if size <= 100000 else 2   # Django and the SQL version, at a minute a run
            django_body = requests.get(django.url + LEGACY, headers=headers, timeout=900)
            gateway_body = requests.get(gateway.url + LEGACY, headers=headers)
            assert django_body.status_code == gateway_body.status_code == 200
            checks[size] = same_calls(django_body.json(), gateway_body.json())

            if size == sizes[0]:
                # Every gunicorn worker and pooled connection serves a request
                # first (connections then persist: CONN_MAX_AGE, the pool).
                for _ in range(2 * django.workers):
                    requests.get(django.url + LEGACY, headers=headers, timeout=900)
                for _ in range(16):
                    requests.get(gateway.url + LEGACY, headers=headers)
            results = {
                "django": curl_times(django.url + LEGACY, token, slow_runs),
                "gateway": curl_times(gateway.url + LEGACY, token, runs),
                "libpq": psql_times(cluster, "SELECT api.scheduled_outbound_calls()", runs),
                "sql": psql_times(cluster, "SELECT api.bench_calls_sql()", slow_runs),
                "copy floor": psql_times(cluster, FLOOR, runs),
            }
            reset_peak(backend)
            base = kb(backend, "VmRSS")
            cur.execute("SELECT pg_column_size(scheduled_outbound_calls())")
            memory.setdefault("backend", {})[size] = (kb(backend, "VmHWM") - base) * 1024
            for system in SYSTEMS:
                best, median = results[system]
                rows.append({"calls": size, "system": system, "min_ms": best, "median_ms": median,
                             "bytes": len(django_body.content) if system == "django" else len(gateway_body.content)})
            print("measured single requests at %d" % size, flush=True)

            if size <= 10000:
                for pid in django.worker_pids() + [gateway.process.pid]:
                    reset_peak(pid)
                for status in (None, "pending"):
                    query = "" if status is None else "?status=" + status
                    for name, base_url in (("django", django.url), ("gateway", gateway.url)):
                        rps, p50, p99, bad = wrk(base_url + LEGACY + query, token, wrk_seconds)
                        rows.append({"calls": size, "system": name + " wrk" + (" pending" if status else ""),
                                     "rps": rps, "p50_ms": p50, "p99_ms": p99, "non2xx": bad})
                memory.setdefault("django worker", {})[size] = max(kb(p, "VmHWM") for p in django.worker_pids()) * 1024
                memory.setdefault("gateway", {})[size] = kb(gateway.process.pid, "VmHWM") * 1024
                # With callboard's change signal on, an unchanged document is answered
                # from the audience's memory; off again before the next load.
                cur.execute("SELECT api.callboard_enable_change_signal()")
                if not benchlib.wait_from_memory(gateway.url + LEGACY, token, cur, DB):
                    raise RuntimeError("the gateway does not answer from memory with the change signal on")
                for status in (None, "pending"):
                    query = "" if status is None else "?status=" + status
                    rps, p50, p99, bad = wrk(gateway.url + LEGACY + query, token, wrk_seconds)
                    rows.append({"calls": size, "system": "gateway signal wrk" + (" pending" if status else ""),
                                 "rps": rps, "p50_ms": p50, "p99_ms": p99, "non2xx": bad})
                cur.execute("SELECT api.callboard_disable_change_signal()")
                time.sleep(1)
                print("measured throughput at %d" % size, flush=True)
        conn.close()
    finally:
        if django:
            django.stop()
        if gateway:
            gateway.stop()
        cluster.stop_for_good()

    write_reports(args, sizes, rows, memory, checks, loads, time.time() - began)


def write_reports(args, sizes, rows, memory, checks, loads, elapsed):
    single = {(r["calls"], r["system"]): r for r in rows if "median_ms" in r}
    load = {(r["calls"], r["system"]): r for r in rows if "rps" in r}

    with open(os.path.join(args.out, "compare.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["calls", "system", "min_ms", "median_ms", "response_bytes", "requests_per_s", "p50_ms",
                    "p99_ms", "non_2xx"])
        for r in rows:
            w.writerow([r["calls"], r["system"], r.get("min_ms", ""), r.get("median_ms", ""), r.get("bytes", ""),
                        r.get("rps", ""), r.get("p50_ms", ""), r.get("p99_ms", ""), r.get("non2xx", "")])

    lines = ["Single request, median (min) in ms (curl for HTTP, psql's \\timing for libpq); the ratio is the "
             "system's median over the gateway's (how many times slower than callboard over HTTP).", "",
             "| calls | " + " | ".join(SYSTEMS) + " | response bytes (gateway / django) |",
             "|---|" + "---|" * (len(SYSTEMS) + 1)]
    for n in sizes:
        g = single[(n, "gateway")]["median_ms"]
        cells = []
        for s in SYSTEMS:
            r = single[(n, s)]
            cells.append("%.1f (%.1f)%s" % (r["median_ms"], r["min_ms"],
                                             "" if s == "gateway" else " %.1fx" % (r["median_ms"] / g)))
        lines.append("| %d | %s | %d / %d |" % (n, " | ".join(cells), single[(n, "gateway")]["bytes"],
                                                 single[(n, "django")]["bytes"]))
    lines += ["", "Throughput under wrk (-t2 -c16), requests/s and p50 / p99 latency; the gateway without "
              "callboard's change signal (a request runs the query, or shares one under way for the same "
              "audience) and with it (an unchanged document answered from the audience's memory):", "",
              "| calls | filter | django | gateway | gateway / django | gateway, change signal on | "
              "gateway, change signal on / django |", "|---|---|---|---|---|---|---|"]
    for n in sizes:
        for suffix, label in (("", "all"), (" pending", "status=pending")):
            d, g = load.get((n, "django wrk" + suffix)), load.get((n, "gateway wrk" + suffix))
            s = load.get((n, "gateway signal wrk" + suffix))
            if d and g:
                lines.append("| %d | %s | %.0f/s (%.0f / %.0f ms) | %.0f/s (%.1f / %.1f ms) | %.0fx | %s | %s |"
                             % (n, label, d["rps"], d["p50_ms"], d["p99_ms"], g["rps"], g["p50_ms"], g["p99_ms"],
                                g["rps"] / d["rps"],
                                "%.0f/s (%.1f / %.1f ms)" % (s["rps"], s["p50_ms"], s["p99_ms"]) if s else "-",
                                "%.0fx" % (s["rps"] / d["rps"]) if s else "-"))
    lines += ["", "Peak memory (RSS high-water mark):", ""]
    rest = memory["at rest"]
    lines.append("- at rest, before any request: one Django worker %.0f MB (%.0f MB of it mapped files), "
                 "the gateway %.0f MB (%.0f MB of it mapped files)"
                 % (rest["django worker"][0] / 1e6, rest["django worker"][1] / 1e6,
                    rest["gateway"][0] / 1e6, rest["gateway"][1] / 1e6))
    for n in sizes:
        if n in memory.get("gateway", {}):
            lines.append("- %d calls under wrk: one Django worker %.0f MB, the gateway %.0f MB (%.1f%% of it)"
                         % (n, memory["django worker"][n] / 1e6, memory["gateway"][n] / 1e6,
                            100 * memory["gateway"][n] / memory["django worker"][n]))
    for n in sizes:
        lines.append("- %d calls: the PostgreSQL backend building the document rose by %.1f MB (document %.1f MB)"
                     % (n, memory["backend"][n] / 1e6, single[(n, "gateway")]["bytes"] / 1e6))
    lines += ["", "Same calls from both (every call id; the category wherever the two mappings agree):", ""]
    for n in sizes:
        ok, differ = checks[n]
        lines.append("- %d calls: %s; %d calls filed differently, all queued/ringing/in-progress (the Django "
                     "view's misfiling)" % (n, "same calls" if ok else "MISMATCH", differ))
    lines += ["", "How cost grows (least squares over 10,000 calls and up, ms = a + b x calls):", "",
              "| system | per 1,000 calls | 100 ms at | 1 s at |", "|---|---|---|---|"]
    for s in SYSTEMS:
        line = fit(sizes, [single[(n, s)]["median_ms"] for n in sizes])
        if line:
            c100, c1000 = crossing(line, 100), crossing(line, 1000)
            lines.append("| %s | %.2f ms | %s | %s |" % (
                s, line[1] * 1000, "%.0f calls" % c100 if c100 is not None else "-",
                "%.0f calls" % c1000 if c1000 is not None else "-"))
    lines += ["", "Loaded: " + ", ".join("%d outbound calls in %.0f s" % (n, t) for _, n, t in loads) +
              "; whole run %.0f s." % elapsed]
    report.emit(lines, os.path.join(args.out, "compare.md"))
    plot(args, sizes, single)


def plot(args, sizes, single):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for s in SYSTEMS:
        ax.plot(sizes, [single[(n, s)]["median_ms"] for n in sizes], marker="o", label=s)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("outbound calls")
    ax.set_ylabel("single request, median (ms)")
    ax.set_title("The dashboard's question: Django endpoint vs callboard")
    for ms, label in ((100, "100 ms"), (1000, "1 s")):
        ax.axhline(ms, color="grey", linewidth=0.5, linestyle="--")
        ax.text(sizes[0], ms * 1.08, label, color="grey", fontsize=8)
    ax.grid(True, which="both", linewidth=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "compare.png"), dpi=110)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The timeline at scale: its query with and without the index docs/sql-api.md
recommends, against the SQL a DBA would write, and the page's first paint
after sign-in.

    bench/timeline.py [--rows 1000000] [--runs 200] [--page-runs 10] [--markdown FILE]
    bench/timeline.py --quick            100,000 calls, fewer runs: to see it work

Loads the calls with COPY into a throwaway cluster (shared_buffers = 4GB:
a dashboard's database holds its hot rows in memory).  The sample calls
span the 90 days before 2025-10-24 10:00 UTC; the last of those days is
moved to the 24 hours before now, so that the default window (the last 24
hours) holds a day of calls, about 1/90 of the table, and the rest lies
before it.  Then, in one session, each query many times (psql's \\timing,
the round trip included), first without the index, then with the indexes
docs/sql-api.md recommends, built CONCURRENTLY:

  callboard timeline     SELECT scheduled_outbound_calls_timeline()::text
  callboard BI view      SELECT * FROM callboard_call_timeline
  SQL                    date_bin() and GROUP BY over the same window and mapping
  overview               SELECT scheduled_outbound_calls_overview()::text, what the page
                         watches: the summary's counts (over the whole table) and the timeline

and last the page (bench/first_paint.mjs, Chromium): from the login's answer
to the frame that shows the chart, and to the frame that shows the whole
board, through a gateway with the change signal on, a call updated before
each sign-in so that every document is read again.  Run as root.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "test", "gateway"))
import benchlib  # noqa: E402
import harness  # noqa: E402
import report  # noqa: E402

INDEXES = [
    "CREATE INDEX CONCURRENTLY twilio_calls_callboard_timeline ON twilio_calls "
    "(created_at) INCLUDE (status) WHERE direction = 'outbound'",
    "CREATE INDEX CONCURRENTLY twilio_calls_callboard_pages ON twilio_calls "
    "(api.callboard_call_category_rank(status), created_at DESC, id) WHERE direction = 'outbound'",
    "CREATE INDEX CONCURRENTLY twilio_calls_callboard_summary ON twilio_calls "
    "(status) WHERE direction = 'outbound'",
]

WINDOW_END = "date_bin('1 hour', now(), '2000-01-01 00:00+00') + interval '1 hour'"
QUERIES = [
    ("callboard timeline", "SELECT api.scheduled_outbound_calls_timeline()::text"),
    ("callboard BI view", "SELECT * FROM api.callboard_call_timeline"),
    ("SQL: date_bin + GROUP BY",
     "SELECT date_bin('1 hour', created_at, '2000-01-01 00:00+00') AS hour, api.callboard_call_category(status), count(*)"
     " FROM twilio_calls WHERE direction = 'outbound'"
     " AND created_at >= %s - interval '24 hours' AND created_at < %s GROUP BY 1, 2" % (WINDOW_END, WINDOW_END)),
    ("overview (the page's document)", "SELECT api.scheduled_outbound_calls_overview()::text"),
]
PEER = "SQL: date_bin + GROUP BY"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(cluster, dbname, runs):
    out = {}
    for name, sql in QUERIES:
        benchlib.psql_times(cluster, dbname, sql, 2)  # warm the plan and the cache
        times = benchlib.psql_times(cluster, dbname, sql, runs)
        out[name] = (statistics.median(times), percentile(times, 99))
        print("  %-32s p50 %8.2f ms  p99 %8.2f ms" % (name, *out[name]), flush=True)
    return out


def first_paint(cluster, dbname, runs):
    g = harness.Gateway(cluster, dbname)
    try:
        benchlib.signal_on(cluster, dbname)
        time.sleep(1)  # the gateway listens
        env = dict(cluster.env(), PGDATABASE=dbname)
        out = subprocess.run(["node", os.path.join(HERE, "first_paint.mjs"), g.url, str(runs)], env=env,
                             check=True, capture_output=True, text=True).stdout
    finally:
        g.stop()
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--slow-runs", type=int, default=20, help="runs without the index")
    parser.add_argument("--page-runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--markdown")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.runs, args.slow_runs, args.page_runs = 100000, 50, 10, 3

    cluster = harness.Cluster()
    try:
        cluster.configure(shared_buffers="4GB", max_wal_size="8GB", maintenance_work_mem="1GB")
        start = time.time()
        harness.create_app_database(cluster, "timeline", calls=args.rows)
        conn = cluster.connect("timeline")
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("ALTER ROLE authenticator RESET log_statement")
        # The last of the sample's 90 days becomes the 24 hours before now.
        cur.execute("UPDATE twilio_calls SET created_at = created_at + (now() - timestamptz '2025-10-24 10:00+00'),"
                    " started_at = started_at + (now() - timestamptz '2025-10-24 10:00+00')"
                    " WHERE created_at >= timestamptz '2025-10-23 10:00+00'")
        cur.execute("VACUUM ANALYZE twilio_calls")
        cur.execute("SELECT count(*), count(*) FILTER (WHERE created_at >= now() - interval '24 hours'),"
                    " pg_size_pretty(pg_table_size('twilio_calls')) FROM twilio_calls WHERE direction = 'outbound'")
        outbound, in_window, size = cur.fetchone()
        cur.execute("SELECT count(*) FROM twilio_calls")
        total = cur.fetchone()[0]
        print("loaded %d calls (%d outbound, %d in the last 24 hours, table %s) in %.0f s"
              % (total, outbound, in_window, size, time.time() - start), flush=True)

        print("without the index (%d runs):" % args.slow_runs, flush=True)
        without = measure(cluster, "timeline", args.slow_runs)
        built = []
        for index in INDEXES:
            start = time.time()
            cur.execute(index)
            built.append(time.time() - start)
        cur.execute("VACUUM ANALYZE twilio_calls")
        print("with the indexes (%d runs):" % args.runs, flush=True)
        with_index = measure(cluster, "timeline", args.runs)
        cur.execute("EXPLAIN (COSTS OFF) SELECT created_at, status FROM twilio_calls WHERE direction = 'outbound'"
                    " AND created_at >= now() - interval '24 hours' AND created_at < now()")
        plan = [row[0] for row in cur.fetchall()]
        conn.close()

        print("the page (%d sign-ins):" % args.page_runs, flush=True)
        paints = first_paint(cluster, "timeline", args.page_runs)
    finally:
        cluster.stop_for_good()

    peer = with_index[PEER][0]
    lines = ["%d calls (%d outbound, %d in the last 24 hours; table %s); shared_buffers 4GB, 2 cores"
             % (total, outbound, in_window, size),
             "",
             "Indexes, built CONCURRENTLY:",
             ""] + ["- `%s` (%.0f s)" % (index, seconds) for index, seconds in zip(INDEXES, built)] + [
             "",
             "The window's scan with the timeline index: `%s`" % " / ".join(p.strip() for p in plan),
             "",
             "| query | without the index: p50 / p99 (%d runs) | with the indexes: p50 / p99 (%d runs) | p50 / SQL's |"
             % (args.slow_runs, args.runs),
             "|---|---|---|---|"]
    for name, _ in QUERIES:
        lines.append("| %s | %.1f / %.1f ms | %.2f / %.2f ms | %.2fx |"
                     % (name, *without[name], *with_index[name], with_index[name][0] / peer))
    chart = [p["chart"] for p in paints]
    board = [p["board"] for p in paints]
    login = [p["login"] for p in paints]
    lines += ["",
              "The page, 1366x768, %d sign-ins (p99 of %d runs is their slowest), from the login's answer:"
              % (len(paints), len(paints)),
              "",
              "| | p50 | p99 |",
              "|---|---|---|",
              "| the chart drawn | %.0f ms | %.0f ms |" % (statistics.median(chart), percentile(chart, 99)),
              "| the whole board (chart, counts, four columns) | %.0f ms | %.0f ms |"
              % (statistics.median(board), percentile(board, 99)),
              "| the login itself (PBKDF2, 260,000 iterations), before | %.0f ms | %.0f ms |"
              % (statistics.median(login), percentile(login, 99))]
    report.emit(lines, args.markdown)


if __name__ == "__main__":
    main()

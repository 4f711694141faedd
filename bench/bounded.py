#!/usr/bin/python3
"""The bounded API at scale: the first page of each category and the summary,
without and with the two indexes docs/sql-api.md recommends.

    bench/bounded.py [--rows 10000000] [--runs 5] [--markdown FILE]

Loads the calls with COPY into a throwaway cluster (shared_buffers = 4GB so the
table is read from memory, as on a dashboard's database), then times, in one
session, each call several times:

  scheduled_outbound_calls_page(category, 50)         the first page
  scheduled_outbound_calls_page(category, 50, cursor) the page after it
  scheduled_outbound_calls_summary()                  the counts
  SELECT * FROM callboard_call_summary                the same through the BI view

then creates the indexes CONCURRENTLY, as a DBA would, and times them again.
Run as root.
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "test", "gateway"))
import harness  # noqa: E402
import report  # noqa: E402

INDEXES = [
    "CREATE INDEX CONCURRENTLY twilio_calls_callboard_pages ON twilio_calls "
    "(api.callboard_call_category_rank(status), created_at DESC, id) WHERE direction = 'outbound'",
    "CREATE INDEX CONCURRENTLY twilio_calls_callboard_summary ON twilio_calls "
    "(status) WHERE direction = 'outbound'",
]
CATEGORIES = ["pending", "active", "completed", "failed"]


def timed(cur, sql, args, runs):
    cur.execute(sql, args)  # warm the plan and the cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        cur.execute(sql, args)
        cur.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(conn, runs):
    cur = conn.cursor()
    cur.execute("SET search_path = public")
    results = {}
    for category in CATEGORIES:
        results["first page, " + category] = timed(
            cur, "SELECT api.scheduled_outbound_calls_page(%s, 50)::text", (category,), runs)
        cur.execute("SELECT api.scheduled_outbound_calls_page(%s, 50) ->> 'next_cursor'", (category,))
        cursor = cur.fetchone()[0]
        results["next page, " + category] = timed(
            cur, "SELECT api.scheduled_outbound_calls_page(%s, 50, %s)::text", (category, cursor), runs)
    results["summary function"] = timed(cur, "SELECT api.scheduled_outbound_calls_summary()::text", (), runs)
    results["summary view"] = timed(cur, "SELECT * FROM api.callboard_call_summary", (), runs)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10000000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown")
    args = parser.parse_args()

    cluster = harness.Cluster()
    try:
        cluster.configure(shared_buffers="4GB", max_wal_size="8GB", maintenance_work_mem="1GB")

        start = time.time()
        harness.create_app_database(cluster, "bounded", calls=args.rows)
        conn = cluster.connect("bounded")
        conn.cursor().execute("VACUUM ANALYZE twilio_calls")
        cur = conn.cursor()
        cur.execute("SELECT count(*), pg_size_pretty(pg_table_size('twilio_calls')) FROM twilio_calls "
                    "WHERE direction = 'outbound'")
        outbound, size = cur.fetchone()
        cur.execute("SELECT count(*) FROM twilio_calls")
        total = cur.fetchone()[0]
        print("loaded %d calls (%d outbound, table %s) in %.0f s" % (total, outbound, size, time.time() - start),
              flush=True)

        without = measure(conn, args.runs)
        print("measured without the index", flush=True)
        built = []
        for index in INDEXES:
            start = time.time()
            conn.cursor().execute(index)
            built.append(time.time() - start)
        conn.cursor().execute("VACUUM ANALYZE twilio_calls")
        with_index = measure(conn, args.runs)
        conn.close()
    finally:
        cluster.stop_for_good()

    lines = ["%d calls (%d outbound, table %s); median of %d runs; shared_buffers 4GB, 2 cores"
             % (total, outbound, size, args.runs),
             "",
             "Indexes, built CONCURRENTLY:",
             ""] + ["- `%s` (%.0f s)" % (index, seconds) for index, seconds in zip(INDEXES, built)] + [
             "",
             "| call | without the indexes | with the indexes | speed-up |",
             "|---|---|---|---|"]
    for name in without:
        lines.append("| %s | %.1f ms | %.2f ms | %.0fx |"
                     % (name, without[name], with_index[name], without[name] / with_index[name]))
    report.emit(lines, args.markdown)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""scheduled_outbound_calls() against what a DBA would write instead, and the floor.

Run by bench/extension (which starts a throwaway cluster); connects with the
usual PG* environment variables.  On one database, on the same data:

  callboard   SELECT pg_column_size(scheduled_outbound_calls())
  sql         SELECT pg_column_size(bench_calls_sql())       (bench/reference.sql)
  copy floor  COPY (the same columns, join, filter and ORDER BY) TO '/dev/null'

pg_column_size() keeps the document in the server: a json -> text cast would
copy it twice through json_out/textin and measure that instead.  The backend's
peak memory is read from /proc (VmHWM, reset through clear_refs before each
run), so this must run as root or as the server's OS user.
"""
import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time

import psycopg2

import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

FLOOR_QUERY = """
SELECT c.created_at, c.id, c.call_sid, c.to_number, c.customer_name, c.status, a.id, a.name,
       c.started_at, c.duration
FROM twilio_calls c LEFT JOIN hume_agents a ON a.id = c.agent_id
WHERE c.direction = 'outbound'
ORDER BY callboard_call_category_rank(c.status), c.created_at DESC, c.id"""

SYSTEMS = [
    ("callboard", "SELECT pg_column_size(scheduled_outbound_calls())"),
    ("sql (row_to_json + string_agg)", "SELECT pg_column_size(bench_calls_sql())"),
    ("COPY floor", "COPY (%s) TO '/dev/null'" % FLOOR_QUERY),
]


def load(dbname, rows):
    """Creates dbname with the Django schema, callboard and `rows` calls, via COPY."""
    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute("DROP DATABASE IF EXISTS %s" % dbname)
    admin.cursor().execute("CREATE DATABASE %s" % dbname)
    admin.close()
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dbname]
    subprocess.run(psql + ["-f", os.path.join(ROOT, "test/fixtures/django_schema.sql")], check=True)
    subprocess.run(psql + ["-c", "CREATE EXTENSION callboard", "-f", os.path.join(HERE, "reference.sql")],
                   check=True)
    gen = os.path.join(ROOT, "scripts/gen_calls.py")
    for table, args in (("hume_agents", ["agents"]), ("twilio_calls", ["calls", str(rows)])):
        producer = subprocess.Popen(["/usr/bin/python3", gen] + args, stdout=subprocess.PIPE)
        subprocess.run(psql + ["-c", "COPY %s FROM STDIN" % table], stdin=producer.stdout, check=True)
        if producer.wait() != 0:
            sys.exit("gen_calls.py failed")
    subprocess.run(psql + ["-c", "VACUUM ANALYZE"], check=True)


def proc_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def measure(conn, pid, sql, runs):
    """Wall times of `runs` executions, and the largest rise of the backend's RSS."""
    cur = conn.cursor()
    cur.execute(sql)  # warm the cache and the plan
    times, peaks = [], []
    for _ in range(runs):
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")  # resets VmHWM to the current RSS
        base = proc_kb(pid, "VmRSS")
        start = time.perf_counter()
        cur.execute(sql)
        times.append(time.perf_counter() - start)
        peaks.append(proc_kb(pid, "VmHWM") - base)
    return times, max(peaks) * 1024


def digest(conn, function):
    cur = conn.cursor()
    cur.execute("SELECT md5(%s()::text), octet_length(%s()::text)" % (function, function))
    return cur.fetchone()


def mb(n):
    return "%.0f MB" % (n / 1e6)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markdown", help="also write the table here")
    args = parser.parse_args()

    dbname = "bench_extension"
    t0 = time.perf_counter()
    load(dbname, args.rows)
    print("loaded %d calls in %.1f s" % (args.rows, time.perf_counter() - t0), flush=True)

    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT pg_backend_pid(), count(*) FILTER (WHERE direction = 'outbound') FROM twilio_calls")
    pid, outbound = cur.fetchone()

    ours, size = digest(conn, "scheduled_outbound_calls")
    theirs, _ = digest(conn, "bench_calls_sql")
    if ours != theirs:
        sys.exit("bench_calls_sql() output differs from scheduled_outbound_calls()")

    results = []
    for name, sql in SYSTEMS:
        times, peak = measure(conn, pid, sql, args.runs)
        results.append((name, min(times), statistics.median(times), peak))
        print("measured %s" % name, flush=True)

    ours_median = results[0][2]
    lines = [
        "%d calls (%d outbound), %s of JSON; identical output checked (md5 %s); median of %d runs"
        % (args.rows, outbound, mb(size), ours, args.runs),
        "",
        "| system | min | median | time / callboard's | backend peak memory | peak / output |",
        "|---|---|---|---|---|---|",
    ]
    for name, best, median, peak in results:
        lines.append("| %s | %.2f s | %.2f s | %.2fx | %s | %.2f |"
                     % (name, best, median, median / ours_median, mb(peak), peak / size))
    sql_median, floor_median = results[1][2], results[2][2]
    lines += ["",
              "callboard is %.1fx faster than the SQL version and takes %.2fx the COPY floor's time."
              % (sql_median / ours_median, ours_median / floor_median)]
    report.emit(lines, args.markdown)


if __name__ == "__main__":
    main()

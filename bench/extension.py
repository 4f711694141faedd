#!/usr/bin/python3
"""scheduled_outbound_calls() against what a DBA would write instead, and the floor.

Run by bench/extension (which starts a throwaway cluster); connects with the
usual PG* environment variables.  On one database, on the same data:

  callboard   SELECT pg_column_size(scheduled_outbound_calls())
  stream      SELECT sum(octet_length(c)) FROM (SELECT scheduled_outbound_calls_chunks() AS c) s
  sql         SELECT pg_column_size(bench_calls_sql())       (bench/reference.sql)
  copy        COPY (the same columns, join, filter and ORDER BY) TO '/dev/null'

pg_column_size() and sum(octet_length()) keep the document in the server: a
json -> text cast would copy it twice through json_out/textin and measure
that instead.  The stream is called in the select list, where it streams, in
chunks of 64 kB.  The backend's peak memory is read from /proc (VmHWM, reset
through clear_refs before each run, over the resident size before it), so
this must run as root or as the server's OS user.  A second figure runs each
statement once in a new backend with JIT off, first call included, and takes
its own memory at the peak: VmHWM less RssShmem, the shared buffers it
touched.
"""
import argparse
import hashlib
import os
import re
import statistics
import subprocess
import sys
import time

import psycopg2

import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The rows of callboard's query, in its order and its shape (the rank first,
# so that the sort reads every key at a cached offset, as callboard's does).
FLOOR_QUERY = """
SELECT callboard_call_category_rank(c.status), c.created_at, c.id, c.call_sid, c.to_number,
       c.customer_name, c.status, a.id, a.name, c.started_at, c.duration
FROM twilio_calls c LEFT JOIN hume_agents a ON a.id = c.agent_id
WHERE c.direction = 'outbound'
ORDER BY callboard_call_category_rank(c.status), c.created_at DESC, c.id"""

STREAM_QUERY = ("SELECT sum(octet_length(c)) FROM"
                " (SELECT scheduled_outbound_calls_chunks(NULL, 65536) AS c) AS s")

# (key for --systems, name in the table, statement)
SYSTEMS = [
    ("callboard", "callboard", "SELECT pg_column_size(scheduled_outbound_calls())"),
    ("stream", "callboard stream (64 kB chunks)", STREAM_QUERY),
    ("sql", "sql (row_to_json + string_agg)", "SELECT pg_column_size(bench_calls_sql())"),
    ("copy", "COPY floor", "COPY (%s) TO '/dev/null'" % FLOOR_QUERY),
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


def own_peak_kb(pid):
    """The backend's own peak memory: its peak resident size less the shared
    memory it has touched (which stays resident and counted)."""
    return proc_kb(pid, "VmHWM") - proc_kb(pid, "RssShmem")


def fresh_peak(dbname, sql):
    """How much a new backend's own memory peaks above its start over one run
    of sql, first call included (library, catalog caches, plan).  JIT is off:
    loading LLVM alone takes about 60 MB, the same for every statement."""
    conn = psycopg2.connect(dbname=dbname)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET jit = off")
    cur.execute("SELECT pg_backend_pid()")
    pid = cur.fetchone()[0]
    before = own_peak_kb(pid)
    cur.execute(sql)
    peak = own_peak_kb(pid) - before
    conn.close()
    return peak * 1024


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
    """(md5, size) of the document; past the 1 GB value limit (None, size),
    the size read from the 54000 error, which counts the whole document."""
    cur = conn.cursor()
    try:
        cur.execute("SELECT md5(%s()::text), octet_length(%s()::text)" % (function, function))
    except psycopg2.errors.ProgramLimitExceeded as e:
        return None, int(re.search(r"output would be (\d+) bytes", str(e)).group(1))
    return cur.fetchone()


def stream_digest(conn):
    """(md5, size) of the stream's chunks; md5 only for what string_agg() can hold."""
    cur = conn.cursor()
    cur.execute(STREAM_QUERY)
    size = cur.fetchone()[0]
    if size >= 1 << 30:
        return None, size
    cur.execute("SELECT md5(string_agg(c, '')) FROM (SELECT scheduled_outbound_calls_chunks() AS c) AS s")
    return cur.fetchone()[0], size


def mb(n):
    return ("%.1f MB" if n < 10e6 else "%.0f MB") % (n / 1e6)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markdown", help="also write the table here")
    parser.add_argument("--systems", default="callboard,stream,sql,copy",
                        help="which to measure, comma-separated (default: all); callboard is always measured")
    args = parser.parse_args()
    wanted = set(args.systems.split(",")) | {"callboard"}

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
    if ours is None:
        # Over the 1 GB value limit: only the stream can return it.
        print("the document (%d bytes) is over the 1 GB value limit: not measuring the json value" % size)
        wanted -= {"callboard", "sql"}
        wanted.add("stream")
    if "sql" in wanted and digest(conn, "bench_calls_sql")[0] != ours:
        sys.exit("bench_calls_sql() output differs from scheduled_outbound_calls()")
    if "stream" in wanted:
        stream_md5, stream_size = stream_digest(conn)
        if stream_size != size or stream_md5 != ours:
            sys.exit("the chunks of scheduled_outbound_calls_chunks() differ from scheduled_outbound_calls()")

    results = {}
    for key, name, sql in SYSTEMS:
        if key in wanted:
            times, peak = measure(conn, pid, sql, args.runs)
            results[key] = (name, min(times), statistics.median(times), peak, fresh_peak(dbname, sql))
            print("measured %s" % name, flush=True)

    reference = "callboard" if "callboard" in results else "stream"
    ours_median = results[reference][2]
    checked = ("identical output checked (md5 %s)" % ours if ours is not None
               else "over the 1 GB value limit, the stream's size checked against the 54000 error's")
    lines = [
        "%d calls (%d outbound), %s of JSON; %s; median of %d runs"
        % (args.rows, outbound, mb(size), checked, args.runs),
        "",
        "| system | min | median | time / %s's | backend peak memory | peak / output | new backend's peak (JIT off) |"
        % reference,
        "|---|---|---|---|---|---|---|",
    ]
    for name, best, median, peak, fresh in results.values():
        lines.append("| %s | %.2f s | %.2f s | %.2fx | %s | %.3f | %s |"
                     % (name, best, median, median / ours_median, mb(peak), peak / size, mb(fresh)))
    lines.append("")
    if "sql" in results:
        lines.append("callboard is %.1fx faster than the SQL version." % (results["sql"][2] / ours_median))
    if "copy" in results:
        floor_median = results["copy"][2]
        taken = ["%s %.2fx" % (who, results[key][2] / floor_median)
                 for key, who in (("callboard", "the json function"), ("stream", "the stream")) if key in results]
        lines.append("Against the COPY floor's time: %s." % ", ".join(taken))
    if "stream" in results:
        lines.append("The stream's backend peak memory: %s over a warm backend's resident size, %s over a new"
                     " backend's own memory (first call included), for %s of JSON."
                     % (mb(results["stream"][3]), mb(results["stream"][4]), mb(size)))
    report.emit(lines, args.markdown)


if __name__ == "__main__":
    main()

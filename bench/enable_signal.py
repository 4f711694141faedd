#!/usr/bin/python3
"""How long webhooks wait while the change signal is turned on.

    bench/enable_signal.py [--calls 1000000 --calls 10000000] [--rate 50] [--rounds 3] [--markdown FILE]

One throwaway cluster (shared_buffers 4GB), the calls loaded with COPY, the two
indexes docs/sql-api.md recommends.  For each size, --rounds times each, taking
turns, the signal is turned off and then on again while one connection commits
--rate webhook writes a second (an UPDATE of one outbound call's status by primary
key, each its own transaction):

  function     SELECT callboard_enable_change_signal(): counts every outbound call
               while writers wait;
  procedure    CALL callboard_enable_change_signal_concurrently(): writers wait
               while the triggers go in; the calls are counted while they write.

Prints how long turning it on took, the longest a write took while it ran (from
the write's start to its commit), and a write's median latency outside it; then
checks that the kept counts equal a scan.  Run as root (bench/run installs the
extension first); about 2 minutes at 1,000,000 calls, 12 at 10,000,000 (mostly
loading).
"""
import argparse
import statistics
import time

import benchlib as b
from bounded import INDEXES

MODES = {
    "function": "SELECT api.callboard_enable_change_signal()",
    "procedure": "CALL api.callboard_enable_change_signal_concurrently()",
}


class Writer(b.PacedWriter):
    """One connection committing `rate` status changes a second; (start, end) of each."""

    def __init__(self, cluster, dbname, rate, ids):
        super().__init__(cluster, dbname, rate)
        self.conn.autocommit = True
        self.ids = ids
        self.writes = []

    def write(self, cur, n):
        sent = time.perf_counter()
        cur.execute("UPDATE twilio_calls SET status = %s, updated_at = now() WHERE id = %s",
                    (("in-progress", "completed", "no-answer")[n % 3], self.ids[n % len(self.ids)]))
        self.writes.append((sent, time.perf_counter()))
        return True


def one_round(cluster, dbname, mode, rate, ids):
    conn = cluster.connect(dbname)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET search_path = public")
    cur.execute("SELECT api.callboard_disable_change_signal()")
    writer = Writer(cluster, dbname, rate, ids)
    writer.start()
    time.sleep(2)
    began = time.perf_counter()
    cur.execute(MODES[mode])
    ended = time.perf_counter()
    time.sleep(2)
    writer.stop()
    during = [(e - s) * 1000 for s, e in writer.writes if s < ended and e > began]
    outside = [(e - s) * 1000 for s, e in writer.writes if e < began or s > ended]
    cur.execute("SELECT bool_and(kept = counted) FROM api.callboard_verify_counts()")
    exact = cur.fetchone()[0]
    conn.close()
    return {"enable_ms": (ended - began) * 1000, "writes_during": len(during), "max_wait_ms": max(during or [0]),
            "median_ms": statistics.median(outside), "exact": exact}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, action="append")
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    sizes = sorted(args.calls or [1000000, 10000000])

    rows = []
    cluster = b.harness.Cluster()
    try:
        cluster.configure(shared_buffers="4GB", max_wal_size="8GB", maintenance_work_mem="1GB")
        dbname, loaded = "enable_signal", 0
        b.harness.create_app_database(cluster, dbname, calls=0)
        conn = cluster.connect(dbname)
        conn.autocommit = True
        cur = conn.cursor()
        for size in sizes:
            start = time.time()
            b.harness.load_calls(cluster, dbname, loaded, size)
            if loaded == 0:
                for index in INDEXES:
                    cur.execute(index)
            loaded = size
            cur.execute("VACUUM ANALYZE twilio_calls")
            cur.execute("SELECT id::text FROM twilio_calls WHERE direction = 'outbound' LIMIT 5000")
            ids = [r[0] for r in cur.fetchall()]
            print("%d calls loaded and indexed in %.0f s" % (size, time.time() - start), flush=True)
            results = {mode: [] for mode in MODES}
            for _ in range(args.rounds):
                for mode in MODES:
                    r = one_round(cluster, dbname, mode, args.rate, ids)
                    print(size, mode, r, flush=True)
                    results[mode].append(r)
            for mode, rs in results.items():
                rows.append((size, mode, statistics.median(r["enable_ms"] for r in rs),
                             statistics.median(r["max_wait_ms"] for r in rs), max(r["max_wait_ms"] for r in rs),
                             statistics.median(r["median_ms"] for r in rs), all(r["exact"] for r in rs)))
        conn.close()
    finally:
        cluster.stop_for_good()

    lines = ["Turning the change signal on while one connection commits %d webhook writes a second (median of %d "
             "rounds; shared_buffers 4GB, 2 cores):" % (args.rate, args.rounds), "",
             "| calls | turned on by | took | longest write meanwhile (median / worst round) "
             "| a write otherwise | counts equal a scan |",
             "|---|---|---|---|---|---|"]
    for size, mode, took, wait, worst, median, exact in rows:
        lines.append("| {:,} | {} | {:.0f} ms | {:.1f} / {:.1f} ms | {:.2f} ms | {} |".format(
            size, "`%s`" % MODES[mode].split(" ", 1)[1].replace("api.", ""), took, wait, worst, median,
            "yes" if exact else "NO"))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()

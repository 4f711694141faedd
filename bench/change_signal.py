#!/usr/bin/python3
"""What the change signal costs the webhooks' writes: UPDATE throughput with it off and on.

    bench/change_signal.py [--seconds 15] [--clients 4] [--rounds 2] [--markdown FILE]

One throwaway cluster with 100,000 calls.  pgbench runs a webhook's write (an UPDATE of
one random call's status and duration, by primary key, one per transaction) with the
signal off, then on with a connection LISTENing as the gateway does, alternating for
--rounds rounds, the same script and clients each time.  Prints transactions/s and mean
latency, and the ratio on/off; then the same at a steady --rate of writes, where what the
signal costs is latency, not throughput.  Run as root.
"""
import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "test", "gateway"))
import harness  # noqa: E402

CALLS = 100000
WEBHOOK = """\\set n random(1, %d)
UPDATE twilio_calls SET status = (ARRAY['ringing', 'in-progress', 'completed', 'no-answer'])[1 + :n %% 4],
       duration = duration + 1, updated_at = now()
WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
""" % CALLS


def pgbench(cluster, script, seconds, clients, rate=None):
    """(transactions/s, mean latency in ms, transactions); `rate`: at most so many a second."""
    limit = ["-R", str(rate)] if rate else []
    out = subprocess.run(["pgbench", "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
                          "-f", script] + limit + ["signal_cost"],
                         check=True, capture_output=True, text=True, env=cluster.env()).stdout
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    done = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))
    return tps, latency, done


class Listener:
    """A connection LISTENing as the gateway does, counting notifications on a thread."""

    def __init__(self, cluster):
        self.conn = cluster.connect("signal_cost")
        self.conn.cursor().execute("LISTEN callboard_changes")
        self.count = 0
        self.running = True
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self):
        while self.running:
            if select.select([self.conn], [], [], 0.2)[0]:
                self.conn.poll()
                self.count += len(self.conn.notifies)
                self.conn.notifies.clear()

    def stop(self):
        self.running = False
        self.thread.join()
        self.conn.poll()
        self.count += len(self.conn.notifies)
        self.conn.close()
        return self.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rate", type=int, default=500, help="writes/s of the steady run (a busy call center)")
    parser.add_argument("--markdown")
    args = parser.parse_args()

    cluster = harness.Cluster()
    try:
        harness.create_app_database(cluster, "signal_cost", calls=CALLS)
        db = cluster.connect("signal_cost")
        cur = db.cursor()
        cur.execute("ALTER ROLE authenticator RESET log_statement")
        cur.execute("CREATE TABLE bench_ids AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM twilio_calls")
        cur.execute("CREATE UNIQUE INDEX ON bench_ids (n)")
        cur.execute("VACUUM ANALYZE")
        fd, script = tempfile.mkstemp(suffix=".sql")
        with os.fdopen(fd, "w") as f:
            f.write(WEBHOOK)
        os.chmod(script, 0o644)

        results = {"off": [], "on": [], "off at rate": [], "on at rate": []}
        delivered = []
        for _ in range(args.rounds):
            for state in ("off", "on", "off at rate", "on at rate"):
                listener = None
                if state.startswith("on"):
                    cur.execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
                    listener = Listener(cluster)
                else:
                    cur.execute("SET search_path = public, api; SELECT api.callboard_disable_change_signal()")
                rate = args.rate if state.endswith("at rate") else None
                outcome = pgbench(cluster, script, args.seconds, args.clients, rate)
                results[state].append(outcome)
                if listener:
                    delivered.append((listener.stop(), outcome[2]))
        os.unlink(script)

        def median(state, i):
            return statistics.median(r[i] for r in results[state])

        lines = [
            "Webhook writes (pgbench: one UPDATE of a random call by primary key per transaction, "
            "%d clients, %d s, median of %d rounds, 100,000 calls):" % (args.clients, args.seconds, args.rounds),
            "",
            "| change signal | transactions/s | mean latency |",
            "|---|---|---|",
            "| off, as fast as it goes | %.0f | %.3f ms |" % (median("off", 0), median("off", 1)),
            "| on, one connection listening | %.0f | %.3f ms |" % (median("on", 0), median("on", 1)),
            "| off, %d writes/s | %.0f | %.3f ms |" % (args.rate, median("off at rate", 0), median("off at rate", 1)),
            "| on, %d writes/s | %.0f | %.3f ms |" % (args.rate, median("on at rate", 0), median("on at rate", 1)),
            "",
            "At full speed, with the signal on: %.1f%% of the throughput without it (%+.3f ms per write); "
            "at %d writes/s, %+.3f ms per write. "
            "Notifications received / transactions committed, per round: %s."
            % (100 * median("on", 0) / median("off", 0), median("on", 1) - median("off", 1),
               args.rate, median("on at rate", 1) - median("off at rate", 1),
               ", ".join("%d / %d" % d for d in delivered)),
        ]
        text = "\n".join(lines) + "\n"
        print(text)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text)
    finally:
        cluster.stop_for_good()


if __name__ == "__main__":
    main()

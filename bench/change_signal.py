#!/usr/bin/python3
"""What the change signal and the kept counts cost the webhooks' writes.

    bench/change_signal.py [--seconds 15] [--clients 8] [--rounds 2] [--markdown FILE]

One throwaway cluster with 100,000 calls.  pgbench runs a webhook's write (an UPDATE of
one random outbound call's status and duration, by primary key, one per transaction)
three ways, each for --rounds rounds, taking turns, the same script and clients each time:

  off              no trigger;
  signal only      callboard 0.3.0's signal: a statement trigger on each table that
                   NOTIFYs (callboard_notify_change());
  signal + counts  callboard_enable_change_signal(): the count triggers, which keep the
                   counts per category and notify at commit.

With the signal on, a connection LISTENs as the gateway does and counts what it
receives.  Prints transactions/s and mean latency, the ratio counts / signal only; then
the same at a steady --rate of writes, where the cost is latency, not throughput.
Run as root.
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
\\set s random(1, 4)
UPDATE twilio_calls SET status = (ARRAY['ringing', 'in-progress', 'completed', 'no-answer'])[:s],
       duration = duration + 1, updated_at = now()
WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
"""
STATES = ("off", "signal only", "signal + counts")
# callboard 0.3.0's signal, by hand: one notifying statement trigger per table.
SIGNAL_ONLY = """
SELECT api.callboard_disable_change_signal();
CREATE TRIGGER callboard_change_signal AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON twilio_calls
FOR EACH STATEMENT EXECUTE FUNCTION api.callboard_notify_change();
CREATE TRIGGER callboard_change_signal AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hume_agents
FOR EACH STATEMENT EXECUTE FUNCTION api.callboard_notify_change();
"""


def set_state(cur, state):
    cur.execute("SET search_path = public, api")
    if state == "off":
        cur.execute("SELECT api.callboard_disable_change_signal()")
    elif state == "signal only":
        cur.execute(SIGNAL_ONLY)
    else:
        cur.execute("SELECT api.callboard_enable_change_signal()")
    cur.execute("VACUUM ANALYZE twilio_calls")


def pgbench(cluster, script, seconds, clients, rate=None):
    """(transactions/s, mean latency in ms from send to commit, transactions); `rate`: at most so many a second."""
    limit = ["-R", str(rate)] if rate else []
    out = subprocess.run(["pgbench", "-n", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds),
                          "-f", script] + limit + ["signal_cost"],
                         check=True, capture_output=True, text=True, env=cluster.env()).stdout
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))
    # With -R, pgbench's average counts from each transaction's scheduled
    # start: take out the time it waited for a client (the schedule lag).
    lag = re.search(r"rate limit schedule lag: avg ([\d.]+)", out)
    if lag:
        latency -= float(lag.group(1))
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
    parser.add_argument("--clients", type=int, default=8)
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
        cur.execute("CREATE TABLE bench_ids AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM twilio_calls"
                    " WHERE direction = 'outbound'")
        cur.execute("SELECT count(*) FROM bench_ids")
        outbound = cur.fetchone()[0]
        cur.execute("CREATE UNIQUE INDEX ON bench_ids (n)")
        cur.execute("VACUUM ANALYZE")
        fd, script = tempfile.mkstemp(suffix=".sql")
        with os.fdopen(fd, "w") as f:
            f.write(WEBHOOK % outbound)
        os.chmod(script, 0o644)

        results = {(state, rated): [] for state in STATES for rated in (False, True)}
        delivered = []
        for _ in range(args.rounds):
            for rated in (False, True):
                for state in STATES:
                    set_state(cur, state)
                    listener = Listener(cluster) if state != "off" else None
                    outcome = pgbench(cluster, script, args.seconds, args.clients, args.rate if rated else None)
                    results[(state, rated)].append(outcome)
                    if listener:
                        delivered.append((state, listener.stop(), outcome[2]))
        set_state(cur, "off")
        os.unlink(script)

        def median(state, rated, i):
            return statistics.median(r[i] for r in results[(state, rated)])

        lines = [
            "Webhook writes (pgbench: one UPDATE of a random outbound call by primary key per transaction, "
            "%d clients, %d s, median of %d rounds, 100,000 calls):" % (args.clients, args.seconds, args.rounds),
            "",
            "| change signal | as fast as it goes | mean latency | at %d writes/s | mean latency |" % args.rate,
            "|---|---|---|---|---|",
        ] + ["| %s | %.0f tps | %.3f ms | %.0f tps | %.3f ms |"
             % (state, median(state, False, 0), median(state, False, 1), median(state, True, 0),
                median(state, True, 1)) for state in STATES] + [
            "",
            "Signal + counts: %.1f%% of the throughput of the signal alone (%+.3f ms per write), "
            "%.1f%% of no signal; at %d writes/s, %+.3f ms per write over the signal alone, %+.3f ms over none. "
            "Notifications received / transactions committed, per run: %s."
            % (100 * median("signal + counts", False, 0) / median("signal only", False, 0),
               median("signal + counts", False, 1) - median("signal only", False, 1),
               100 * median("signal + counts", False, 0) / median("off", False, 0),
               args.rate, median("signal + counts", True, 1) - median("signal only", True, 1),
               median("signal + counts", True, 1) - median("off", True, 1),
               ", ".join("%s %d / %d" % d for d in delivered)),
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

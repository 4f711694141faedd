"""Kept counts under a randomized concurrent load: after 100,000 transactions of
eight writers (moves, direction changes, inserts, upserts, deletes, bulk
updates, savepoints rolled back and released, rollbacks, prepared
transactions committed and rolled back, COPY and TRUNCATE), the kept counts
equal a count of the rows; and every snapshot taken while the writers run
sees them equal too.  (CALLBOARD_COUNTS_TRANSACTIONS sets the number.)
Then the signal turned on again and again, concurrently, while they write."""
import io
import os
import random
import threading
import time
import uuid

import psycopg2
import pytest

import harness

TRANSACTIONS = int(os.environ.get("CALLBOARD_COUNTS_TRANSACTIONS", "100000"))
WRITERS = 8
SIDS = 4000  # the key space the writers share: they collide, deadlock, and wait
STATUSES = ["initiated", "queued", "ringing", "in_progress", "in-progress", "completed", "failed", "busy",
            "no_answer", "no-answer", "canceled", "Completed", "weird"]


@pytest.fixture(scope="module")
def counts_db(cluster):
    harness.create_app_database(cluster, "counts", calls=2000)
    conn = cluster.connect("counts")
    cur = conn.cursor()
    cur.execute("SET search_path = public, api; SELECT api.callboard_enable_change_signal()")
    # The writers' calls: R0..R3999, half of them there at the start.
    cur.execute("INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,"
                " created_at, updated_at)"
                " SELECT gen_random_uuid(), 'R' || g, '+1', '+2', 'outbound', 'queued', 0, now(), now()"
                " FROM generate_series(0, %s, 2) g", (SIDS - 1,))
    yield conn
    conn.close()


def verify(cur):
    """(kept, counted) per category, in one snapshot."""
    cur.execute("SELECT array_agg(kept ORDER BY category), array_agg(counted ORDER BY category)"
                " FROM api.callboard_verify_counts()")
    return cur.fetchone()


def statement(rng):
    sid = "R%d" % rng.randrange(SIDS)
    status = rng.choice(STATUSES)
    kind = rng.random()
    if kind < 0.45:
        return "UPDATE twilio_calls SET status = '%s', duration = duration + 1 WHERE call_sid = '%s'" % (status, sid)
    if kind < 0.55:
        return ("UPDATE twilio_calls SET direction = CASE direction WHEN 'outbound' THEN 'inbound' ELSE 'outbound' END"
                " WHERE call_sid = '%s'" % sid)
    if kind < 0.70:
        return ("INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration,"
                " created_at, updated_at) VALUES ('%s', '%s', '+1', '+2', '%s', '%s', 0, now(), now())"
                " ON CONFLICT (call_sid) DO UPDATE SET status = excluded.status"
                % (uuid.uuid4(), sid, rng.choice(["outbound", "outbound", "inbound"]), status))
    if kind < 0.85:
        return "DELETE FROM twilio_calls WHERE call_sid = '%s'" % sid
    if kind < 0.90:
        return "UPDATE twilio_calls SET status = '%s' WHERE call_sid LIKE 'R%d%%'" % (status, rng.randrange(10, 40))
    return "UPDATE twilio_calls SET duration = duration + 1 WHERE call_sid = '%s'" % sid


class Writer(threading.Thread):
    def __init__(self, cluster, number, budget, truncate_at):
        super().__init__()
        self.rng = random.Random(number)
        self.conn = cluster.connect("counts")
        self.number = number
        self.budget = budget
        self.truncate_at = truncate_at
        self.done = {"committed": 0, "rolled back": 0, "prepared": 0, "copied": 0, "truncated": 0, "failed": 0}
        self.error = None

    def transaction(self, n):
        rng = self.rng
        body = [statement(rng) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            body += ["SAVEPOINT s", statement(rng), rng.choice(["ROLLBACK TO SAVEPOINT s", "RELEASE SAVEPOINT s"]),
                     statement(rng)]
        cur = self.conn.cursor()
        end = rng.random()
        if n in self.truncate_at:
            cur.execute("BEGIN; TRUNCATE twilio_calls; %s; COMMIT" % statement(rng))
            self.done["truncated"] += 1
        elif end < 0.02:
            name = "counts_%d_%d" % (self.number, n)
            cur.execute("BEGIN; %s; PREPARE TRANSACTION '%s'" % ("; ".join(body), name))
            cur.execute("%s PREPARED '%s'" % (rng.choice(["COMMIT", "ROLLBACK"]), name))
            self.done["prepared"] += 1
        elif end < 0.04:
            rows = "".join("%s\tC%d_%d_%d\t+1\t+2\t%s\t%s\t0\t2025-10-24 10:00:00+00\t2025-10-24 10:00:00+00\n"
                           % (uuid.uuid4(), self.number, n, i, rng.choice(["outbound", "inbound"]), rng.choice(STATUSES))
                           for i in range(rng.randint(1, 20)))
            cur.copy_from(io.StringIO(rows), "twilio_calls", columns=(
                "id", "call_sid", "from_number", "to_number", "direction", "status", "duration", "created_at",
                "updated_at"))
            self.done["copied"] += 1
        elif end < 0.14:
            cur.execute("BEGIN; %s; ROLLBACK" % "; ".join(body))
            self.done["rolled back"] += 1
        else:
            cur.execute("BEGIN; %s; COMMIT" % "; ".join(body))
            self.done["committed"] += 1

    def run(self):
        try:
            for n in range(self.budget):
                try:
                    self.transaction(n)
                except (psycopg2.errors.DeadlockDetected, psycopg2.errors.UniqueViolation):
                    self.conn.cursor().execute("ROLLBACK")
                    self.done["failed"] += 1
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e
        finally:
            self.conn.close()


def test_kept_counts_equal_the_rows_after_100000_concurrent_transactions(cluster, counts_db):
    writers = [Writer(cluster, w, TRANSACTIONS // WRITERS, {TRANSACTIONS // WRITERS // 3} if w < 2 else set())
               for w in range(WRITERS)]
    started = time.time()
    for w in writers:
        w.start()
    # Snapshots taken while they write: each must see the counts equal.
    checker = cluster.connect("counts")
    cur = checker.cursor()
    checked, unequal = 0, []
    cur.execute("SET search_path = public, api")
    while any(w.is_alive() for w in writers):
        kept, counted = verify(cur)
        # The summary (kept counts) and the document (the rows) in one statement's snapshot.
        cur.execute("SELECT (scheduled_outbound_calls_summary() -> 'summary')::text,"
                    " (scheduled_outbound_calls() -> 'summary')::text")
        summary, document = cur.fetchone()
        checked += 1
        if kept != counted or summary != document:
            unequal.append((kept, counted, summary, document))
        time.sleep(0.02)
    for w in writers:
        w.join()
    errors = [w.error for w in writers if w.error]
    assert not errors, errors
    done = {k: sum(w.done[k] for w in writers) for k in writers[0].done}
    print("%d transactions in %.1f s: %s; %d snapshots checked meanwhile"
          % (TRANSACTIONS, time.time() - started, done, checked))
    assert sum(done.values()) == WRITERS * (TRANSACTIONS // WRITERS)
    assert done["committed"] > TRANSACTIONS / 2 and done["rolled back"] > 0 and done["prepared"] > 0
    assert done["copied"] > 0 and done["truncated"] == 2
    assert checked > 10
    assert unequal == [], "snapshots where the kept counts differ from the rows"
    kept, counted = verify(cur)
    assert kept == counted and None not in kept
    # The readers answer from them: the summary equals the document's lists.
    cur.execute("SELECT (scheduled_outbound_calls_summary() -> 'summary')::text,"
                " (scheduled_outbound_calls() -> 'summary')::text")
    summary, document = cur.fetchone()
    assert summary == document
    checker.close()


def test_kept_counts_exact_when_turned_on_while_writers_write(cluster, counts_db):
    """CALL callboard_enable_change_signal_concurrently() six times while eight
    writers run 24,000 more transactions (after turning the signal off, or
    over counts already kept): every snapshot sees the counts not kept or
    equal to the rows, the writers wait only while the triggers go in, and at
    the end the counts are kept and equal the rows."""
    budget = 3000
    writers = [Writer(cluster, 100 + w, budget, {budget // 2} if w == 0 else set()) for w in range(WRITERS)]
    checker = cluster.connect("counts")
    checker.autocommit = True
    cur = checker.cursor()
    cur.execute("SET search_path = public, api")
    for w in writers:
        w.start()
    turned_on, checked, unequal = 0, 0, []
    while any(w.is_alive() for w in writers):
        if turned_on < 6 and checked % 10 == 5:
            if turned_on % 2 == 0:
                cur.execute("SELECT api.callboard_disable_change_signal()")
            cur.execute("CALL api.callboard_enable_change_signal_concurrently()")
            turned_on += 1
        kept, counted = verify(cur)
        checked += 1
        if None not in kept and kept != counted:
            unequal.append((kept, counted))
        time.sleep(0.02)
    for w in writers:
        w.join()
    errors = [w.error for w in writers if w.error]
    assert not errors, errors
    assert turned_on == 6, "the writers finished before the signal was turned on six times"
    assert unequal == [], "snapshots where the kept counts differ from the rows"
    kept, counted = verify(cur)
    assert None not in kept, "the counts are not kept after the last call"
    assert kept == counted
    checker.close()

"""What the gateway benchmarks share: loading calls, starting gateways (this
tree's and the one before the event-driven rewrite), timing with curl, wrk
and psql, and reading a process's memory, page faults and CPU from /proc."""
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "gateway"))
import harness  # noqa: E402
from conftest import make_token, simplejwt_token  # noqa: E402,F401

LEGACY = "/api/hume-twilio/dashboard/outbound/scheduled/"

# COPY of the same columns, join, filter and order as the document: the cost
# of reading and sorting the rows with nothing built.
FLOOR = ("COPY (SELECT c.created_at, c.id, c.call_sid, c.to_number, c.customer_name, c.status, a.id, a.name,"
         " c.started_at, c.duration FROM twilio_calls c"
         " LEFT JOIN hume_agents a ON a.id = c.agent_id WHERE c.direction = 'outbound'"
         " ORDER BY api.callboard_call_category_rank(c.status), c.created_at DESC, c.id) TO '/dev/null'")

# The last gateway before the event-driven rewrite: cpp-httplib, whole documents.
OLD_COMMIT = "e4c01c0"
PAGE_SIZE = 4096
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- /proc

def kb(pid, field):
    """A /proc/PID/status field in kB (VmRSS, VmHWM, RssFile, ...)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    """VmHWM starts again from the current RSS."""
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")


def _stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()


def minflt(pid):
    """Minor page faults of the whole process so far (field 10 of /proc/PID/stat)."""
    return int(_stat(pid)[7])


def cpu_seconds(pid):
    """User + system CPU of the whole process so far (fields 14 and 15)."""
    s = _stat(pid)
    return (int(s[11]) + int(s[12])) / TICKS


# ---------------------------------------------------------------- data

def load_outbound(cluster, cur, dbname, loaded, size):
    """Extends twilio_calls with the next calls of gen_calls.py's sequence so that
    `size` are outbound (as compare.py does); returns (rows loaded, outbound, seconds)."""
    start = time.time()
    target = max(loaded, int(size / 0.85))
    if target > loaded:
        harness.load_calls(cluster, dbname, loaded, target)
    cur.execute("DELETE FROM twilio_calls WHERE direction = 'outbound' AND id IN "
                "(SELECT id FROM twilio_calls WHERE direction = 'outbound' ORDER BY id OFFSET %s)", (size,))
    cur.execute("VACUUM ANALYZE twilio_calls")
    cur.execute("SELECT count(*) FROM twilio_calls WHERE direction = 'outbound'")
    return target, cur.fetchone()[0], time.time() - start


def create_exact(cluster, dbname, outbound):
    """A database whose document holds exactly `outbound` calls (all rows outbound)."""
    harness.create_app_database(cluster, dbname, calls=int(outbound / 0.8) + 100)
    conn = cluster.connect(dbname)
    cur = conn.cursor()
    cur.execute("DELETE FROM twilio_calls WHERE direction <> 'outbound'")
    cur.execute("DELETE FROM twilio_calls WHERE id IN (SELECT id FROM twilio_calls ORDER BY id OFFSET %s)",
                (outbound,))
    cur.execute("ALTER ROLE authenticator RESET log_statement")
    cur.execute("VACUUM ANALYZE twilio_calls")
    conn.close()


def backend_pid(cur, dbname):
    """The pooled backend that served the last document (db-pool = 1)."""
    cur.execute("SELECT pid FROM pg_stat_activity WHERE usename = 'authenticator' AND datname = %s"
                " AND query LIKE '%%scheduled_outbound_calls%%' ORDER BY backend_start DESC", (dbname,))
    row = cur.fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------- gateways

def start_gateway(binary, cluster, dbname, **settings):
    """harness.Gateway running `binary` (this tree's by default)."""
    saved = harness.GATEWAY
    harness.GATEWAY = binary or saved
    try:
        g = harness.Gateway(cluster, dbname, **settings)
    finally:
        harness.GATEWAY = saved
    stop_it = g.stop

    def stop_and_clean():
        stop_it()
        if os.path.exists(g.log_path):
            os.unlink(g.log_path)
    g.stop = stop_and_clean
    return g


def old_gateway():
    """The gateway of OLD_COMMIT, built once into bench/out/ from a temporary worktree
    (or CALLBOARD_OLD_GATEWAY)."""
    if os.environ.get("CALLBOARD_OLD_GATEWAY"):
        return os.environ["CALLBOARD_OLD_GATEWAY"]
    out = os.path.join(HERE, "out", "callboard-gateway-" + OLD_COMMIT)
    if os.path.exists(out):
        return out
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tree = tempfile.mkdtemp(prefix="callboard-old.")
    os.rmdir(tree)
    print("building the gateway of %s in %s" % (OLD_COMMIT, tree), flush=True)
    subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", tree, OLD_COMMIT], check=True,
                   capture_output=True)
    try:
        subprocess.run(["make", "-s", "-C", tree, "callboard-gateway"], check=True, capture_output=True)
        shutil.copy(os.path.join(tree, "callboard-gateway"), out + ".tmp")
        os.rename(out + ".tmp", out)
    finally:
        subprocess.run(["git", "-C", ROOT, "worktree", "remove", "--force", tree], check=False,
                       capture_output=True)
    return out


def signal_on(cluster, dbname):
    """callboard's change signal: statement triggers that NOTIFY callboard_changes."""
    conn = cluster.connect(dbname)
    conn.cursor().execute("SELECT api.callboard_enable_change_signal()")
    conn.close()


def last_document_query(cur, dbname):
    """When the gateway's pooled backends last began a document query (pg_stat_activity is live)."""
    cur.execute("SELECT max(query_start) FROM pg_stat_activity WHERE usename = 'authenticator'"
                " AND datname = %s AND query LIKE '%%scheduled_outbound_calls%%'", (dbname,))
    return cur.fetchone()[0]


def wait_from_memory(url, token, cur, dbname, timeout=10):
    """Until a GET of url is answered without a query (from the cohort's memory: the
    gateway trusts the change signal); False if that never happens."""
    import requests
    deadline = time.time() + timeout
    while time.time() < deadline:
        requests.get(url, headers={"Authorization": "Bearer " + token})
        before = last_document_query(cur, dbname)
        requests.get(url, headers={"Authorization": "Bearer " + token})
        if last_document_query(cur, dbname) == before:
            return True
        time.sleep(0.1)
    return False


# ---------------------------------------------------------------- clients

def curl(url, token, extra=()):
    """(status, bytes, ms) of one request, the body discarded, timed by curl itself."""
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}",
                          "-H", "Authorization: Bearer " + token] + list(extra) + [url],
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1]), float(out[2]) * 1000


def psql_times(cluster, dbname, sql, runs):
    """Milliseconds per execution of sql by psql's \\timing (output to /dev/null)."""
    script = "SET search_path = api, public;\n\\timing on\n" + (sql + ";\n") * runs
    out = subprocess.run(["psql", "-X", "-q", "-o", "/dev/null", "-d", dbname], input=script, check=True,
                         capture_output=True, text=True, env=cluster.env()).stdout
    return [float(t) for t in re.findall(r"^Time: ([\d.]+) ms", out, re.M)]


def wrk_args(threads, connections, seconds, headers=()):
    args = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency", "--timeout", "30s"]
    for h in headers:
        args += ["-H", h]
    return args


def parse_wrk(out):
    def latency(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    requests_ = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": latency(50), "p90": latency(90), "p99": latency(99), "requests": requests_,
            "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0}


# A wrk script that sends, request after request, the next of the tokens in the
# file given after "--": every request its own audience (cohort), so that no
# two in flight share one query.
ROTATE_TOKENS = """
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local tokens = {}
local n = 0
function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  n = (id * 7919) % #tokens       -- each thread starts elsewhere in the list
end
function request()
  n = n % #tokens + 1
  return wrk.format(nil, nil, {["Authorization"] = "Bearer " .. tokens[n]})
end
"""


def wrk(url, threads=2, connections=16, seconds=10, headers=(), tokens=None):
    """wrk's figures; with `tokens`, each request carries the next of them (ROTATE_TOKENS)."""
    args = wrk_args(threads, connections, seconds, headers)
    files = []
    if tokens:
        for text in (ROTATE_TOKENS, "\n".join(tokens) + "\n"):
            fd, path = tempfile.mkstemp()
            with os.fdopen(fd, "w") as f:
                f.write(text)
            files.append(path)
        args += ["-s", files[0], url, "--", files[1]]
    else:
        args.append(url)
    try:
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    finally:
        for path in files:
            os.unlink(path)
    return parse_wrk(out)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, p):
    """The p-th percentile (nearest rank) of xs."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def stop(process):
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def admin_gateway(binary, cluster, dbname, **settings):
    """start_gateway with the admin listener on (/metrics); its URL in .admin_url."""
    port = harness.free_port()
    g = start_gateway(binary, cluster, dbname, admin_server_port=port, **settings)
    g.admin_url = "http://127.0.0.1:%d" % port
    return g


def metrics(gateway):
    """The gateway's Prometheus metrics: {'name{labels}': value}."""
    import requests
    out = {}
    for line in requests.get(gateway.admin_url + "/metrics", timeout=10).text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            try:
                out[name] = float(value)
            except ValueError:
                pass
    return out


class PacedWriter(threading.Thread):
    """One connection doing `rate` writes a second, on a thread, until stop():
    write(cur, n) does the n-th (each its own transaction) and returns False
    when it has nothing left to write."""

    def __init__(self, cluster, dbname, rate):
        super().__init__(daemon=True)
        self.conn = cluster.connect(dbname)
        self.rate = rate
        self.running = True

    def write(self, cur, n):
        raise NotImplementedError

    def run(self):
        cur = self.conn.cursor()
        start, n = time.time(), 0
        while self.running and self.write(cur, n) is not False:
            n += 1
            pause = start + n / self.rate - time.time()
            if pause > 0:
                time.sleep(pause)

    def stop(self):
        self.running = False
        self.join()
        self.conn.close()

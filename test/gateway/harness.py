#!/usr/bin/python3
"""A throwaway PostgreSQL with the app's schema and callboard, and callboard-gateway on it.

Used by the pytest suite (conftest.py) and, from the command line, to run
another client against the same set-up:

    test/gateway/harness.py node --test test/js/

runs the command with GATEWAY_URL, JWT_SECRET and PG* in its environment and
tears everything down afterwards.  Everything listens on 127.0.0.1 only.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import psycopg2
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# CALLBOARD_GATEWAY: another build of the binary (the sanitizer build, say).
GATEWAY = os.environ.get("CALLBOARD_GATEWAY") or os.path.join(ROOT, "callboard-gateway")
# A sanitizer build (make sanitize-gateway) stops at its first report and
# prints a stack; Gateway.stop() fails the test if its log holds a report.
# Its memory is ASan's shadow and quarantine as much as the gateway's own, so
# tests do not bound its RSS.
SANITIZED = b"__asan_init" in open(GATEWAY, "rb").read() if os.path.exists(GATEWAY) else False
SANITIZER_OPTIONS = {"ASAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
                     "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}
SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
JWT_SECRET = "callboard-test-secret-0123456789-abcdefghij"
AUTHENTICATOR_PASSWORD = "authenticator-test-password"
SAMPLE_CALLS = 150


def run_bash(script, env=None):
    """Runs bash with the cluster helper sourced; returns stdout."""
    full = ". %s/scripts/pg_cluster.sh\n%s" % (ROOT, script)
    return subprocess.run(["bash", "-c", full], check=True, capture_output=True, text=True,
                          env=env or os.environ.copy()).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def end_process(process, grace=10):
    """SIGTERM, then SIGKILL if it has not exited within `grace` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Cluster:
    """One throwaway cluster, started with scripts/pg_cluster.sh; with
    `replica_of`, a hot standby streaming from that cluster."""

    def __init__(self, replica_of=None):
        start = ("cluster_start_replica %d" % replica_of.port if replica_of
                 else "cluster_start track_functions=all max_connections=60 max_prepared_transactions=4")
        out = run_bash(start + " >&2 && echo $PGPORT $CLUSTER_DIR")
        self.port, self.dir = out.split()
        self.port = int(self.port)

    def env(self):
        env = os.environ.copy()
        env.update(PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER="postgres", CLUSTER_DIR=self.dir)
        return env

    def configure(self, **settings):
        """ALTER SYSTEM SET each setting, then restart to apply them all."""
        conn = self.connect()
        for name, value in settings.items():
            conn.cursor().execute("ALTER SYSTEM SET %s = %%s" % name, (str(value),))
        conn.close()
        self.ctl("restart")

    def log_path(self):
        return os.path.join(self.dir, "server.log")

    def ctl(self, action):
        """stop, start or restart the server, with the settings it started with."""
        run_bash("cluster_ctl %s" % action, env=self.env())

    def stop_for_good(self):
        run_bash("cluster_stop", env=self.env())

    def connect(self, dbname="postgres", user="postgres", password=None):
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=user, dbname=dbname,
                                password=password)
        conn.autocommit = True
        return conn

    def psql(self, dbname, *args, stdin=None):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dbname] + list(args),
                       check=True, env=self.env(), input=stdin, capture_output=True)


def load_calls(cluster, dbname, start, stop):
    """Calls start..stop-1 of scripts/gen_calls.py's sequence (the same for any
    stop), streamed into twilio_calls with COPY."""
    gen = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "scripts/gen_calls.py"), "calls", str(stop)],
                           stdout=subprocess.PIPE)
    tail = subprocess.Popen(["tail", "-n", "+%d" % (start + 1)], stdin=gen.stdout, stdout=subprocess.PIPE)
    gen.stdout.close()
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dbname, "-c", "COPY twilio_calls FROM STDIN"],
                   check=True, env=cluster.env(), stdin=tail.stdout)
    tail.stdout.close()
    if tail.wait() != 0 or gen.wait() != 0:
        raise RuntimeError("generating calls failed")


def create_app_database(cluster, dbname, calls=SAMPLE_CALLS):
    """The Django schema, sample calls, callboard in schema api, deploy/roles.sql."""
    admin = cluster.connect()
    admin.cursor().execute("CREATE DATABASE %s" % dbname)
    admin.close()
    cluster.psql(dbname, "-f", os.path.join(ROOT, "test/fixtures/django_schema.sql"))
    gen = os.path.join(ROOT, "scripts/gen_calls.py")
    agents = subprocess.run(["/usr/bin/python3", gen, "agents"], check=True, capture_output=True).stdout
    cluster.psql(dbname, "-c", "COPY hume_agents FROM STDIN", stdin=agents)
    if calls:
        load_calls(cluster, dbname, 0, calls)
    cluster.psql(dbname, "-c", "CREATE SCHEMA api", "-c", "CREATE EXTENSION callboard SCHEMA api")
    cluster.psql(dbname, "-f", os.path.join(ROOT, "deploy/roles.sql"))
    cluster.psql(dbname, "-c", "ALTER ROLE authenticator PASSWORD '%s'" % AUTHENTICATOR_PASSWORD,
                 "-c", "ALTER ROLE authenticator SET log_statement = 'all'")


class PgBouncer:
    """Debian's pgbouncer in transaction-pooling mode in front of a cluster.

    It refuses to run as root, so it runs as the server's OS user, from a
    directory of its own; clients authenticate as authenticator (md5).
    """

    def __init__(self, cluster):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="callboard-pgbouncer.")
        with open(os.path.join(self.dir, "userlist.txt"), "w") as f:
            f.write('"authenticator" "%s"\n' % AUTHENTICATOR_PASSWORD)
        with open(os.path.join(self.dir, "pgbouncer.ini"), "w") as f:
            f.write("[databases]\n* = host=127.0.0.1 port=%d\n"
                    "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = %d\n"
                    "unix_socket_dir =\nauth_type = md5\nauth_file = %s/userlist.txt\n"
                    "pool_mode = transaction\ndefault_pool_size = 3\nmax_client_conn = 200\n"
                    # After an outage, retry the server in a second, not the default 15.
                    "server_login_retry = 1\n"
                    "logfile = %s/pgbouncer.log\npidfile = %s/pgbouncer.pid\n"
                    % (cluster.port, self.port, self.dir, self.dir, self.dir))
        self._start()

    def _start(self):
        run_bash('[ "$(id -u)" -eq 0 ] && chown -R postgres: %s; as_server_user pgbouncer -d %s/pgbouncer.ini'
                 % (self.dir, self.dir))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("pgbouncer did not start")

    def _kill(self):
        pid_file = os.path.join(self.dir, "pgbouncer.pid")
        if os.path.exists(pid_file):
            with open(pid_file) as f:
                pid = int(f.read())
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                    time.sleep(0.05)
                except ProcessLookupError:
                    break

    def restart(self):
        """Stops and starts it again on the same port: every pooled connection is lost."""
        self._kill()
        self._start()

    def stop(self):
        self._kill()
        subprocess.run(["rm", "-rf", self.dir], check=True)


NGINX_CONF = """daemon off;
worker_processes {workers};
worker_rlimit_nofile 16384;
error_log error.log;
pid nginx.pid;
events {{ worker_connections 8192; }}
http {{
    access_log access.log;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    include site.conf;
}}
"""


class Nginx:
    """Debian's nginx run from a directory of its own, as /etc/nginx/nginx.conf
    runs a site: `site` is the text of the site file (what sites-enabled/ holds,
    inside `http {}`), and `port` one it listens on, waited for.  Relative paths
    in `site` are in that directory (nginx's prefix, `self.dir`)."""

    def __init__(self, site, port, workers="auto"):
        self.dir = tempfile.mkdtemp(prefix="callboard-nginx.")
        os.chmod(self.dir, 0o755)  # the workers run as nobody when nginx starts as root
        os.makedirs(os.path.join(self.dir, "tmp"))
        with open(os.path.join(self.dir, "site.conf"), "w") as f:
            f.write(site)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(workers=workers))
        self.process = subprocess.Popen(["nginx", "-p", self.dir, "-e", "error.log", "-c", conf],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        log = self.error_log()
        self.stop()
        raise RuntimeError("nginx did not start:\n" + log)

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "error.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def pids(self):
        """The master's and its workers'."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [self.process.pid] + [int(p) for p in out.split()]

    def stop(self):
        end_process(self.process)
        subprocess.run(["rm", "-rf", self.dir], check=True)


class Gateway:
    """callboard-gateway as a child process, configured by a postgrest.conf.

    `upstream` is what it connects to: a Cluster, or a PgBouncer in front of one.
    """

    def __init__(self, upstream, dbname, env=None, stdout=None, **settings):
        """`env`: more environment for the process (CALLBOARD_TEST_FAULTS); `stdout`:
        where its log goes instead of the log file (a pipe nobody reads)."""
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        conf = {
            "db-uri": "postgres://authenticator:%s@127.0.0.1:%d/%s"
                      % (AUTHENTICATOR_PASSWORD, upstream.port, dbname),
            "db-schemas": "api",
            "db-extra-search-path": "public",
            "db-anon-role": "web_anon",
            "db-pool": 4,
            "jwt-secret": JWT_SECRET,
            "server-host": "127.0.0.1",
            "server-port": self.port,
            "log-level": "info",
            "callboard-token-role": "dashboard_user",
            "callboard-login-role": "callboard_login",
            "callboard-request-timeout": 3,
            "callboard-web-root": os.path.join(ROOT, "web"),
        }
        conf.update({k.replace("_", "-"): v for k, v in settings.items()})
        self.conf = conf
        fd, self.conf_path = tempfile.mkstemp(suffix=".conf")
        os.close(fd)
        self.write_config()
        self.log_path = self.conf_path + ".log"
        self.log = open(self.log_path, "w")
        full_env = dict(SANITIZER_OPTIONS, **os.environ)
        full_env.update(env or {})
        self.process = subprocess.Popen([GATEWAY, self.conf_path], stdout=stdout or self.log,
                                        stderr=self.log if stdout else subprocess.STDOUT, env=full_env)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/live", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("callboard-gateway did not start: " + open(self.log_path).read())

    def write_config(self, **changes):
        """(Re)writes the config file with `changes` (keys with _ for -); SIGUSR2 applies it."""
        self.conf.update({k.replace("_", "-"): v for k, v in changes.items()})
        with open(self.conf_path, "w") as f:
            for key, value in self.conf.items():
                if value is not None:
                    f.write('%s = %s\n' % (key, json.dumps(value) if isinstance(value, str) else value))

    def stop(self):
        end_process(self.process)
        self.log.close()
        os.unlink(self.conf_path)
        with open(self.log_path, errors="replace") as f:
            log = f.read()
        reports = [marker for marker in SANITIZER_REPORTS if marker in log]
        if reports:
            start = min(log.index(marker) for marker in reports)
            raise AssertionError("sanitizer report in %s:\n%s" % (self.log_path, log[max(0, start - 200):start + 4000]))

    def reload(self, **changes):
        """Rewrites the config file with `changes`, sends SIGUSR2, and returns once the
        gateway says the new configuration is in force."""
        before = sum(1 for l in self.log_lines() if l.get("event", "").startswith("configuration reloaded"))
        self.write_config(**changes)
        self.process.send_signal(signal.SIGUSR2)
        lines = self.wait_for_log_lines(0, lambda l: l.get("event", "").startswith("configuration reloaded"),
                                        before + 1)
        assert len(lines) > before, "the configuration was not reloaded"

    def metrics(self, admin_url):
        """The admin listener's /metrics as {(name, ((label, value), ...)): value}."""
        from prometheus_client.parser import text_string_to_metric_families
        samples = {}
        for family in text_string_to_metric_families(requests.get(admin_url + "/metrics").text):
            for s in family.samples:
                samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
        return samples

    def log_lines(self):
        with open(self.log_path) as f:
            return [json.loads(line) for line in f if line.startswith("{")]

    def wait_for_log_lines(self, start, match, count, timeout=5):
        """The lines from index `start` on that `match` accepts, once there are `count`.

        The gateway writes a request's access-log line after sending its response,
        so a client can hold the response before the line is in the file; lines of
        earlier requests can also still arrive."""
        deadline = time.time() + timeout
        while True:
            lines = [l for l in self.log_lines()[start:] if match(l)]
            if len(lines) >= count or time.time() > deadline:
                return lines
            time.sleep(0.02)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cluster = Cluster()
    gateway = None
    try:
        create_app_database(cluster, "app")
        gateway = Gateway(cluster, "app")
        env = cluster.env()
        # GATEWAY_CONF and GATEWAY_BINARY: for a client that starts gateways of
        # its own on the same database (the browser tests restart one).
        env.update(GATEWAY_URL=gateway.url, JWT_SECRET=JWT_SECRET, PGDATABASE="app",
                   GATEWAY_CONF=gateway.conf_path, GATEWAY_BINARY=GATEWAY)
        sys.exit(subprocess.run(sys.argv[1:], env=env).returncode)
    finally:
        if gateway:
            gateway.stop()
        cluster.stop_for_good()


if __name__ == "__main__":
    main()

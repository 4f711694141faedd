"""What an operator runs: --help, --version, --dump-config, clear config errors, and the
admin listener's /live, /ready, /metrics (parsed by Prometheus' own client) and /config."""
import os
import signal
import subprocess
import tempfile

import requests
from prometheus_client.parser import text_string_to_metric_families

import harness
from conftest import bearer, make_token

SUMMARY = "/rpc/scheduled_outbound_calls_summary"
PAGE = "/rpc/scheduled_outbound_calls_page"


def run(*args, env=None):
    return subprocess.run([harness.GATEWAY] + list(args), capture_output=True, text=True, timeout=10,
                          env=env or {"PATH": os.environ["PATH"]})


def test_help_and_version():
    helped = run("--help")
    assert helped.returncode == 0
    assert "--dump-config" in helped.stdout and "SIGUSR2" in helped.stdout
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("callboard-gateway 0.")
    wrong = run("--frobnicate")
    assert wrong.returncode == 2 and "usage:" in wrong.stderr


def test_dump_config_masks_secrets():
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write('db-uri = "postgres://authenticator:hunter2-secret@db.example:5433/app"\n'
                'jwt-secret = "%s"\ndb-pool = 7\ncallboard-db-uris = "postgres://u:pw2@a/app host=b password=pw3"\n'
                % ("s" * 40))
        f.flush()
        dumped = run("--dump-config", f.name)
    assert dumped.returncode == 0, dumped.stderr
    lines = dict(l.split(" = ", 1) for l in dumped.stdout.splitlines())
    assert lines["db-uri"] == '"postgres://authenticator:***@db.example:5433/app"'
    assert lines["db-pool"] == "7"
    assert lines["jwt-secret"] == '"***"'
    assert lines["callboard-statement-timeout"] == '"60s"'
    for secret in ("hunter2", "s" * 40, "pw2", "pw3"):
        assert secret not in dumped.stdout


def test_an_invalid_value_is_one_line_naming_the_key():
    for key, value in (("db-pool", "lots"), ("server-port", "70000"), ("callboard-statement-timeout", "soon"),
                       ("callboard-max-connections", "0"), ("log-level", "loud")):
        env = {"PATH": os.environ["PATH"], "PGRST_" + key.upper().replace("-", "_"): value}
        refused = run("--dump-config", env=env)
        assert refused.returncode == 1
        assert refused.stderr.count("\n") == 1, refused.stderr
        assert key in refused.stderr and value in refused.stderr


def test_the_admin_listener(upstream, app_db):
    admin_port = harness.free_port()
    g = harness.Gateway(upstream, app_db, admin_server_port=admin_port)
    try:
        admin = "http://127.0.0.1:%d" % admin_port
        # Loopback unless told otherwise; not on the public port.
        assert any(l.get("event") == "admin listening on 127.0.0.1:%d" % admin_port for l in g.log_lines())
        assert requests.get(g.url + "/metrics").status_code == 404
        assert requests.get(admin + "/live").status_code == 200
        assert requests.get(admin + "/ready").status_code == 200

        def metrics():
            r = requests.get(admin + "/metrics")
            assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            samples = {}
            for family in text_string_to_metric_families(r.text):
                for s in family.samples:
                    samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
            return samples

        before = metrics()
        token = bearer(make_token({"role": "dashboard_user"}))
        for _ in range(3):
            assert requests.get(g.url + SUMMARY, headers=token).status_code == 200
        assert requests.get(g.url + PAGE, params={"category": "nope"}, headers=token).status_code == 400
        after = metrics()
        key = ("callboard_http_requests_total", (("route", "rpc/scheduled_outbound_calls_summary"), ("status", "200")))
        assert after[key] - before.get(key, 0) == 3
        bad = ("callboard_http_requests_total", (("route", "rpc/scheduled_outbound_calls_page"), ("status", "400")))
        assert after[bad] - before.get(bad, 0) == 1
        count = ("callboard_http_request_duration_seconds_count", (("route", "rpc/scheduled_outbound_calls_summary"),))
        assert after[count] - before.get(count, 0) == 3
        sent = ("callboard_http_response_bytes_total", (("route", "rpc/scheduled_outbound_calls_summary"),))
        assert after[sent] > before.get(sent, 0)
        assert after[("callboard_http_connections_open", ())] >= 1
        database = "127.0.0.1:%d/%s" % (upstream.port, app_db)
        assert after[("callboard_db_up", (("database", database),))] == 1
        assert ("callboard_db_pool_connections", (("database", database), ("state", "idle"))) in after
        assert ("callboard_live_subscribers", ()) in after
        # A path nobody routes cannot grow the series.
        requests.get(g.url + "/rpc/%s" % ("x" * 50))
        assert not any("x" * 50 in str(k) for k in metrics())

        config = requests.get(admin + "/config").text
        assert "jwt-secret = \"***\"" in config and harness.JWT_SECRET not in config
        assert harness.AUTHENTICATOR_PASSWORD not in config
    finally:
        g.stop()


def test_reloading_the_configuration(upstream, app_db, cluster):
    """SIGUSR2 and NOTIFY pgrst, 'reload config': a new jwt-secret takes effect for new
    requests, an open event stream stays open, an invalid file is refused and the running
    configuration kept."""
    from sse_client import EventStream
    admin_port = harness.free_port()
    g = harness.Gateway(upstream, app_db, admin_server_port=admin_port, callboard_live_keepalive=1)
    admin = "http://127.0.0.1:%d" % admin_port
    new_secret = "a-new-secret-for-callboard-0123456789-xyz"
    old = bearer(make_token({"role": "dashboard_user"}))
    new = bearer(make_token({"role": "dashboard_user"}, secret=new_secret))

    def status(headers):
        return requests.get(g.url + SUMMARY, headers=headers).status_code

    def reloads(result):
        for family in text_string_to_metric_families(requests.get(admin + "/metrics").text):
            for s in family.samples:
                if s.name == "callboard_config_reloads_total" and s.labels["result"] == result:
                    return s.value

    stream = EventStream(g.url + SUMMARY, old)
    try:
        assert stream.next()[0] == "message"
        assert (status(old), status(new)) == (200, 401)

        g.write_config(jwt_secret=new_secret)
        g.process.send_signal(signal.SIGUSR2)
        g.wait_for_log_lines(0, lambda l: l.get("event", "").startswith("configuration reloaded"), 1)
        assert (status(old), status(new)) == (401, 200)
        assert reloads("applied") == 1
        # The stream opened with the old token goes on (it ends at its token's exp).
        assert stream.quiet_for(1.5) and stream.complete is None

        # An invalid file is refused; the running configuration stays.
        g.write_config(db_pool="lots")
        g.process.send_signal(signal.SIGUSR2)
        refused = g.wait_for_log_lines(0, lambda l: "not reloaded" in l.get("event", ""), 1)
        assert "db-pool" in refused[0]["event"]
        assert (status(old), status(new)) == (401, 200)
        assert reloads("refused") == 1

        # PostgREST's NOTIFY does the same as SIGUSR2.
        g.write_config(db_pool=4, jwt_secret=harness.JWT_SECRET)
        cluster.connect(app_db).cursor().execute("NOTIFY pgrst, 'reload config'")
        g.wait_for_log_lines(0, lambda l: l.get("event", "").startswith("configuration reloaded"), 2)
        assert (status(old), status(new)) == (200, 401)
        # A key that needs a restart says so.
        g.write_config(db_pool=9)
        g.process.send_signal(signal.SIGUSR2)
        noted = g.wait_for_log_lines(0, lambda l: "after a restart" in l.get("event", ""), 1)
        assert "db-pool" in noted[0]["event"]
    finally:
        stream.close()
        g.stop()

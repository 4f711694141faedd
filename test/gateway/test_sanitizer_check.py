"""The sanitizer run's own check, tried on a stand-in gateway: a report in a
gateway's log fails the test that ran it (harness.Gateway.stop), and the
gateway is started with the sanitizers set to stop at the first report."""
import types

import pytest

import harness

# Serves /live on the configured port after writing $FAKE_REPORT to stderr.
FAKE_GATEWAY = r'''#!/usr/bin/python3
import http.server, os, re, sys
port = int(re.search(r"^server-port = (\d+)", open(sys.argv[1]).read(), re.M).group(1))
print("ASAN_OPTIONS=" + os.environ.get("ASAN_OPTIONS", ""), flush=True)
sys.stderr.write(os.environ["FAKE_REPORT"] + "\n")
sys.stderr.flush()
class Live(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Live).serve_forever()
'''


def start_fake(tmp_path, monkeypatch, report):
    fake = tmp_path / "fake-gateway"
    fake.write_text(FAKE_GATEWAY)
    fake.chmod(0o755)
    monkeypatch.setattr(harness, "GATEWAY", str(fake))
    monkeypatch.setenv("FAKE_REPORT", report)
    monkeypatch.delenv("ASAN_OPTIONS", raising=False)
    return harness.Gateway(types.SimpleNamespace(port=1), "app")


@pytest.mark.parametrize("report", [
    "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010",
    "src/gateway/auth/jwt_auth.cpp:60:3: runtime error: signed integer overflow",
    "==4242==ERROR: LeakSanitizer: detected memory leaks",
])
def test_a_sanitizer_report_fails_the_test(tmp_path, monkeypatch, report):
    gateway = start_fake(tmp_path, monkeypatch, report)
    with pytest.raises(AssertionError, match="sanitizer report"):
        gateway.stop()


def test_a_clean_log_passes_and_the_options_stop_at_the_first_report(tmp_path, monkeypatch):
    gateway = start_fake(tmp_path, monkeypatch, "an ordinary line")
    gateway.stop()
    with open(gateway.log_path) as f:
        assert "ASAN_OPTIONS=halt_on_error=1:print_stacktrace=1" in f.read()

#!/usr/bin/python3
"""Runs callboard-gateway as its systemd unit would, and checks it.

    gateway_run.py PORT SECRET STOP_TIMEOUT EXPECTED_SUMMARY LOG -- COMMAND...

COMMAND starts the gateway (as the callboard user), in this process's
environment, its output to LOG.  NOTIFY_SOCKET points at
a datagram socket of our own, as systemd's does for Type=notify.  Prints one
line per check, "ok - ..." or "not ok - ...":

  READY=1 arrives from the main process (NotifyAccess=main), as callboard;
  /ready answers 200;
  /rpc/scheduled_outbound_calls_summary with a SimpleJWT-style token answers
  the function's own JSON, and without a token 401 (roles.sql's web_anon);
  SIGTERM (KillSignal=) brings STOPPING=1 and exit status 0 within
  STOP_TIMEOUT seconds (TimeoutStopSec=).
"""
import os
import pwd
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid

import jwt
import requests


def report(ok, what, detail=""):
    print(("ok - " if ok else "not ok - ") + what + ("" if ok or not detail else " # " + detail), flush=True)
    return ok


def receive(sock, wanted, deadline):
    """The first datagram containing `wanted` before the deadline, with its
    sender's (pid, uid, gid), or None."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
        creds = None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                creds = struct.unpack("3i", payload[:12])
        if wanted in data.decode(errors="replace").split("\n"):
            return creds
    return None


def main():
    port, secret, stop_timeout, expected, log_path = sys.argv[1:6]
    stop_timeout = float(stop_timeout)
    command = sys.argv[sys.argv.index("--") + 1:]
    base = "http://127.0.0.1:%s" % port
    callboard_uid = pwd.getpwnam("callboard").pw_uid

    # An abstract socket: the gateway, as callboard, needs no file permission.
    name = "callboard-package-test-%d" % os.getpid()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    sock.bind("\0" + name)

    env = dict(os.environ, NOTIFY_SOCKET="@" + name)
    log = open(log_path, "w")
    gateway = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd="/")
    try:
        creds = receive(sock, "READY=1", time.monotonic() + 15)
        report(creds is not None, "READY=1 on NOTIFY_SOCKET within 15 s",
               "exit status %s" % gateway.poll())
        report(creds is not None and creds[0] == gateway.pid,
               "READY=1 comes from the main process (NotifyAccess=main)", "sender %s, main %d" % (creds, gateway.pid))
        report(creds is not None and creds[1] == callboard_uid,
               "the gateway runs as the callboard user", "sender %s" % (creds,))

        r = requests.get(base + "/ready", timeout=10)
        report(r.status_code == 200, "GET /ready answers 200", "%d %s" % (r.status_code, r.text[:200]))

        now = int(time.time())
        token = jwt.encode({"token_type": "access", "exp": now + 300, "iat": now,
                            "jti": uuid.uuid4().hex, "user_id": 1}, secret, algorithm="HS256")
        r = requests.get(base + "/rpc/scheduled_outbound_calls_summary",
                         headers={"Authorization": "Bearer " + token}, timeout=10)
        report(r.status_code == 200 and r.text == expected,
               "GET /rpc/scheduled_outbound_calls_summary with a token answers the function's JSON",
               "%d %s, expected %s" % (r.status_code, r.text[:300], expected))
        r = requests.get(base + "/rpc/scheduled_outbound_calls_summary", timeout=10)
        report(r.status_code == 401, "without a token it answers 401 (web_anon reads no table)",
               "%d %s" % (r.status_code, r.text[:300]))

        started = time.monotonic()
        gateway.send_signal(signal.SIGTERM)
        stopping = receive(sock, "STOPPING=1", started + stop_timeout)
        report(stopping is not None, "STOPPING=1 after SIGTERM")
        try:
            status = gateway.wait(timeout=max(0.1, stop_timeout - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            status = None
        took = time.monotonic() - started
        report(status == 0, "SIGTERM: exit status 0 within TimeoutStopSec (%g s), in %.1f s" % (stop_timeout, took),
               "exit status %s" % status)
    finally:
        if gateway.poll() is None:
            gateway.kill()
            gateway.wait()
        sock.close()


if __name__ == "__main__":
    main()

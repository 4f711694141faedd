"""Shared set-up for the gateway tests: one cluster, one app database, one gateway.

Tests that need another configuration start their own Gateway on `upstream`
(see harness.Gateway), and stop it themselves.  With --pgbouncer every gateway
reaches the database through pgbouncer in transaction-pooling mode.
"""
import time
import uuid

import jwt
import pytest

import harness


def pytest_addoption(parser):
    parser.addoption("--pgbouncer", action="store_true",
                     help="connect every gateway through pgbouncer (transaction pooling)")


@pytest.fixture(scope="session")
def cluster():
    c = harness.Cluster()
    yield c
    c.stop_for_good()


@pytest.fixture(scope="session")
def app_db(cluster):
    harness.create_app_database(cluster, "app")
    return "app"


@pytest.fixture(scope="session")
def upstream(request, cluster, app_db):
    """What gateways connect to: the cluster, or pgbouncer in front of it."""
    if not request.config.getoption("--pgbouncer"):
        yield cluster
        return
    bouncer = harness.PgBouncer(cluster)
    yield bouncer
    bouncer.stop()


@pytest.fixture(scope="session")
def gateway(upstream, app_db):
    g = harness.Gateway(upstream, app_db)
    yield g
    g.stop()


@pytest.fixture
def db(cluster, app_db):
    """A superuser connection to the app database, for ground truth (a new one
    per test: some tests restart the server)."""
    conn = cluster.connect(app_db)
    yield conn
    conn.close()


def make_token(claims, secret=harness.JWT_SECRET, algorithm="HS256", headers=None):
    return jwt.encode(claims, secret, algorithm=algorithm, headers=headers)


def simplejwt_token(user_id, token_type="access", lifetime=300, now=None):
    """A token exactly as the Django app's SimpleJWT mints one."""
    now = int(now if now is not None else time.time())
    return make_token({"token_type": token_type, "exp": now + lifetime, "iat": now,
                       "jti": uuid.uuid4().hex, "user_id": user_id})


def bearer(token):
    return {"Authorization": "Bearer " + token}


def expected_document(db, status=None, role="dashboard_user", claims="{}"):
    """What the function returns for this role, straight from PostgreSQL."""
    cur = db.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT set_config('role', %s, true), set_config('request.jwt.claims', %s, true)",
                (role, claims))
    cur.execute("SELECT api.scheduled_outbound_calls(%s)::text", (status,))
    text = cur.fetchone()[0]
    cur.execute("ROLLBACK")
    return text.encode()


def function_calls(cluster):
    """How many statements calling a scheduled_outbound_calls function (the document,
    its chunked form, the summary, the pages) the gateway has sent.

    The gateway's role logs every statement (create_app_database sets
    log_statement = all for authenticator), so this counts them in the
    server's log, which PostgreSQL writes as it goes.
    """
    with open(cluster.log_path(), errors="replace") as f:
        return sum(1 for line in f if "execute" in line and ".scheduled_outbound_calls" in line)


def rename_first_outbound_call(db, name):
    """A change to one call every document lists: the first outbound call's customer name."""
    db.cursor().execute("UPDATE twilio_calls SET customer_name = %s WHERE id = (SELECT id FROM twilio_calls"
                        " WHERE direction = 'outbound' ORDER BY call_sid LIMIT 1)", (name,))


def wait_until_running(cur, pid=None, timeout=10):
    """Returns once a scheduled_outbound_calls query is active in the session
    `pid` (or in any session but cur's own)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                    " AND query LIKE '%%scheduled_outbound_calls%%'"
                    " AND pid <> pg_backend_pid() AND (%s IS NULL OR pid = %s)", (pid, pid))
        if cur.fetchone()[0] > 0:
            return
        time.sleep(0.01)
    raise AssertionError("no scheduled_outbound_calls query became active")

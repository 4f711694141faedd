"""The summary and paged functions over HTTP, as PostgREST would serve them."""
import requests

from conftest import bearer, make_token

def token():
    return bearer(make_token({"role": "dashboard_user"}))


def sql_text(db, expression, *args):
    cur = db.cursor()
    cur.execute("BEGIN")
    cur.execute("SET LOCAL ROLE dashboard_user")
    cur.execute("SELECT (%s)::text" % expression, args)
    text = cur.fetchone()[0]
    cur.execute("ROLLBACK")
    return text.encode()


def test_summary_get_and_post(gateway, db):
    expected = sql_text(db, "api.scheduled_outbound_calls_summary()")
    get = requests.get(gateway.url + "/rpc/scheduled_outbound_calls_summary", headers=token())
    post = requests.post(gateway.url + "/rpc/scheduled_outbound_calls_summary", json={}, headers=token())
    assert get.status_code == post.status_code == 200
    assert get.content == post.content == expected
    assert get.headers["Content-Type"] == "application/json; charset=utf-8"


def test_pages_walk_a_category(gateway, db):
    full = requests.get(gateway.url + "/rpc/scheduled_outbound_calls", params={"status": "completed"},
                        headers=token()).json()["calls"]["completed"]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"category": "completed", "page_size": "7"}
        if cursor:
            params["cursor"] = cursor
        r = requests.get(gateway.url + "/rpc/scheduled_outbound_calls_page", params=params, headers=token())
        assert r.status_code == 200, r.text
        assert r.content == sql_text(db, "api.scheduled_outbound_calls_page(%s, %s, %s)",
                                     "completed", 7, cursor)
        seen += r.json()["calls"]
        pages += 1
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == full
    assert pages == len(full) // 7 + 1


def test_page_as_post_with_json_types(gateway):
    r = requests.post(gateway.url + "/rpc/scheduled_outbound_calls_page",
                      json={"category": "pending", "page_size": 3}, headers=token())
    assert r.status_code == 200
    assert len(r.json()["calls"]) == 3
    assert r.json()["category"] == "pending"


def test_page_errors(gateway):
    url = gateway.url + "/rpc/scheduled_outbound_calls_page"
    no_category = requests.get(url, params={"page_size": "5"}, headers=token())
    assert no_category.status_code == 404
    assert no_category.json()["code"] == "PGRST202"
    null_category = requests.post(url, json={"category": None}, headers=token())
    assert null_category.status_code == 400
    assert null_category.json()["message"] == "category must not be NULL"
    too_big = requests.get(url, params={"category": "failed", "page_size": "5000"}, headers=token())
    assert too_big.status_code == 400
    assert too_big.json()["message"] == "page_size must be between 1 and 1000"
    not_a_number = requests.get(url, params={"category": "failed", "page_size": "ten"}, headers=token())
    assert not_a_number.status_code == 400
    assert not_a_number.json()["code"] == "22P02"
    bad_cursor = requests.get(url, params={"category": "failed", "cursor": "x"}, headers=token())
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["message"] == "invalid page cursor"
    unknown = requests.get(url, params={"category": "failed", "offset": "10"}, headers=token())
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "PGRST202"


def test_anonymous_summary_is_refused_by_grants(gateway):
    r = requests.get(gateway.url + "/rpc/scheduled_outbound_calls_summary")
    assert r.status_code == 401
    assert r.json()["code"] == "42501"

"""Security at the edge, generated where it can be: CSRF on every state-changing endpoint of the
URL map and on every form a page shows; the session cookie's flags as ``budget-planner serve``
sets them; login throttling against password guessing (audited, in the database); and the upload
size limit answered with 413 and a Chinese page by the real server.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import urllib.parse

import pytest
import test_web_access as matrix
from server_process import Browser, Server, fresh_database, seed
from test_crash_safety import submission_file
from test_storage_support import BACKENDS, new_database
from webclient import PASSWORD, Site, make_app, populate

from budget_planner.storage import throttle as stored_throttle

LOCKED = "登录失败次数过多，请 15 分钟后再试"
SIGNED_IN = {"reviewer": "admin", "finance": "finance", "submitter": "qingyuan"}  # role → account


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


@pytest.fixture
def site(app):
    return Site(app)


def text(response) -> str:
    """What a person reads: the page's text, or an API error's message."""
    if response.is_json:
        return response.json["error"]["message"]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def audit(app, *actions: str) -> list[tuple[str, str, str]]:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        entries = repository.audit_log(db.session(), None, scope=None, actions=actions)
        return [(e.action, e.username, e.detail) for e in reversed(entries)]


def all_audit(app) -> int:
    return len(audit(app))


# ---------------------------------------------------------------- CSRF, from the URL map


def post_endpoints(app) -> list:
    return [r for r in matrix.endpoints(app) if "POST" in (r.methods or ())]


def test_every_post_endpoint_refuses_a_request_without_its_token(app, site):
    """Each POST of the URL map, by a signed-in user allowed to make it, without the token and with
    a forged one: 400, the Chinese page (an API's JSON error), and nothing written, not even an
    audit entry. (A bearer-token API request is the one exemption: a browser cannot be made to
    send that header.)"""
    world = populate(site)
    clients = {"anyone": site.anonymous()}
    clients.update({role: site[name] for role, name in SIGNED_IN.items()})
    rules = post_endpoints(app)
    assert {r.endpoint for r in rules} >= {"auth.login", "review.act", "api.act", "review.decide"}
    before = all_audit(app)
    wrong = []
    for rule in rules:
        expect = matrix.EXPECT[rule.endpoint]
        client = clients[expect.roles[0]]  # a user allowed to make the request
        target = matrix.url(app, rule, world, "清远市")
        data = {**matrix.POST_DATA.get(rule.endpoint, {}), "username": "admin"}
        data["password"] = PASSWORD
        for token in (None, "forged-token"):
            sent = {**data, **({"csrf_token": token} if token else {})}
            response = client.post(target, sent, token=False)
            if client.username is None:  # not signed in: 登录已超时, back to the login page
                timed_out = response.status_code == 303 and "登录已超时" in text(
                    client.get("/login")
                )
                if not timed_out:
                    wrong.append((rule.endpoint, token, response.status_code))
            elif response.status_code != 400 or "安全校验码" not in text(response):
                wrong.append((rule.endpoint, token, response.status_code))
    assert wrong == []
    assert all_audit(app) == before


def test_every_form_a_page_shows_carries_the_token(app, site):
    """Every GET page of the URL map, as admin and as a unit: each POST form has the token."""
    world = populate(site)
    forms_seen = 0
    missing = []
    for username in ("admin", "qingyuan"):
        client = site[username]
        for rule in matrix.endpoints(app):
            if "GET" not in (rule.methods or ()) or rule.endpoint.startswith("auth.logout"):
                continue
            page = client.get(matrix.url(app, rule, world, "清远市"))
            if page.status_code != 200 or "html" not in page.content_type:
                continue
            for form in re.findall(r"<form\b[^>]*>.*?</form>", page.text, re.S | re.I):
                if not re.search(r'method="post"', form, re.I):
                    continue
                forms_seen += 1
                if 'name="csrf_token"' not in form:
                    missing.append((username, rule.endpoint, form[:120]))
    assert missing == []
    assert forms_seen >= 5  # logout, upload, submit, review, the admin's round buttons …


# ---------------------------------------------------------------- throttling


def test_five_wrong_passwords_lock_the_username_for_15_minutes(app, site, monkeypatch):
    guesser = site.anonymous()
    for n in range(5):
        wrong = guesser.login("qingyuan", f"guess-{n}-pass")
        assert wrong.status_code == 200 and "用户名或密码不正确" in text(wrong)
    # the sixth, even with the right password, is refused before the password is looked at
    refused = guesser.login("qingyuan", PASSWORD)
    assert refused.status_code == 429 and LOCKED in text(refused)
    assert guesser.get("/").status_code == 302  # not signed in
    logged = audit(app, "login", "login.failed", "login.throttled")
    assert [(a, u) for a, u, _ in logged] == [("login.failed", "qingyuan")] * 5 + [
        ("login.throttled", "qingyuan")
    ]
    assert "锁定至" in logged[-1][2] and "来自 127.0.0.1" in logged[-1][2]
    # another account from the same address is not locked with it
    assert site.anonymous().login("shaoguan").status_code == 302
    # fifteen minutes later the lock is over
    later = stored_throttle.utcnow() + dt.timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(stored_throttle, "utcnow", lambda: later)
    assert guesser.login("qingyuan").status_code == 302


def test_a_good_sign_in_clears_the_count(app, site):
    browser = site.anonymous()
    for n in range(4):
        browser.login("shaoguan", f"typo-{n}-pass")
    assert browser.login("shaoguan").status_code == 302
    browser.logout()
    for n in range(4):
        assert browser.login("shaoguan", f"typo-{n}-again").status_code == 200
    assert browser.login("shaoguan").status_code == 302
    assert audit(app, "login.throttled") == []


def test_one_address_guessing_many_usernames_is_locked(app, site):
    guesser, elsewhere = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.2"}
    browser = site.anonymous()
    for n in range(20):  # a different username each time: no username reaches its own limit
        response = browser.post(
            "/login", {"username": f"user{n}", "password": "guess-1234"}, environ_base=guesser
        )
        assert response.status_code == 200
    refused = browser.post(
        "/login", {"username": "admin", "password": PASSWORD}, environ_base=guesser
    )
    assert refused.status_code == 429 and LOCKED in text(refused)
    other = site.anonymous().post(
        "/login", {"username": "admin", "password": PASSWORD}, environ_base=elsewhere
    )
    assert other.status_code == 302  # the admin signs in from the office
    assert [u for _a, u, _d in audit(app, "login.throttled")] == ["admin"]
    page = site["admin"].get("/admin/audit")
    assert "登录受限（失败次数过多）" in text(page)


def test_failures_sent_at_once_all_count(app):
    """Five failures recorded by five sessions at the same instant: the fifth locks, none lost."""
    from budget_planner.storage.models import LoginThrottle
    from budget_planner.web import db

    start = threading.Barrier(5)
    locks: list[object] = []
    errors: list[BaseException] = []

    def fail() -> None:
        try:
            with app.app_context():
                start.wait(10)
                locks.append(
                    stored_throttle.record_failure(
                        db.session(),
                        {"user:qingyuan": 5},
                        window=dt.timedelta(minutes=15),
                        lock=dt.timedelta(minutes=15),
                    )
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fail) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(lock is not None for lock in locks) == 1
    with app.app_context():
        row = db.session().get(LoginThrottle, "user:qingyuan")
        assert row is not None and row.locked_until is not None and row.failures == 0


# ---------------------------------------------------------------- the real server


@pytest.fixture
def sqlite_site(tmp_path):
    database = fresh_database("sqlite", tmp_path)
    seed(database.url, tmp_path, ["清远市"])
    return database


def cookie_flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def test_serve_sets_a_secure_httponly_lax_session_cookie(sqlite_site, tmp_path):
    """As deployed (no SESSION_COOKIE_SECURE): the cookie goes over HTTPS only, out of scripts'
    reach, not on other sites' requests, and ends with the browser (no Expires)."""
    server = Server(sqlite_site.url, tmp_path / "instance", env={"SESSION_COOKIE_SECURE": ""})
    with server:
        browser = Browser(server.base_url)
        form = browser.get("/login")  # the jar keeps a Secure cookie for https: send it by hand
        first = form.headers["set-cookie"]
        assert cookie_flags(first) == {"secure", "httponly", "path", "samesite"}
        fields = {"username": "清远市", "password": PASSWORD, "csrf_token": browser.token}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": first.split(";")[0],
        }
        body = urllib.parse.urlencode(fields).encode()
        signed_in = browser.request("POST", "/login", body, headers)
        assert signed_in.status == 302 and signed_in.location == "/"
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith("session=") and cookie.split(";")[0] != first.split(";")[0]
    assert cookie_flags(cookie) == {"secure", "httponly", "path", "samesite"}
    assert "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "登录 Cookie 仅通过 HTTPS 发送" in server.log()


def test_serve_answers_an_upload_over_the_limit_with_413_and_a_chinese_page(sqlite_site, tmp_path):
    server = Server(
        sqlite_site.url, tmp_path / "instance", env={"BUDGET_PLANNER_MAX_UPLOAD_MB": "1"}
    )
    with server:
        browser = Browser(server.base_url)
        assert browser.login("清远市").status == 302
        big = submission_file("清远市", 1) + b"\0" * (1024 * 1024)
        refused = browser.upload([(big, "清远市-表四.xlsx")])
        assert refused.status == 413
        assert "上传内容过大" in refused.text
        assert "一次上传的文件合计不能超过 1 MB" in refused.text
        assert "Traceback" not in refused.text
        # the site goes on, and a file within the limit is kept as version 1
        fine = browser.upload([(submission_file("清远市", 2), "清远市-表四.xlsx")])
        assert fine.status == 200 and "第 1 版" in fine.text

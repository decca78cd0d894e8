"""Signing in and out, CSRF on every form, cookies, the secret key, one-time passwords, error pages."""

from __future__ import annotations

import re

from webclient import PASSWORD, ROUND_ID, Site, make_app, populate, site_config, table4


def audit(app, *actions: str) -> list[tuple[str, str, str]]:
    """(action, username, detail) of the audit log, oldest first."""
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        entries = repository.audit_log(db.session(), None, scope=None, actions=actions)
        return [(e.action, e.username, e.detail) for e in reversed(entries)]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_login_success_and_failure_are_audited(app, site):
    browser = site.anonymous()
    wrong = browser.login("qingyuan", "not-the-password")
    assert wrong.status_code == 200 and "用户名或密码不正确" in text(wrong)
    nobody = browser.login("nobody", "whatever-1")
    assert nobody.status_code == 200
    right = browser.login("qingyuan")
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert browser.get("/").status_code == 200
    logged = audit(app, "login", "login.failed")
    assert [(a, u) for a, u, _ in logged] == [
        ("login.failed", "qingyuan"),
        ("login.failed", "nobody"),
        ("login", "qingyuan"),
    ]
    assert "密码错误" in logged[0][2] and "用户名不存在" in logged[1][2]


def test_a_post_without_the_csrf_token_is_refused_with_a_chinese_page(app, site):
    world = populate(site)
    # not signed in (the session ran out, or an old page): sign in again, nothing else
    visitor, before = site.anonymous(), audit(app)
    refused = visitor.post("/login", {"username": "admin", "password": PASSWORD}, token=False)
    assert refused.status_code == 303 and refused.headers["Location"] == "/login"
    assert "登录已超时，请重新登录。" in text(visitor.get("/login"))
    assert audit(app) == before  # not even a failed sign-in
    # signed in with a bad token: the CSRF page
    unit = site["qingyuan"]
    version = world.version_id["清远市"]
    refused = unit.post(f"/versions/{version}/submit", token=False)
    assert refused.status_code == 400 and "安全校验码" in text(refused)
    forged = unit.post(f"/versions/{version}/submit", {"csrf_token": "forged"}, token=False)
    assert forged.status_code == 400
    assert "已上传未提交" in text(unit.get(f"/versions/{version}"))  # not submitted
    assert audit(app, "submit") == []


def test_session_cookie_is_httponly_and_lax_and_secure_outside_tests(tmp_path, monkeypatch):
    browser = Site(make_app(tmp_path / "a", monkeypatch)).anonymous()
    response = browser.login("admin")
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    from budget_planner.web import create_app

    live = create_app(site_config(tmp_path / "b", TESTING=False))
    assert live.config["SESSION_COOKIE_SECURE"] is True
    assert live.config["SESSION_COOKIE_HTTPONLY"] is True
    assert live.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    plain_http = create_app(site_config(tmp_path / "c", TESTING=False))
    assert plain_http.config["SESSION_COOKIE_SECURE"] is False


def test_the_secret_key_is_made_once_into_the_database_every_server_reads(tmp_path, monkeypatch):
    from budget_planner.web import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    first = create_app(site_config(tmp_path / "a", DATABASE_URL=url))
    key = first.config["SECRET_KEY"]
    assert len(key) == 64 and int(key, 16) >= 0
    assert not (tmp_path / "a" / "instance" / "secret_key").exists()  # not in a folder of its own
    # a second server with another instance folder, and a restart, read the same key
    assert create_app(site_config(tmp_path / "b", DATABASE_URL=url)).config["SECRET_KEY"] == key
    assert create_app(site_config(tmp_path / "a", DATABASE_URL=url)).config["SECRET_KEY"] == key
    # a configured key wins and leaves the database's alone
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    configured = create_app(site_config(tmp_path / "c", DATABASE_URL=url))
    assert configured.config["SECRET_KEY"] == "from-the-environment"
    monkeypatch.delenv("SECRET_KEY")
    assert create_app(site_config(tmp_path / "d", DATABASE_URL=url)).config["SECRET_KEY"] == key


def test_a_key_kept_in_the_instance_folder_before_becomes_the_databases(tmp_path, monkeypatch):
    """An upgraded site keeps signing with the key it had: forms open in browsers still post."""
    from budget_planner.web import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "old" / "instance"
    instance.mkdir(parents=True)
    (instance / "secret_key").write_text("a-key-from-before\n", "ascii")
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    assert create_app(site_config(tmp_path / "old", DATABASE_URL=url)).config["SECRET_KEY"] == (
        "a-key-from-before"
    )
    another = create_app(site_config(tmp_path / "new", DATABASE_URL=url))
    assert another.config["SECRET_KEY"] == "a-key-from-before"


def test_a_one_time_password_must_be_changed_first(app, site):
    asked = site["admin"].post("/admin/accounts")  # a confirmation first
    assert "确认生成账号" in text(asked) and 'class="mono"' not in asked.text
    page = site["admin"].post("/admin/accounts", {"confirm": "yes"})
    assert page.status_code == 200
    rows = re.findall(r"<td>(\S+?)</td><td>(\S+?)</td><td class=\"mono\">(\S+?)</td>", page.text)
    accounts = {unit: (username, password) for unit, username, password in rows}
    # one for every unit without an account (清远市's and 韶关市's have theirs): short names
    assert len(accounts) == 19 and "清远市" not in accounts and "韶关市" not in accounts
    username, one_time = accounts["广州市"]
    assert username == "广州市"
    browser = site.anonymous()
    signed_in = browser.login(username, one_time)
    assert signed_in.headers["Location"] == "/password"
    assert browser.get("/").headers["Location"] == "/password"
    assert browser.get("/templates").headers["Location"] == "/password"
    form = {"current": "wrong-one", "new": "my-own-pass-1", "confirm": "my-own-pass-1"}
    assert "当前密码不正确" in text(browser.post("/password", form))
    short = {"current": one_time, "new": "short", "confirm": "short"}
    assert "新密码至少 8 位" in text(browser.post("/password", short))
    changed = browser.post("/password", {**form, "current": one_time})
    assert changed.headers["Location"] == "/"
    assert browser.get("/").status_code == 200
    assert site.anonymous().login(username, one_time).status_code == 200  # the old one is gone
    assert site.anonymous().login(username, "my-own-pass-1").headers["Location"] == "/"
    assert ("password.changed", "广州市") in [(a, u) for a, u, _ in audit(app, "password.changed")]


def test_a_reset_signs_out_the_accounts_open_sessions(app, site):
    unit = site["qingyuan"]
    assert unit.get("/").status_code == 200
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        account = repository.get_user(db.session(), "qingyuan")
    asked = site["admin"].post(f"/admin/accounts/{account.id}/reset")
    assert "确认重置“qingyuan”的密码" in text(asked)
    assert unit.get("/").status_code == 200  # not yet
    page = site["admin"].post(f"/admin/accounts/{account.id}/reset", {"confirm": "yes"})
    one_time = re.search(r'<td class="mono">(\S+)</td>', page.text).group(1)
    assert unit.get("/").headers["Location"].startswith("/login")
    assert site.anonymous().login("qingyuan", one_time).headers["Location"] == "/password"
    assert ("password.reset", "admin", "qingyuan") in audit(app, "password.reset")


def test_after_login_only_a_path_on_this_site_is_followed(site):
    browser = site.anonymous()
    outside = browser.post(
        "/login?next=https://example.com/steal", {"username": "admin", "password": PASSWORD}
    )
    assert outside.headers["Location"] == "/"
    browser = site.anonymous()
    asked = browser.get("/templates")
    assert asked.headers["Location"] == "/login?next=/templates"
    back = browser.post("/login?next=/templates", {"username": "admin", "password": PASSWORD})
    assert back.headers["Location"] == "/templates"


def test_logout_ends_the_session_and_is_audited(app, site):
    unit = site["shaoguan"]
    assert unit.logout().headers["Location"] == "/login"
    assert unit.get("/").headers["Location"].startswith("/login")
    assert [(a, u) for a, u, _ in audit(app, "logout")] == [("logout", "shaoguan")]


def test_an_upload_over_20_mb_gets_a_chinese_413_page(app, site):
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    big = table4() + b"\0" * (20 * 1024 * 1024)
    response = site["qingyuan"].upload([(big, "清远市-表四.xlsx")])
    assert response.status_code == 413
    assert "上传内容过大" in text(response) and "不能超过 20 MB" in text(response)
    assert audit(app, "upload", "upload.rejected") == []


def test_unknown_pages_and_server_errors_get_chinese_pages(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, ERROR_PAGES_IN_TESTS=True)

    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    browser = Site(app)["finance"]
    missing = browser.get("/no/such/page")
    assert missing.status_code == 404 and "页面不存在" in text(missing)
    failed = browser.get("/broken")
    assert failed.status_code == 500
    assert "服务器内部错误" in text(failed) and "boom" not in failed.text
    assert "Traceback" not in failed.text


def test_pages_carry_security_headers_and_no_external_assets(site):
    page = site["admin"].get("/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)
    assert ROUND_ID

"""Sessions kept in the database (issue 14), on SQLite and PostgreSQL: logout ends that session
only, a password change or reset ends every session of the account and revokes its API token, the
session id and the CSRF token change at sign-in, two app servers on one database agree, and a
signed-in page is never stored by the browser.
"""

from __future__ import annotations

import re

import pytest
from test_storage_support import BACKENDS, new_database
from webclient import PASSWORD, ROUND_ID, SiteClient, make_app, site_config

_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url, SECRET_KEY="one-key-for-all")
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


def browser(app, username: str | None = None) -> SiteClient:
    client = SiteClient(app.test_client())
    if username is not None:
        assert client.login(username).status_code == 302
    return client


def cookie(client: SiteClient) -> str:
    found = client.http.get_cookie("session")
    assert found is not None
    return found.value


def replay(app, value: str) -> SiteClient:
    """A new browser holding a saved cookie."""
    client = SiteClient(app.test_client())
    client.http.set_cookie("session", value)
    return client


def signed_in(client: SiteClient) -> bool:
    return client.get("/").status_code == 200


def token_page_token(client: SiteClient) -> str | None:
    page = client.post("/account/token")
    found = re.search(r"(bp_[A-Za-z0-9_-]{20,})", page.get_data(as_text=True))
    return found.group(1) if found else None


def test_logout_ends_that_session_and_a_replayed_cookie_reads_nothing(app):
    first, second = browser(app, "qingyuan"), browser(app, "qingyuan")  # two clerks, one account
    saved = cookie(first)
    assert first.logout().status_code == 302
    stolen = replay(app, saved)
    answer = stolen.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    # nor can the old cookie mint an API token
    minted = stolen.http.post("/account/token", data={"csrf_token": "x"})
    assert minted.status_code == 303 and minted.headers["Location"].startswith("/login")
    assert "bp_" not in minted.get_data(as_text=True)
    assert signed_in(second)  # the other clerk stays signed in


def test_a_password_change_ends_every_session_and_revokes_the_api_token(app):
    first, second = browser(app, "qingyuan"), browser(app, "qingyuan")
    other_unit = browser(app, "shaoguan")
    token = token_page_token(second)
    assert token is not None
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/status", headers=bearer).status_code == 200
    saved = cookie(first)
    changed = first.post(
        "/password",
        {"current": PASSWORD, "new": "Qingyuan-new-2024", "confirm": "Qingyuan-new-2024"},
    )
    assert changed.status_code == 302
    assert signed_in(first)  # this browser goes on, in a new session
    assert cookie(first) != saved
    assert not signed_in(replay(app, saved))
    assert not signed_in(second)
    assert api.get("/api/v1/status", headers=bearer).status_code == 401
    assert signed_in(other_unit)


def test_a_reset_ends_every_session_of_the_account(app):
    first, second = browser(app, "qingyuan"), browser(app, "qingyuan")
    token = token_page_token(second)
    admin = browser(app, "admin")
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        account = repository.get_user(db.session(), "qingyuan")
    assert (
        admin.post(f"/admin/accounts/{account.id}/reset", data={"confirm": "yes"}).status_code
        == 200
    )
    assert not signed_in(first) and not signed_in(second)
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/status", headers=bearer).status_code == 401
    assert signed_in(admin)


def test_the_session_id_and_the_csrf_token_change_at_sign_in(app):
    client = SiteClient(app.test_client())
    form = client.get("/login").get_data(as_text=True)
    before_token = _CSRF.search(form).group(1)
    before_cookie = cookie(client)
    answer = client.http.post(
        "/login", data={"username": "qingyuan", "password": PASSWORD, "csrf_token": before_token}
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    assert cookie(client) != before_cookie
    assert not signed_in(replay(app, before_cookie))  # the id seen before sign-in is worth nothing
    after_token = _CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    assert after_token != before_token
    refused = client.http.post("/logout", data={"csrf_token": before_token})
    assert refused.status_code == 400  # the token from before sign-in no longer counts
    assert signed_in(client)
    assert client.http.post("/logout", data={"csrf_token": after_token}).status_code == 302


def test_two_servers_on_one_database_agree_on_sessions(app, tmp_path):
    from budget_planner.web import create_app

    url = app.config["DATABASE_URL"]
    other = create_app(
        site_config(tmp_path / "second", DATABASE_URL=url, SECRET_KEY="one-key-for-all")
    )
    try:
        here = browser(app, "qingyuan")
        there = replay(other, cookie(here))
        there.username = "qingyuan"
        assert signed_in(there)
        assert there.logout().status_code == 302  # signed out on the second server …
        assert not signed_in(replay(app, cookie(here)))  # … is signed out on the first
    finally:
        other.extensions["budget_planner.db"]["engine"].dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_form_shown_by_one_server_posts_to_another_without_a_configured_key(
    backend, tmp_path, monkeypatch
):
    """No SECRET_KEY set: each server signs its forms' CSRF tokens with the key in the database,
    so the logout form a page of the first server carries is accepted by the second."""
    from budget_planner.web import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    url, drop = new_database(backend, tmp_path)
    first = make_app(tmp_path / "first", monkeypatch, DATABASE_URL=url)
    second = create_app(site_config(tmp_path / "second", DATABASE_URL=url))
    try:
        here = browser(first, "qingyuan")
        form = _CSRF.search(here.get("/").get_data(as_text=True))
        assert form is not None
        there = replay(second, cookie(here))
        answer = there.http.post("/logout", data={"csrf_token": form.group(1)})
        assert answer.status_code == 302  # not 400: the token's signature holds on the second
        assert not signed_in(replay(first, cookie(here)))  # and the first has signed out too
    finally:
        for made in (first, second):
            made.extensions["budget_planner.db"]["engine"].dispose()
        drop()


def test_signed_in_pages_are_never_stored(app):
    unit = browser(app, "qingyuan")
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        unit_id = repository.find_unit(db.session(), ROUND_ID, "清远市", scope=None).id
    for url in ("/", f"/units/{unit_id}", f"/units/{unit_id}/history", "/upload", "/templates"):
        answer = unit.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["Cache-Control"] == "no-store", url
    finance = browser(app, "finance")
    assert finance.get("/reconciliation/").headers["Cache-Control"] == "no-store"
    style = finance.get("/static/site.css")
    assert "no-store" not in style.headers.get("Cache-Control", "")  # static files are cached
    style.close()


def test_an_ended_session_leaves_no_row_behind(app):
    from sqlalchemy import func, select

    from budget_planner.storage.models import WebSession
    from budget_planner.web import db

    def rows() -> int:
        with app.app_context():
            return db.session().scalar(select(func.count()).select_from(WebSession))

    client = browser(app, "qingyuan")
    assert rows() == 1
    client.http.post("/logout", data={"csrf_token": client.csrf()})
    assert rows() == 1  # the signed-out browser's flash message, in a new anonymous session
    client.get("/login")
    assert rows() == 1


def test_a_request_finishing_after_logout_does_not_bring_the_session_back(app):
    """A long request of a session (an upload in another tab) that ends after the logout saves
    nothing: the session stays ended, and its cookie is dropped."""
    import datetime as dt

    from flask import request

    from budget_planner.storage import sessions as stored
    from budget_planner.web import db
    from budget_planner.web.sessions import DatabaseSessionInterface

    client = browser(app, "qingyuan")
    token = cookie(client)
    interface = DatabaseSessionInterface()
    with app.test_request_context("/upload", headers={"Cookie": f"session={token}"}):
        loaded = interface.open_session(app, request)
        assert loaded.token == token and "_user_id" in loaded  # the upload began signed in
        assert client.logout().status_code == 302  # meanwhile the clerk signed out
        loaded["_flashes"] = [("success", "上传完成")]  # the upload's result, then its save
        response = app.response_class()
        interface.save_session(app, loaded, response)
        assert "session=;" in response.headers.get("Set-Cookie", "")
        assert stored.load(db.session(), token) is None
        ended = stored.save(db.session(), token, "{}", None, lifetime=dt.timedelta(hours=1))
        assert not ended  # the storage refuses it too
    assert not signed_in(replay(app, token))


def test_a_session_that_ran_out_says_so_and_leads_to_the_login_page(app):
    """Idle past its limit: the next page and the next form both say 登录已超时 and lead to login
    (then back to the page); a visitor who never signed in is only asked to sign in."""
    import datetime as dt

    import sqlalchemy as sa

    from budget_planner.storage.models import WebSession
    from budget_planner.web import db

    client = browser(app, "qingyuan")
    token = client.csrf()
    with app.app_context():
        session = db.session()
        session.execute(
            sa.update(WebSession).values(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        )
        session.commit()
    page = client.get("/upload")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/upload"
    assert "登录已超时，请重新登录。" in client.get(page.headers["Location"]).text
    sent = client.http.post(
        "/account/token",
        data={"csrf_token": token},
        headers={"Referer": "http://localhost/account/"},
    )
    assert sent.status_code == 303 and sent.headers["Location"] == "/login?next=/account/"
    assert "登录已超时，请重新登录。" in client.get(sent.headers["Location"]).text
    visitor = browser(app)
    asked = visitor.get("/upload")
    assert asked.status_code == 302
    shown = visitor.get(asked.headers["Location"]).text
    assert "请先登录。" in shown and "登录已超时" not in shown

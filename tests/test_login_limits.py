"""Sign-in under pressure (issue 14), on SQLite and PostgreSQL: guesses sent at once count exactly
the limit, a password is never hashed inside a database transaction, and the password policy
refuses short, one-kind and common passwords with a Chinese message (``demo2024`` stays valid).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa
from test_storage_support import BACKENDS, new_database, postgres_url
from webclient import PASSWORD, SiteClient, make_app

from budget_planner.storage import accounts

LOCKED = "登录失败次数过多"


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


def audit_actions(app, *actions: str) -> list[str]:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        return [
            e.action for e in repository.audit_log(db.session(), None, scope=None, actions=actions)
        ]


def test_twenty_guesses_sent_at_once_count_exactly_the_limit(app, monkeypatch):
    real = accounts._matches

    def slow(password_hash: str, password: str) -> bool:
        time.sleep(0.2)  # a real hash takes this long: every guess is being checked at once
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "_matches", slow)
    clients = [SiteClient(app.test_client()) for _ in range(20)]
    tokens = [c.csrf() for c in clients]
    start = threading.Barrier(20)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(client: SiteClient, token: str) -> None:
        try:
            start.wait(10)
            form = {"username": "qingyuan", "password": "wrong-guess-9", "csrf_token": token}
            statuses.append(client.http.post("/login", data=form).status_code)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(statuses) == [303] * 5 + [429] * 15  # 303: the form again (web/after_post.py)
    assert len(audit_actions(app, "login.failed")) == 5  # exactly five passwords were checked
    assert len(audit_actions(app, "login.throttled")) == 15
    # and the account is now locked, even for the right password
    late = SiteClient(app.test_client())
    answer = late.login("qingyuan", PASSWORD)
    assert answer.status_code == 429 and LOCKED in answer.get_data(as_text=True)


def test_a_password_is_never_hashed_inside_a_transaction(app, monkeypatch):
    """On SQLite a write transaction holds the one write lock: a sign-in hashing inside it would
    stop every other write for the hash's time."""
    from flask import g

    seen: list[bool] = []
    real_matches, real_hash = accounts._matches, accounts.hash_password

    def session_busy() -> bool:
        return bool(g.db.in_transaction()) if "db" in g else False

    def matches(password_hash: str, password: str) -> bool:
        seen.append(session_busy())
        return real_matches(password_hash, password)

    def hashing(password: str) -> str:
        seen.append(session_busy())
        return real_hash(password)

    monkeypatch.setattr(accounts, "_matches", matches)
    monkeypatch.setattr(accounts, "hash_password", hashing)
    client = SiteClient(app.test_client())
    assert client.login("qingyuan", "wrong-guess-9").status_code == 200
    assert client.login("nobody", "wrong-guess-9").status_code == 200
    assert client.login("qingyuan").status_code == 302
    changed = client.post(
        "/password",
        {"current": PASSWORD, "new": "Qingyuan-new-2024", "confirm": "Qingyuan-new-2024"},
    )
    assert changed.status_code == 302
    admin = SiteClient(app.test_client())
    assert admin.login("admin").status_code == 302
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        account = repository.get_user(db.session(), "qingyuan")
    assert admin.post(f"/admin/accounts/{account.id}/reset").status_code == 200
    assert len(seen) >= 6 and not any(seen), seen


def test_on_sqlite_a_sign_in_leaves_other_writes_free_while_it_hashes(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch)
    engine = sa.create_engine(app.config["DATABASE_URL"], connect_args={"timeout": 0})
    wrote: list[bool] = []
    real = accounts._matches

    def matches(password_hash: str, password: str) -> bool:
        with engine.connect() as other:  # another request's write, during the hash
            try:
                other.exec_driver_sql("BEGIN IMMEDIATE")
                other.exec_driver_sql("ROLLBACK")
                wrote.append(True)
            except sa.exc.OperationalError:
                wrote.append(False)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "_matches", matches)
    assert SiteClient(app.test_client()).login("qingyuan").status_code == 302
    engine.dispose()
    assert wrote == [True]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1", "密码至少 8 位"),
        ("12345678", "至少两类"),
        ("abcdefghij", "至少两类"),
        ("一个足够长的中文密码", "至少两类"),
        ("password1", "太常见"),
        ("abcd1234", "太常见"),
        ("qwerty123", "太常见"),
        ("P@ssw0rd", "太常见"),
        ("demo2024", None),
        ("Qingyuan-new-2024", None),
        ("清远市预算2024", None),
        ("secret-pass-1", None),
    ],
)
def test_the_password_policy(password, problem):
    found = accounts.password_problem(password)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_the_username_plus_digits_is_too_easy():
    assert "太常见" in (accounts.password_problem("qingyuan2024", "qingyuan") or "")


def test_every_one_time_password_meets_the_policy():
    for _ in range(200):
        assert accounts.password_problem(accounts.one_time_password()) is None


def test_the_password_page_says_why_a_password_is_refused(app):
    client = SiteClient(app.test_client())
    assert client.login("qingyuan").status_code == 302
    page = client.post("/password", {"current": PASSWORD, "new": "12345678", "confirm": "12345678"})
    assert page.status_code == 200
    assert "密码须包含字母、数字、符号中的至少两类" in page.get_data(as_text=True)
    page = client.post(
        "/password", {"current": PASSWORD, "new": "password1", "confirm": "password1"}
    )
    assert "密码太常见或太容易猜到" in page.get_data(as_text=True)


@pytest.mark.skipif(postgres_url() is None, reason="DATABASE_URL 未指向 PostgreSQL")
def test_a_sign_in_settled_on_one_server_never_waits_for_one_being_checked_on_another(tmp_path):
    """Server B holds a username's count while it checks a password; server A settling another
    sign-in meanwhile tidies old counts without waiting for B (no stall, no deadlock between
    them): it forgets the old count nobody holds and leaves B's alone."""
    from budget_planner.storage import throttle
    from budget_planner.storage.db import make_engine, make_session_factory, upgrade
    from budget_planner.storage.models import LoginThrottle
    from budget_planner.storage.types import utcnow

    url, drop = new_database("postgresql", tmp_path)
    engine = make_engine(url, tmp_path)
    upgrade(engine)
    sessions = make_session_factory(engine)
    window = lock = dt.timedelta(minutes=15)
    an_hour_ago = utcnow() - dt.timedelta(hours=1)
    old = {"user:韶关市": 5, "addr:203.0.113.9": 20}  # a typo an hour ago: counts for nothing now
    try:
        with sessions() as s:
            throttle.record_failure(s, old, window=window, lock=lock, now=an_hour_ago)
        server_b = sessions()  # checking 韶关市's password now: its row held until it settles
        server_b.execute(
            sa.select(LoginThrottle).where(LoginThrottle.key == "user:韶关市").with_for_update()
        )
        mine = {"user:清远市": 5, "addr:198.51.100.4": 20}
        settled = threading.Event()

        def server_a() -> None:
            with sessions() as s:
                assert throttle.claim(s, mine, "清远市") is None
                throttle.settle(s, mine, failed=True, window=window, lock=lock)
            settled.set()

        thread = threading.Thread(target=server_a, daemon=True)
        thread.start()
        waited = not settled.wait(10)
        server_b.rollback()
        thread.join(30)
        server_b.close()
        assert not waited, "server A waited for server B's sign-in"
        with sessions() as s:
            counts = dict(s.execute(sa.select(LoginThrottle.key, LoginThrottle.failures)).all())
        assert counts == {"user:韶关市": 1, "user:清远市": 1, "addr:198.51.100.4": 1}
    finally:
        engine.dispose()
        drop()


@pytest.mark.parametrize(("proxies", "neighbour_locked_out"), [(1, False), (0, True)])
def test_behind_a_load_balancer_each_client_address_counts_on_its_own(
    tmp_path, monkeypatch, proxies, neighbour_locked_out
):
    """With BUDGET_PLANNER_PROXIES=1 the address the proxy passes on counts: a guesser's address
    locks, the office next door signs in. Without it every client has the proxy's address, and
    the guesser locks everyone out (the header is not believed from just anyone)."""
    monkeypatch.setenv("BUDGET_PLANNER_PROXIES", str(proxies))
    app = make_app(tmp_path, monkeypatch, LOGIN_ADDRESS_LIMIT=2)

    def behind_the_proxy(client: str) -> SiteClient:
        browser = SiteClient(app.test_client())
        browser.http.environ_base.update(
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client
        )  # the load balancer's address, and the client's as it passes it on
        return browser

    for guess in ("nobody-1", "nobody-2"):
        assert behind_the_proxy("203.0.113.7").login(guess, "wrong").status_code == 200
    refused = behind_the_proxy("203.0.113.7").login("qingyuan")
    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    neighbour = behind_the_proxy("198.51.100.20").login("qingyuan")
    assert (neighbour.status_code == 429) is neighbour_locked_out

"""Two ``budget-planner serve`` processes on two ports over one PostgreSQL database are one site
(issue 18, "more than one server"), as a load balancer sending each request to either would see.

Every browser here sends its requests to the two servers in turn (a form fetched from one is posted
to the other), so each step below crosses servers: both servers started at the same moment on an
empty database (they migrate one after the other), a sign-in on one valid on the other and a logout
on one ending it on both, failed sign-ins counted across both (one by one and all at once), uploads
sent at the same instant to both numbered 1..n with no number twice (the same bytes sent to
both at once make one version), a withdrawal on one racing a
review on the other (exactly one wins, the other is told why), a new version submitted on one
while the old one is approved on the other (never an approval of a replaced version), and the uploads one account may have
being read counted across both.

PostgreSQL only (several servers share a database server, not a SQLite file): skipped unless
``DATABASE_URL`` names one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from server_process import PASSWORD, Browser, Page, Server, fresh_database, seed
from test_crash_safety import submission_file
from test_storage_support import postgres_url

from budget_planner.storage import inflight
from budget_planner.storage.db import make_engine, make_session_factory
from budget_planner.storage.models import AuditLog, Submission, Unit, User, Version

pytestmark = pytest.mark.skipif(
    postgres_url() is None,
    reason="两台服务器共用一个数据库的测试需要 PostgreSQL：DATABASE_URL 未指向 PostgreSQL，跳过",
)

UPLOADERS = ("清远市", "韶关市")  # each signed in twice, uploading at the same instant
ONE_BY_ONE, ALL_AT_ONCE = "广州市", "深圳市"  # accounts whose password is guessed
USER_LIMIT = 5  # web/throttle.py's default: failed sign-ins of one username before the lock
PARSES_PER_USER = 2
FILES_EACH = 3
WAIT = 30.0
WRONG = "用户名或密码不正确"
LOCKED = "登录失败次数过多"


FLASH = re.compile(r'<div class="flash flash-\w+" role="status">([^<]*)</div>')


def said(page: Page) -> str:
    """What the page tells the user (its flashed messages), or its text if it is an error page."""
    return " ".join(FLASH.findall(page.text)) or page.text


@dataclass
class SiteBrowser(Browser):
    """A browser behind a load balancer that sends each request to the next server in turn."""

    servers: tuple[str, ...] = ()
    turn: int = 0
    answered_by: list[str] = field(default_factory=list)

    def next_to(self, index: int) -> SiteBrowser:
        """The next request goes to server ``index`` (then on in turn)."""
        self.turn = index
        return self

    def act(self, path: str, fields: dict | None = None) -> Page:
        """A workflow form: posted, and the page it leads to read (its message said there)."""
        page = self.post(path, fields)
        if page.status in (302, 303) and page.location:
            return self.get(page.location)
        return page

    def request(self, method, path, body=None, headers=None) -> Page:
        self.base_url = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        self.answered_by.append(self.base_url)
        return super().request(method, path, body, headers)


@dataclass
class Site:
    servers: list[Server]
    engine: sa.Engine

    def browser(self, first: int = 0) -> SiteBrowser:
        urls = tuple(server.base_url for server in self.servers)
        return SiteBrowser(urls[0], timeout=WAIT, servers=urls, turn=first)

    def signed_in(self, username: str, first: int = 0) -> SiteBrowser:
        browser = self.browser(first)
        assert browser.login(username).status == 302, username
        browser.csrf()  # the token of a signed-in page, read before anything is sent at once
        return browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("two_servers")
    database = fresh_database("postgresql", tmp)
    env = {
        "SECRET_KEY": "",  # none configured: each server reads the key kept in the database
        "BUDGET_PLANNER_PARSES_PER_USER": str(PARSES_PER_USER),
    }
    # two instance folders, as on two machines: nothing is shared but the database
    servers = [Server(database.url, tmp / name, env=env) for name in ("a", "b")]
    while servers[1].port == servers[0].port:
        servers[1] = Server(database.url, tmp / "b", env=env)
    failures: list[BaseException] = []

    def start(server: Server) -> None:
        try:
            server.start()
        except BaseException as exc:  # handed to the test
            failures.append(exc)

    # started at the same moment on an empty database: the migrations must not collide
    starting = [threading.Thread(target=start, args=(s,)) for s in servers]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    engine = make_engine(database.url, tmp)
    try:
        assert failures == []
        seed(database.url, tmp, (*UPLOADERS, ONE_BY_ONE, ALL_AT_ONCE))
        yield Site(servers, engine)
        for server in servers:
            assert "Traceback" not in server.log(), server.log()[-3000:]
    finally:
        for server in servers:
            server.stop()
        engine.dispose()
        database.drop()


def at_once(jobs: list, *args) -> list:
    """Run ``job(barrier, *args)`` for every job in threads released together; their results."""
    together = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            results[index] = jobs[index](together)
        except BaseException as exc:  # handed to the test
            errors.append(exc)
            together.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert errors == []
    return results


def test_both_servers_came_up_on_one_schema_and_a_sign_in_holds_on_both(site):
    with site.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
        keys = conn.execute(sa.text("SELECT count(*) FROM site_secrets")).scalar()
    assert keys == 1  # one signing key, made by whichever server came first
    browser = site.browser(0)
    # the login form from server A, posted to server B: the CSRF token's signature holds there
    assert browser.login("清远市").status == 302
    assert browser.answered_by == [site.servers[0].base_url, site.servers[1].base_url]
    for index in (0, 1):
        page = browser.next_to(index).get("/")
        assert page.status == 200 and "清远市" in page.text
    # a logout on B ends the session on A too (and on B)
    assert browser.next_to(1).post("/logout").status == 302
    for index in (0, 1):
        page = browser.next_to(index).get("/")
        assert page.status == 302 and "/login" in page.location


def test_failed_sign_ins_on_either_server_count_toward_one_lock(site):
    browser = site.browser(0)
    for attempt in range(USER_LIMIT):
        page = browser.login(ONE_BY_ONE, "wrong-password")
        assert WRONG in page.text, (attempt, page.status)
    # the right password, on whichever server: refused while the lock lasts
    for index in (0, 1):
        browser.next_to(index)
        page = browser.login(ONE_BY_ONE, PASSWORD)
        assert page.status == 429 and LOCKED in page.text


def test_guesses_sent_to_both_servers_at_once_check_exactly_the_limit(site):
    guesses = 2 * USER_LIMIT
    browsers = [site.browser(i % 2) for i in range(guesses)]
    for browser in browsers:
        browser.csrf()  # the login form, from one server; the guess goes to the other

    guessed_on: list[str] = []  # the server each guess was posted to

    def guess(browser: SiteBrowser):
        def send(together: threading.Barrier) -> Page:
            together.wait(WAIT)
            posted_as = len(browser.answered_by)
            # a checked guess is answered by a redirect whose page comes from the next server
            page = browser.post("/login", {"username": ALL_AT_ONCE, "password": "wrong-password"})
            guessed_on.append(browser.answered_by[posted_as])
            return page

        return send

    pages = at_once([guess(b) for b in browsers])
    checked = [p for p in pages if WRONG in p.text]
    refused = [p for p in pages if p.status == 429 and LOCKED in p.text]
    assert (len(checked), len(refused)) == (USER_LIMIT, guesses - USER_LIMIT)
    assert sorted(guessed_on) == sorted([s.base_url for s in site.servers] * USER_LIMIT)
    page = site.browser(1).login(ALL_AT_ONCE, PASSWORD)
    assert page.status == 429 and LOCKED in page.text


def test_uploads_sent_to_both_servers_at_once_are_numbered_without_a_repeat(site):
    browsers = [(unit, site.signed_in(unit, i)) for unit in UPLOADERS for i in (0, 1)]
    sent: dict[str, list[bytes]] = {unit: [] for unit in UPLOADERS}
    version_ids: list[int] = []
    for step in range(FILES_EACH):
        jobs = []
        for place, (unit, browser) in enumerate(browsers):
            data = submission_file(unit, 10 * step + place)
            sent[unit].append(data)

            def upload(together, browser=browser, unit=unit, data=data) -> Page:
                together.wait(WAIT)
                return browser.upload([(data, f"{unit}-表四.xlsx")])

            jobs.append(upload)
        for page in at_once(jobs):
            assert page.status == 200 and "服务器内部错误" not in page.text
            (found,) = page.version_ids()
            version_ids.append(found)
    assert len(set(version_ids)) == len(version_ids)  # every file its own version
    # the same bytes from both of a unit's browsers at once, one to each server: one version
    jobs = []
    for unit, browser in browsers:
        data = submission_file(unit, 1000)

        def same(together, browser=browser, unit=unit, data=data) -> Page:
            together.wait(WAIT)
            return browser.upload([(data, f"{unit}-表四.xlsx")])

        jobs.append(same)
    pages = at_once(jobs)
    for unit in UPLOADERS:
        mine = [p for (owner, _), p in zip(browsers, pages, strict=True) if owner == unit]
        unchanged = [p for p in mine if "完全相同，未新建版本" in p.text]
        assert len(unchanged) == 1, unit  # the other one made the version
        assert len({v for p in mine for v in p.version_ids()}) == 1, unit
        sent[unit].append(submission_file(unit, 1000))
    with site.engine.connect() as conn:
        rows = conn.execute(
            sa.select(Unit.short_name, Version.number)
            .join(Submission, Version.submission_id == Submission.id)
            .join(Unit, Submission.unit_id == Unit.id)
        ).all()
    for unit in UPLOADERS:
        numbers = sorted(number for name, number in rows if name == unit)
        assert numbers == list(range(1, len(sent[unit]) + 1)), unit


def _newest_draft(site: Site, unit: str, browser: SiteBrowser, variant: int) -> int:
    page = browser.upload([(submission_file(unit, variant), f"{unit}-表四.xlsx")])
    (found,) = page.version_ids()
    return found


def test_a_withdrawal_on_one_server_and_a_review_on_the_other_cannot_both_win(site):
    unit = site.signed_in("韶关市", 0)
    admin = site.signed_in("admin", 1)
    outcomes = []
    for attempt in range(3):
        version_id = _newest_draft(site, "韶关市", unit, 100 + attempt)
        unit.next_to(attempt % 2)
        assert said(unit.act(f"/versions/{version_id}/submit")).startswith("已提交：")
        unit.csrf()
        unit.next_to(attempt % 2)
        admin.next_to(1 - attempt % 2)  # the two go to different servers

        def withdraw(together, version_id=version_id) -> Page:
            together.wait(WAIT)
            return unit.act(f"/versions/{version_id}/withdraw")

        def approve(together, version_id=version_id) -> Page:
            together.wait(WAIT)
            return admin.act(
                f"/versions/{version_id}/review", {"decision": "approve", "comment": ""}
            )

        withdrawn, approved = at_once([withdraw, approve])
        won_withdraw = said(withdrawn).startswith("已撤回提交：")
        won_approve = said(approved).startswith("审核通过：")
        assert won_withdraw != won_approve, (said(withdrawn), said(approved))
        loser = said(approved if won_withdraw else withdrawn)
        assert ("不能审核通过" if won_withdraw else "不能撤回提交") in loser, loser
        with site.engine.connect() as conn:
            state = conn.scalar(sa.select(Version.state).where(Version.id == version_id))
            done = conn.scalars(
                sa.select(AuditLog.action).where(
                    AuditLog.version_id == version_id,
                    AuditLog.action.in_(["withdraw", "approve"]),
                )
            ).all()
        assert state == ("draft" if won_withdraw else "approved")
        assert done == (["withdraw"] if won_withdraw else ["approve"])  # never both
        outcomes.append(state)
    assert outcomes  # the race ran every time (either may win it)


def test_a_new_submission_on_one_server_and_a_review_of_the_old_on_the_other_agree(site):
    """Version n waits for review; the unit submits version n+1 on one server while the reviewer
    approves version n on the other. Either the approval came first (n approved and counting,
    n+1 waiting beside it) or the submission did (n replaced, the approval refused with why);
    never an approval of a version already replaced."""
    unit = site.signed_in("韶关市", 0)
    admin = site.signed_in("admin", 1)
    for attempt in range(3):
        old = _newest_draft(site, "韶关市", unit, 200 + 2 * attempt)
        assert said(unit.act(f"/versions/{old}/submit")).startswith("已提交：")
        new = _newest_draft(site, "韶关市", unit, 201 + 2 * attempt)
        unit.csrf()
        unit.next_to(attempt % 2)
        admin.next_to(1 - attempt % 2)

        def submit(together, new=new) -> Page:
            together.wait(WAIT)
            return unit.act(f"/versions/{new}/submit")

        def approve(together, old=old) -> Page:
            together.wait(WAIT)
            return admin.act(f"/versions/{old}/review", {"decision": "approve", "comment": ""})

        submitted, approved = at_once([submit, approve])
        assert said(submitted).startswith("已提交："), said(submitted)
        with site.engine.connect() as conn:
            states = dict(
                conn.execute(
                    sa.select(Version.id, Version.state).where(Version.id.in_([old, new]))
                ).all()
            )
        assert states[new] == "submitted"
        if said(approved).startswith("审核通过："):
            assert states[old] == "approved"
        else:
            assert "不能审核通过" in said(approved), said(approved)
            assert states[old] != "approved"


@contextlib.contextmanager
def parsing_elsewhere(site: Site, username: str, server: Server) -> Iterator[None]:
    """An upload of ``username`` being read by ``server`` now (its slot, held as that process)."""
    with make_session_factory(site.engine)() as session:
        user_id = session.scalar(sa.select(User.id).where(User.username == username))
        assert user_id is not None and server.proc is not None
        slot = inflight.begin(
            session,
            user_id,
            limit=PARSES_PER_USER,
            hold=dt.timedelta(minutes=5),
            owner=(inflight.this_process()[0], server.proc.pid),
        )
        assert slot is not None
        try:
            yield
        finally:
            inflight.end(session, slot)


def test_uploads_being_read_count_against_the_account_on_both_servers(site):
    browser = site.signed_in("清远市", 0)
    data = submission_file("清远市", 999)
    with parsing_elsewhere(site, "清远市", site.servers[0]):
        with parsing_elsewhere(site, "清远市", site.servers[1]):
            for index in (0, 1):  # one upload being read on each server: the account's two
                page = browser.next_to(index).upload([(data, "清远市-表四.xlsx")])
                assert page.status == 429
                assert f"您已有 {PARSES_PER_USER} 批文件正在读取" in page.text
            theirs = submission_file("韶关市", 999)
            other = site.signed_in("韶关市", 1).upload([(theirs, "韶关市-表四.xlsx")])
            assert other.status == 200 and other.version_ids(), said(other)  # others are served
        page = browser.next_to(1).upload([(data, "清远市-表四.xlsx")])
        assert page.status == 200 and page.version_ids()  # one slot free again: read

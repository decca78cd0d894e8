"""Many browsers at once against ``budget-planner serve`` on 127.0.0.1 (SQLite, and PostgreSQL when
``DATABASE_URL`` names one): units uploading new files, several sessions of one unit sending the
very same bytes at the same instant, units submitting and the admin reviewing meanwhile.

Nothing is lost (every file sent is a version, its page names it), nothing doubled (the same bytes
sent at once make one version, the others are told it is unchanged), numbers run 1..n without
gaps, every request is answered (no 500), and the database is whole afterwards.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from server_process import Browser, Page, Server, fresh_database, seed
from test_crash_safety import submission_file, whole_database_problems
from test_storage_support import BACKENDS

from budget_planner.storage.db import make_engine

UNITS = ("清远市", "韶关市")
SESSIONS_PER_UNIT = 4  # 8 browsers in all, plus the admin
NEW_FILES_EACH = 4  # distinct files per browser, then one file all of a unit's browsers share
CAP = 30.0  # seconds for the whole exchange
NUMBER = re.compile(r"第 (\d+) 版")


@dataclass
class Sent:
    unit: str
    sha: str
    page: Page

    @property
    def version_id(self) -> int:
        (found,) = self.page.version_ids()
        return found

    @property
    def unchanged(self) -> bool:
        return "完全相同，未新建版本" in self.page.text


@dataclass
class Exchange:
    server: Server
    sent: list[Sent] = field(default_factory=list)
    answers: Counter = field(default_factory=Counter)  # (what, status) → count
    errors: list[str] = field(default_factory=list)
    review_queue: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    together: threading.Barrier = field(
        default_factory=lambda: threading.Barrier(SESSIONS_PER_UNIT * len(UNITS))
    )
    uploads_over: threading.Event = field(default_factory=threading.Event)

    def note(self, what: str, page: Page) -> Page:
        with self.lock:
            self.answers[(what, page.status)] += 1
        if page.status >= 500 or "服务器内部错误" in page.text:
            self.errors.append(f"{what}: {page.status} {page.url}")
        return page

    def unit_session(self, unit: str, files: list[bytes], shared: bytes) -> None:
        try:
            browser = Browser(self.server.base_url, timeout=CAP)
            assert self.note("login", browser.login(unit)).status == 302
            for data in files:
                self._upload(browser, unit, data, submit=True)
            self.together.wait(CAP)  # every browser of every unit sends its shared file at once
            self._upload(browser, unit, shared, submit=False)
        except Exception as exc:
            self.errors.append(f"{unit}: {exc!r}")
            self.together.abort()

    def _upload(self, browser: Browser, unit: str, data: bytes, submit: bool) -> None:
        page = self.note("upload", browser.upload([(data, f"{unit}-表四.xlsx")]))
        sent = Sent(unit, hashlib.sha256(data).hexdigest(), page)
        with self.lock:
            self.sent.append(sent)
        if submit and "不能提交" not in page.text:
            # refused now and then (a newer version came meanwhile): a message, never a 500
            self.note("submit", browser.post(f"/versions/{sent.version_id}/submit"))
            with self.lock:
                self.review_queue.append(sent.version_id)

    def admin_session(self) -> None:
        try:
            browser = Browser(self.server.base_url, timeout=CAP)
            assert self.note("login", browser.login("admin")).status == 302
            n = 0
            while not (self.uploads_over.is_set() and not self.review_queue):
                with self.lock:
                    vid = self.review_queue.pop(0) if self.review_queue else None
                if vid is None:
                    time.sleep(0.01)
                    continue
                n += 1
                decision = {"decision": "approve", "comment": ""}
                if n % 3 == 0:
                    decision = {"decision": "return", "comment": "请补充项目绩效"}
                page = browser.post(f"/versions/{vid}/review", decision)
                self.note("review", page)
                self.note("version page", browser.get(f"/versions/{vid}"))
        except Exception as exc:
            self.errors.append(f"admin: {exc!r}")


@pytest.fixture(params=BACKENDS)
def served(request, tmp_path: Path):
    database = fresh_database(request.param, tmp_path)
    seed(database.url, tmp_path, UNITS)
    engine = make_engine(database.url, tmp_path)
    # every browser of a unit uploads at once: as many parses in flight per account as browsers
    env = {"BUDGET_PLANNER_PARSES_PER_USER": str(SESSIONS_PER_UNIT)}
    server = Server(database.url, tmp_path / "instance", env=env).start()
    yield server, engine
    server.stop()
    engine.dispose()
    database.drop()


def test_many_browsers_at_once_lose_nothing_and_double_nothing(served):
    server, engine = served
    exchange = Exchange(server)
    shared = {unit: submission_file(unit, 500) for unit in UNITS}
    threads = [threading.Thread(target=exchange.admin_session, daemon=True)]
    for unit in UNITS:
        for s in range(SESSIONS_PER_UNIT):
            files = [
                submission_file(unit, s * 10 + i, errors=(i == 2)) for i in range(NEW_FILES_EACH)
            ]
            threads.append(
                threading.Thread(
                    target=exchange.unit_session, args=(unit, files, shared[unit]), daemon=True
                )
            )
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads[1:]:
        t.join(max(CAP - (time.monotonic() - started), 0.1))
    exchange.uploads_over.set()
    threads[0].join(max(CAP - (time.monotonic() - started), 0.1))
    assert not any(t.is_alive() for t in threads), "the exchange took longer than its cap"
    assert exchange.errors == [], server.log()[-3000:]
    # a submission or a review of a version a newer one superseded meanwhile is refused with 409
    refused = {what for what, status in exchange.answers if status == 409}
    assert refused <= {"submit", "review"}
    assert {what for what, s in exchange.answers if s not in (200, 302, 409)} == set()
    uploads = SESSIONS_PER_UNIT * (NEW_FILES_EACH + 1) * len(UNITS)
    assert len(exchange.sent) == uploads and exchange.answers[("upload", 200)] == uploads

    with engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT u.short_name, v.id, v.number, v.blob_sha256 FROM versions v "
                "JOIN submissions s ON s.id = v.submission_id JOIN units u ON u.id = s.unit_id "
                "ORDER BY u.short_name, v.number"
            )
        ).fetchall()
        unchanged = conn.execute(
            sa.text("SELECT count(*) FROM audit_log WHERE action = 'upload.unchanged'")
        ).scalar_one()
    for unit in UNITS:
        mine = [row for row in stored if row.short_name == unit]
        files = {s.sha for s in exchange.sent if s.unit == unit}
        # one version per distinct file: none lost, none doubled, numbered 1..n
        assert sorted(row.blob_sha256 for row in mine) == sorted(files)
        assert [row.number for row in mine] == list(range(1, len(files) + 1))
        assert len(files) == SESSIONS_PER_UNIT * NEW_FILES_EACH + 1
        # every page named the version its file became, and said which number it got
        by_id = {row.id: row for row in mine}
        for sent in (s for s in exchange.sent if s.unit == unit):
            assert by_id[sent.version_id].blob_sha256 == sent.sha
            assert f"第 {by_id[sent.version_id].number} 版" in sent.page.text
        # the shared bytes sent by every browser at once: one version, the others told so
        together = [
            s for s in exchange.sent if s.sha == hashlib.sha256(shared[unit]).digest().hex()
        ]
        assert len({s.version_id for s in together}) == 1
        assert sorted(s.unchanged for s in together) == [False] + [True] * (SESSIONS_PER_UNIT - 1)
    assert unchanged == (SESSIONS_PER_UNIT - 1) * len(UNITS)
    assert exchange.answers[("review", 302)] >= 1  # the admin reviewed while units uploaded
    assert whole_database_problems(engine) == []

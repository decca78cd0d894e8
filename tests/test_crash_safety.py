"""Nothing half-written: ``budget-planner serve`` killed (SIGKILL, its parse workers with it) while
units upload and the admin reviews, then started again on the same database.

After every kill, every version is whole — its bytes (SHA-256 and size), its report, its project
rows, its audit entry — or absent; numbers run 1..n without gaps; every review has its audit entry;
no bytes are kept without a version; the database passes its own integrity check (SQLite
``PRAGMA integrity_check`` and ``foreign_key_check``; PostgreSQL amcheck over every table and
index). Every upload the site confirmed before the kill is still there, byte for byte. Runs on
SQLite, and on PostgreSQL when ``DATABASE_URL`` names one (a schema of its own).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import random
import sqlite3
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from builders import make_table4, table4_rows
from server_process import Browser, Server, fresh_database, seed
from test_storage_support import BACKENDS

from budget_planner.storage.db import make_engine

UNITS = ("清远市", "韶关市", "广州市", "深圳市")
KILLS = 2
UPLOADS_BEFORE_KILL = 6  # confirmed uploads in a cycle before the kill is armed
CYCLE_CAP = 20.0  # seconds a cycle may run before the kill comes regardless
UPLOAD_ACTIONS = ("upload", "upload.on_behalf")
REVIEW_ACTIONS = ("approve", "return")


def submission_file(unit: str, variant: int, errors: bool = False) -> bytes:
    """The issued 表四 as a unit fills it: two presets taken up (a negative amount: an error)."""
    taken = {
        "高价值专利培育布局中心建设": 50 + variant,
        "知识产权纠纷多元化解": -5 if errors else 30,
    }
    return make_table4(unit, table4_rows(taken=taken))


# ---------------------------------------------------------------- what a whole database is


def integrity_problems(engine: sa.Engine) -> list[str]:
    """The database's own check: SQLite's integrity and foreign-key checks, PostgreSQL's amcheck."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            found = [] if found == ["ok"] else found
            keys = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            return found + [f"foreign key: {tuple(r)}" for r in keys]
        return _amcheck(conn)


def _amcheck(conn: sa.Connection) -> list[str]:
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    where = conn.exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'amcheck'"
    ).scalar()
    if where is None:  # installed in this test's own schema: dropped with it
        with contextlib.suppress(sa.exc.DBAPIError):  # another run installed it meanwhile
            conn.exec_driver_sql(f'CREATE EXTENSION amcheck SCHEMA "{schema}"')
            conn.commit()
        conn.rollback()
        where = conn.exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'amcheck'"
        ).scalar_one()
    found = []
    tables = conn.exec_driver_sql(
        "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = "
        "current_schema()::regnamespace AND c.relkind = 'r'"
    ).scalars()
    for table in list(tables):
        for row in conn.exec_driver_sql(f"SELECT * FROM {where}.verify_heapam('{table}')"):
            found.append(f"{table}: {tuple(row)}")
    indexes = conn.exec_driver_sql(
        "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'i' "
        "AND a.amname = 'btree'"
    ).scalars()
    for index in list(indexes):  # raises on a corrupt index
        conn.exec_driver_sql(f"SELECT {where}.bt_index_check('{index}', true)")
    return found


def whole_database_problems(engine: sa.Engine) -> list[str]:
    """Every way a version, a review or a blob could be half-written, as readable lines."""
    problems: list[str] = []
    with engine.connect() as conn:
        q = conn.exec_driver_sql
        for vid, sha, stored_sha_ok, size_ok in q(
            "SELECT v.id, v.blob_sha256, b.sha256 IS NOT NULL, b.size = length(b.data) "
            "FROM versions v LEFT JOIN blobs b ON b.sha256 = v.blob_sha256 ORDER BY v.id"
        ):
            if not stored_sha_ok or not size_ok:
                problems.append(f"version {vid}: bytes {sha} missing or cut")
        for sha, data in q("SELECT sha256, data FROM blobs ORDER BY sha256"):
            if hashlib.sha256(bytes(data)).hexdigest() != sha:
                problems.append(f"blob {sha}: bytes differ from their SHA-256")
        for vid, rows_count, kept, report in q(
            "SELECT v.id, v.rows_count, count(r.id), v.report_json FROM versions v "
            "LEFT JOIN project_rows r ON r.version_id = v.id GROUP BY v.id ORDER BY v.id"
        ):
            if rows_count != kept:
                problems.append(f"version {vid}: {kept} project rows kept, {rows_count} reported")
            report = json.loads(report) if isinstance(report, str) else report
            if not isinstance(report, dict) or "issues" not in report or not report.get("table"):
                problems.append(f"version {vid}: no report")
        audited = Counter(
            r[0]
            for r in q(
                "SELECT version_id FROM audit_log WHERE action IN ('upload', 'upload.on_behalf')"
            )
        )
        for (vid,) in q("SELECT id FROM versions ORDER BY id"):
            if audited[vid] != 1:
                problems.append(f"version {vid}: {audited[vid]} upload audit entries")
        reviews = Counter(r[0] for r in q("SELECT version_id FROM reviews"))
        review_audits = Counter(
            r[0]
            for r in q("SELECT version_id FROM audit_log WHERE action IN ('approve', 'return')")
        )
        if reviews != review_audits:
            problems.append(f"reviews {dict(reviews)} ≠ their audit entries {dict(review_audits)}")
        numbers: dict[int, list[int]] = {}
        for sid, number in q("SELECT submission_id, number FROM versions ORDER BY number"):
            numbers.setdefault(sid, []).append(number)
        for sid, seen in numbers.items():
            if seen != list(range(1, len(seen) + 1)):
                problems.append(f"submission {sid}: version numbers {seen}")
        for (sha,) in q(
            "SELECT b.sha256 FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE "
            "v.blob_sha256 = b.sha256) AND NOT EXISTS (SELECT 1 FROM attachments a WHERE "
            "a.blob_sha256 = b.sha256) ORDER BY b.sha256"
        ):
            problems.append(f"blob {sha}: kept without a version")
        for sid, status in q(
            "SELECT s.id, s.status FROM submissions s WHERE NOT EXISTS "
            "(SELECT 1 FROM versions v WHERE v.submission_id = s.id) ORDER BY s.id"
        ):
            problems.append(f"submission {sid} ({status}) without a version")
    return problems


# ---------------------------------------------------------------- traffic


@dataclass
class Traffic:
    """Units uploading (new files, files with errors, the same bytes again) and submitting, and
    the admin approving or returning what they submit, until the server goes away."""

    server: Server
    cycle: int
    confirmed: dict[int, str] = field(default_factory=dict)  # version id → SHA-256 of its file
    sent: set[str] = field(default_factory=set)  # SHA-256 of every file sent
    uploads_done: int = 0
    cut: int = 0  # requests the kill cut short
    mid_write: bool = False  # a write transaction was open when the kill was sent
    failures: list[str] = field(default_factory=list)
    to_review: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def run_unit(self, unit: str, files: list[bytes]) -> None:
        browser = Browser(self.server.base_url, timeout=30)
        if not self._call(lambda: browser.login(unit)):
            return
        for i, data in enumerate(files):
            if self.stop.is_set():
                return
            sha = hashlib.sha256(data).hexdigest()
            with self.lock:
                self.sent.add(sha)
            page = self._call(lambda d=data: browser.upload([(d, f"{unit}-表四.xlsx")]))
            if page is None:
                return
            if page.status != 200 or not page.version_ids():
                self.failures.append(f"{unit} upload {i}: {page.status}")
                return
            (vid,) = page.version_ids()
            with self.lock:
                self.confirmed[vid] = sha
                self.uploads_done += 1
            if "不能提交" not in page.text and i % 2 == 0:
                submitted = self._call(lambda v=vid: browser.post(f"/versions/{v}/submit"))
                if submitted is None:
                    return
                with self.lock:
                    self.to_review.append(vid)

    def run_admin(self) -> None:
        browser = Browser(self.server.base_url, timeout=30)
        if not self._call(lambda: browser.login("admin")):
            return
        n = 0
        while not self.stop.is_set():
            with self.lock:
                vid = self.to_review.pop(0) if self.to_review else None
            if vid is None:
                time.sleep(0.02)
                continue
            n += 1
            decision = {"decision": "approve", "comment": ""}
            if n % 2:
                decision = {"decision": "return", "comment": f"第{self.cycle}轮退回：请核对金额"}
            page = self._call(lambda v=vid, d=decision: browser.post(f"/versions/{v}/review", d))
            # 409: a newer submission superseded it meanwhile (a refusal, never a 500)
            if page is not None and page.status not in (302, 409):
                self.failures.append(f"review {vid}: {page.status}")

    def _call(self, request):
        try:
            return request()
        except (
            OSError,
            http.client.HTTPException,
        ):  # connection refused or reset, or cut mid-answer: the kill
            if not self.server.running or self.stop.is_set():
                with self.lock:
                    self.cut += 1
                return None
            raise


class WriteProbe:
    """Whether the server has a write transaction open right now (begun, not yet committed).

    SQLite: another connection cannot take the write lock (``BEGIN IMMEDIATE`` without waiting).
    PostgreSQL: one of the server's connections (told by its ``application_name``) holds a
    transaction id, which PostgreSQL assigns at a transaction's first write.
    """

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.name = f"bp_crash_{uuid.uuid4().hex[:10]}"
        if url.startswith("sqlite"):
            self.file = sa.make_url(url).database
            self.server_url = url
        else:
            self.engine = make_engine(url, tmp_path)
            self.server_url = f"{url}&application_name={self.name}"

    def writing(self) -> bool:
        if self.url.startswith("sqlite"):
            conn = sqlite3.connect(self.file, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:  # database is locked: a write is under way
                return True
            finally:
                conn.close()
        with self.engine.connect() as conn:
            return bool(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :n "
                        "AND backend_xid IS NOT NULL"
                    ),
                    {"n": self.name},
                ).scalar_one()
            )

    def close(self) -> None:
        if hasattr(self, "engine"):
            self.engine.dispose()


def run_until_killed(server: Server, probe: WriteProbe, cycle: int, seed_value: int) -> Traffic:
    traffic = Traffic(server, cycle)
    plan = random.Random(seed_value)
    threads = [threading.Thread(target=traffic.run_admin, daemon=True)]
    for u, unit in enumerate(UNITS):
        files = []
        for i in range(12):
            if i and plan.random() < 0.2:
                files.append(files[-1])  # the same bytes again
            else:
                files.append(submission_file(unit, cycle * 100 + u * 20 + i, plan.random() < 0.2))
        threads.append(threading.Thread(target=traffic.run_unit, args=(unit, files), daemon=True))
    for t in threads:
        t.start()
    deadline = time.monotonic() + CYCLE_CAP
    while traffic.uploads_done < UPLOADS_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(plan.uniform(0.0, 0.2))
    armed = time.monotonic() + 5
    while not probe.writing() and time.monotonic() < armed:
        time.sleep(0.002)  # wait for a write transaction under way …
    traffic.stop.set()
    server.kill()  # … and kill the server in the middle of it
    traffic.mid_write = time.monotonic() < armed
    for t in threads:
        t.join(30)
    return traffic


# ---------------------------------------------------------------- the test


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    found = fresh_database(request.param, tmp_path)
    yield found
    found.drop()


def stored_shas(engine: sa.Engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.exec_driver_sql("SELECT id, blob_sha256 FROM versions").fetchall())


def test_a_killed_server_keeps_every_version_whole_or_not_at_all(database, tmp_path: Path):
    seed(database.url, tmp_path, UNITS)
    engine = make_engine(database.url, tmp_path)
    probe = WriteProbe(database.url, tmp_path)
    server = Server(probe.server_url, tmp_path / "instance").start()
    try:
        confirmed: dict[int, str] = {}
        sent: set[str] = set()
        cut = mid_write = 0
        for cycle in range(KILLS):
            traffic = run_until_killed(server, probe, cycle, seed_value=cycle)
            mid_write += traffic.mid_write
            assert traffic.failures == [], server.log()[-3000:]
            assert not server.running
            cut += traffic.cut
            confirmed.update(traffic.confirmed)
            sent |= traffic.sent
            server.start()  # the same database, as after a power cut
            assert integrity_problems(engine) == []
            assert whole_database_problems(engine) == []
            kept = stored_shas(engine)
            # every upload the site confirmed is still there, with the bytes it was sent
            assert {v: kept.get(v) for v in confirmed} == confirmed
            with engine.connect() as conn:
                blobs = set(conn.exec_driver_sql("SELECT sha256 FROM blobs").scalars())
            assert blobs <= sent  # nothing but what was sent
        assert cut >= 1, "the kills cut no request short: the test did not test a crash"
        assert mid_write >= 1, "no kill came while a write transaction was open"
        # the site goes on where it stopped: a confirmed version downloads byte for byte, and the
        # next upload takes the next number
        browser = Browser(server.base_url)
        assert browser.login("清远市").status == 302
        mine = sorted(
            v
            for v in confirmed
            if browser.get(f"/versions/{v}").status == 200  # 404: another unit's version
        )
        assert mine
        download = browser.get(f"/versions/{mine[-1]}/file")
        assert download.status == 200
        assert hashlib.sha256(download.body).hexdigest() == confirmed[mine[-1]]
        with engine.connect() as conn:
            newest = conn.exec_driver_sql(
                "SELECT max(v.number) FROM versions v JOIN submissions s ON s.id = v.submission_id "
                "JOIN units u ON u.id = s.unit_id WHERE u.short_name = '清远市'"
            ).scalar_one()
        page = browser.upload([(submission_file("清远市", 999), "清远市-表四.xlsx")])
        assert page.status == 200 and f"第 {newest + 1} 版" in page.text
    finally:
        server.stop()
        probe.close()
        engine.dispose()


def test_the_checks_see_what_a_half_written_version_would_leave(tmp_path: Path):
    """The checks above can fail: each kind of damage a crash could do is named."""
    from server_process import Database

    database = Database(f"sqlite:///{tmp_path / 'damaged.sqlite3'}", "sqlite", lambda: None)
    seed(database.url, tmp_path, ["清远市"])
    engine = make_engine(database.url, tmp_path)
    with Server(database.url, tmp_path / "instance") as server:
        browser = Browser(server.base_url)
        browser.login("清远市")
        files = [submission_file("清远市", variant) for variant in (1, 2)]
        for data in files:
            assert browser.upload([(data, "a.xlsx")]).status == 200
    assert integrity_problems(engine) == [] and whole_database_problems(engine) == []
    raw = sqlite3.connect(tmp_path / "damaged.sqlite3", isolation_level=None)
    with raw:  # what a crash could leave, if the upload were not one transaction
        q = raw.execute
        q("DELETE FROM audit_log WHERE version_id = 1 AND action = 'upload'")
        q("DELETE FROM project_rows WHERE version_id = 1 AND position = 0")
        q("UPDATE versions SET number = 3 WHERE id = 2")
        q("INSERT INTO blobs (sha256, data, size, created_at) VALUES ('ab', x'00', 1, '2024')")
        q(
            "UPDATE blobs SET size = size - 1 WHERE sha256 = (SELECT blob_sha256 FROM versions "
            "WHERE id = 2)"
        )
        q(
            "INSERT INTO submissions (round_id, unit_id, table_id, slot, status, locked, "
            "updated_at) VALUES ('guangdong-2024', 1, '表一', '', 'draft', 0, '2024')"
        )
        q("UPDATE versions SET blob_sha256 = 'gone' WHERE id = 1")
    raw.close()
    first, second = (hashlib.sha256(data).hexdigest() for data in files)
    assert whole_database_problems(engine) == [
        "version 1: bytes gone missing or cut",
        f"version 2: bytes {second} missing or cut",  # its size no longer the bytes'
        "blob ab: bytes differ from their SHA-256",
        "version 1: 1 project rows kept, 2 reported",
        "version 1: 0 upload audit entries",
        "submission 1: version numbers [1, 3]",
        *sorted([f"blob {first}: kept without a version", "blob ab: kept without a version"]),
        "submission 2 (draft) without a version",
    ]
    (broken,) = integrity_problems(engine)  # version 1 points at bytes that are not there
    assert broken.startswith("foreign key: ('versions', 1, 'blobs',")
    engine.dispose()

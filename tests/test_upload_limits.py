"""What one account may ask of the parsers (issue 14), on SQLite and PostgreSQL: at most 20 files
in a request (413 with the real limits, werkzeug's own 413 too), at most 2 uploads of one account
parsed at once, counted in the database (429 for that account while another is served, and two
app servers agree), and no parsed grid kept once a batch is validated.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import re
import socket
import subprocess
import sys
import threading

import pytest
from test_storage_support import BACKENDS, new_database
from webclient import ROUND_ID, SiteClient, make_app, site_config, table4
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from budget_planner.storage import inflight
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import ParseInFlight
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.intake.grid import SheetGrid, WorkbookGrid

SLOW = "慢"  # files whose name starts with this wait in the parse until released


class Gate:
    """An in-process parse that holds the files named ``慢…`` until ``release``."""

    def __init__(self) -> None:
        self.entered = threading.Semaphore(0)
        self.released = threading.Event()

    def __call__(self, data: bytes, name: str) -> WorkbookGrid:
        if name.startswith(SLOW):
            self.entered.release()
            assert self.released.wait(30)
        return read_workbook(data, name)


@pytest.fixture(params=BACKENDS)
def gated(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    gate = Gate()
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url, VALIDATION_PARSE=gate)
    yield made, gate
    gate.released.set()
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


def browser(app, username: str) -> SiteClient:
    client = SiteClient(app.test_client())
    assert client.login(username).status_code == 302
    return client


def text(response) -> str:
    if response.is_json:
        return response.json["error"]["message"]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def files(n: int, prefix: str = "") -> list[tuple[bytes, str]]:
    return [(table4(first=10 + i), f"{prefix}清远市-表四-{i}.xlsx") for i in range(n)]


def user_id(app, username: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        return repository.get_user(db.session(), username).id


def in_flight(app, username: str) -> int:
    from budget_planner.web import db

    with app.app_context():
        return inflight.in_flight(db.session(), user_id(app, username))


# ---------------------------------------------------------------- files per request


def test_more_than_twenty_files_in_one_request_is_413_with_the_real_limits(gated):
    app, _gate = gated
    unit = browser(app, "qingyuan")
    refused = unit.upload([(b"x", f"{i}.xlsx") for i in range(21)])
    assert refused.status_code == 413
    message = text(refused)
    assert "最多 20 个文件" in message and "合计不能超过 20 MB" in message
    assert "Traceback" not in message
    api = unit.http.post(
        "/api/v1/upload",
        data={"files": [(io.BytesIO(b"x"), f"{i}.xlsx") for i in range(21)]},
        headers={"X-CSRFToken": unit.csrf()},
    )
    assert api.status_code == 413 and "最多 20 个文件" in text(api)
    fine = unit.upload(files(2))
    assert fine.status_code == 200 and "第 1 版" in text(fine)


def test_werkzeugs_own_413_states_the_real_limits_too(gated):
    """A body of many parts is refused by the form parser itself, before any view runs."""
    app, _gate = gated
    unit = browser(app, "qingyuan")
    # plain fields (file parts would leave werkzeug's spooled files to the garbage collector)
    fields: list[tuple[str, object]] = [(f"part{i}", "x") for i in range(60)]
    fields.append(("csrf_token", unit.csrf()))
    boundary, body = encode_multipart(MultiDict(fields))
    refused = unit.http.post(
        "/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert refused.status_code == 413
    assert "最多 20 个文件" in text(refused) and "20 MB" in text(refused)


# ---------------------------------------------------------------- parses in flight per account


def start_upload(client: SiteClient, batch, answers: list) -> threading.Thread:
    token = client.csrf()

    def send() -> None:
        fields = [("files", FileStorage(io.BytesIO(d), filename=n)) for d, n in batch]
        fields.append(("csrf_token", token))
        boundary, body = encode_multipart(MultiDict(fields))
        sent = client.http.post(
            "/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        answers.append(client.shown(sent).status_code)

    thread = threading.Thread(target=send)
    thread.start()
    return thread


def test_a_flood_from_one_account_gets_429_while_another_account_is_served(gated):
    app, gate = gated
    flooder = [browser(app, "qingyuan") for _ in range(3)]
    answers: list[int] = []
    running = [start_upload(flooder[i], files(1, SLOW), answers) for i in range(2)]
    for _ in running:
        assert gate.entered.acquire(timeout=30)  # both of its uploads are being parsed
    assert in_flight(app, "qingyuan") == 2
    third = flooder[2].upload(files(1))
    assert third.status_code == 429
    assert "您已有 2 批文件正在读取" in text(third) and "其他用户不受影响" in text(third)
    other = browser(app, "shaoguan").upload([(table4("韶关市"), "韶关市-表四.xlsx")])
    assert other.status_code == 200 and "第 1 版" in text(other)  # answered meanwhile
    gate.released.set()
    for t in running:
        t.join(30)
    assert sorted(answers) == [200, 200]
    assert in_flight(app, "qingyuan") == 0
    assert flooder[2].upload(files(1)).status_code == 200  # a slot is free again


def test_two_servers_count_the_same_parses(gated, tmp_path):
    app, gate = gated
    from budget_planner.web import create_app

    other = create_app(
        site_config(
            tmp_path / "second",
            DATABASE_URL=app.config["DATABASE_URL"],
            VALIDATION_PARSE=read_workbook,
            SECRET_KEY=app.config["SECRET_KEY"],
        )
    )
    try:
        answers: list[int] = []
        running = [start_upload(browser(app, "qingyuan"), files(1, SLOW), answers) for _ in "ab"]
        for _ in running:
            assert gate.entered.acquire(timeout=30)
        refused = browser(other, "qingyuan").upload(files(1))
        assert refused.status_code == 429
        gate.released.set()
        for t in running:
            t.join(30)
        assert sorted(answers) == [200, 200]
    finally:
        other.extensions["budget_planner.db"]["engine"].dispose()


def test_a_slot_left_by_a_dead_server_expires(gated):
    app, _gate = gated
    from budget_planner.web import db

    uid = user_id(app, "qingyuan")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with app.app_context():
        session = db.session()
        for _ in range(2):  # two slots of a server killed mid-parse, an hour ago
            assert inflight.begin(session, uid, limit=2, hold=dt.timedelta(minutes=5), now=past)
        assert inflight.in_flight(session, uid) == 0
        assert inflight.begin(session, uid, limit=2, hold=dt.timedelta(minutes=5)) is not None
        assert inflight.in_flight(session, uid) == 1


def test_a_slot_of_a_server_killed_on_this_machine_is_freed_at_once(gated):
    """A server killed mid-parse cannot give its slots back; the one that replaces it on the same
    machine finds that process gone and frees them, so the account is not kept waiting. A slot
    held on another machine still counts until it expires."""
    app, _gate = gated
    from budget_planner.web import db

    uid = user_id(app, "qingyuan")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that no longer runs
    hold = dt.timedelta(minutes=5)
    here = inflight.this_process()[0]
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        session = db.session()
        with write_transaction(session):  # two slots the killed server left behind
            for _ in range(2):
                session.add(
                    ParseInFlight(
                        user_id=uid, started_at=now, expires_at=now + hold, host=here, pid=gone.pid
                    )
                )
        assert inflight.in_flight(session, uid) == 2
        assert inflight.begin(session, uid, limit=2, hold=hold) is not None  # freed, then taken
        assert inflight.in_flight(session, uid) == 1
        assert inflight.begin(session, uid, limit=2, hold=hold, owner=("其他服务器", gone.pid))
        assert inflight.begin(session, uid, limit=2, hold=hold) is None  # that one still counts


def test_a_slot_of_a_container_sharing_this_host_name_is_not_taken_for_this_machines(
    gated, monkeypatch
):
    """Two servers in containers that share the host's name: a process id seen from one means
    nothing in the other, so neither frees the other's slots as orphans."""
    app, _gate = gated
    from budget_planner.web import db

    uid = user_id(app, "qingyuan")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # no such process here; in the other container it may be a live server
    here = inflight.this_process()[0]
    with monkeypatch.context() as elsewhere:  # the other container: same name, its own pids
        elsewhere.setattr(inflight, "_pid_namespace", lambda: "pid:[1]", raising=False)
        other_container = inflight.this_process()[0]
    assert here.startswith(socket.gethostname()) and other_container != here
    hold = dt.timedelta(minutes=5)
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        session = db.session()
        with write_transaction(session):  # two uploads being read in the other container
            for _ in range(2):
                session.add(
                    ParseInFlight(
                        user_id=uid,
                        started_at=now,
                        expires_at=now + hold,
                        host=other_container,
                        pid=gone.pid,
                    )
                )
        assert inflight.begin(session, uid, limit=2, hold=hold) is None  # both still count
        assert inflight.in_flight(session, uid) == 2


# ---------------------------------------------------------------- no grid kept


def test_no_parsed_grid_is_kept_once_the_batch_is_validated(gated, monkeypatch):
    app, _gate = gated
    from budget_planner.web import uploads

    alive: list[int] = []
    real = uploads.store_upload_tables

    def storing(*args, **kwargs):
        gc.collect()
        alive.append(sum(isinstance(o, WorkbookGrid | SheetGrid) for o in gc.get_objects()))
        return real(*args, **kwargs)

    monkeypatch.setattr(uploads, "store_upload_tables", storing)
    answer = browser(app, "qingyuan").upload(files(3))
    assert answer.status_code == 200
    assert alive == [0, 0, 0]  # while storing and rendering, no file's grid is held
    assert ROUND_ID

"""Nothing lost, nothing half-written: a process killed mid-upload, and uploads racing each other."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from test_storage_support import checked_table4, table4_rows, upload_table4

from budget_planner.storage import repository as repo
from budget_planner.storage.db import make_session_factory
from budget_planner.storage.models import AuditLog, Blob, Submission, Version

pytest_plugins = ["test_storage_support"]

CRASH = textwrap.dedent(
    """
    import os, pickle, sys
    from pathlib import Path
    from budget_planner.storage import repository as repo, uploads
    from budget_planner.storage.db import make_engine, make_session_factory

    data, checked = pickle.load(sys.stdin.buffer)
    engine = make_engine(sys.argv[1], Path(sys.argv[2]))
    session = make_session_factory(engine)()
    user = repo.get_user(session, "清远市")

    def die(*_args, **_kw):  # the bytes are written, the version is not: the power goes off
        os._exit(9)

    uploads.project_rows_of = die
    repo.store_upload(
        session, round_id="guangdong-2024", unit_short_name="清远市", data=data,
        original_name="x.xlsx", checked=checked, user=user,
    )
    """
)


def _count(db, model) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_process_killed_mid_upload_leaves_nothing(db, world, tmp_path):
    url = db.get_bind().url.render_as_string(hide_password=False)
    db.commit()
    before = _count(db, AuditLog)
    upload = pickle.dumps(upload_table4({"专利导航项目": 50}))
    done = subprocess.run(
        [sys.executable, "-c", CRASH, url, str(tmp_path)],
        input=upload,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 9, done.stderr
    db.commit()
    assert [_count(db, m) for m in (Blob, Submission, Version)] == [0, 0, 0]
    assert _count(db, AuditLog) == before
    data, checked = upload_table4({"专利导航项目": 50})
    version = repo.store_upload(
        db,
        round_id=world.round_id,
        unit_short_name="清远市",
        data=data,
        original_name="清远市-表四.xlsx",
        checked=checked,
        user=world.qingyuan,
    )[0]
    assert version.number == 1  # the database took the next write as if nothing had happened


@dataclass(frozen=True)
class Acting:
    id: int
    username: str
    role: str
    unit_id: int | None


def test_racing_uploads_get_consecutive_numbers(db, world):
    """Two sessions upload to the same unit × table at once: every upload kept, numbers 1..n."""
    files = [
        (f"第{i}稿".encode() + bytes(i), checked_table4(table4_rows({"专利导航项目": 10 + i})))
        for i in range(8)
    ]
    me = Acting(world.qingyuan.id, "清远市", "unit", world.units["清远市"].id)
    sessions = make_session_factory(db.get_bind())
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def upload(batch):
        start.wait()
        with sessions() as session:
            for data, checked in batch:
                try:
                    repo.store_upload(
                        session,
                        round_id=world.round_id,
                        unit_short_name="清远市",
                        data=data,
                        original_name="清远市-表四.xlsx",
                        checked=checked,
                        user=me,
                    )
                except BaseException as exc:
                    errors.append(exc)

    threads = [threading.Thread(target=upload, args=(files[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    db.commit()
    [submission] = repo.submissions(db, world.round_id, scope=me)
    versions = repo.versions_of(db, submission.id, scope=me)
    assert [v.number for v in versions] == list(range(1, 9))
    assert sorted(int(v.total) for v in versions) == list(range(10, 18))
    assert len({v.blob_sha256 for v in versions}) == 8

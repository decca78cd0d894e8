"""Storage of the admin's day (migration 0012): the deadline moved and the 逾期提交 mark, the one-time
password sheet sealed for one download, the reminders sent, the 待审核 queue."""

from __future__ import annotations

import datetime as dt

import pytest
from test_storage_support import store, upload_table4

from budget_planner.errors import UsageError
from budget_planner.storage import one_time
from budget_planner.storage import repository as repo
from budget_planner.storage.deadlines import set_deadline
from budget_planner.storage.models import OneTimeSheet, Round
from budget_planner.storage.queue import waiting
from budget_planner.storage.reminder_log import How, record_sent, sent
from budget_planner.storage.scope import PermissionDenied

pytest_plugins = ["test_storage_support"]


def test_the_mark_is_given_at_submission_and_kept(db, world):
    set_deadline(db, world.round_id, dt.date(2099, 12, 31), actor=world.admin)
    data, checked = upload_table4({"专利导航项目": 50})
    [on_time] = store(db, world, data, checked)
    repo.submit(db, on_time.id, world.qingyuan)
    assert db.get(type(on_time), on_time.id).submitted_late is False
    old, new = set_deadline(db, world.round_id, dt.date(2023, 12, 15), actor=world.admin)
    assert (old, new) == (dt.date(2099, 12, 31), dt.date(2023, 12, 15))
    assert db.get(type(on_time), on_time.id).submitted_late is False  # not given afterwards
    data, checked = upload_table4({"专利导航项目": 45})
    [late] = store(db, world, data, checked)
    repo.act(db, late.id, world.qingyuan, "submit", note="  专利导航项目核减至45万元  ")
    set_deadline(db, world.round_id, dt.date(2099, 12, 31), actor=world.admin)
    found = db.get(type(late), late.id)
    assert (found.submitted_late, found.note) == (True, "专利导航项目核减至45万元")
    with pytest.raises(UsageError, match="没有修改"):
        set_deadline(db, world.round_id, dt.date(2099, 12, 31), actor=world.admin)
    with pytest.raises(PermissionDenied):
        set_deadline(db, world.round_id, dt.date(2099, 1, 1), actor=world.qingyuan)
    assert db.get(Round, world.round_id).deadline == dt.date(2099, 12, 31)
    details = [
        e.detail for e in repo.audit_log(db, None, scope=None, actions=("deadline.changed",))
    ]
    assert details == [
        "报送截止日期由 2023年12月15日 改为 2099年12月31日",
        "报送截止日期由 2099年12月31日 改为 2023年12月15日",
        "报送截止日期由 2023年12月15日 改为 2099年12月31日",
    ]


def test_the_queue_holds_what_awaits_review(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    [first] = store(db, world, data, checked)
    assert waiting(db, world.round_id, scope=world.admin) == []
    repo.submit(db, first.id, world.qingyuan)
    [item] = waiting(db, world.round_id, scope=world.admin)
    assert (item.unit, item.table, item.number, item.version_id) == ("清远市", "表四", 1, first.id)
    assert waiting(db, world.round_id, scope=world.guangzhou) == []  # another unit's
    repo.review(db, first.id, world.admin, "approve")
    assert waiting(db, world.round_id, scope=world.admin) == []


def test_the_sheet_is_sealed_and_taken_once(db, world):
    data = b"PK\x03\x04 a workbook with the password Pa55-word-9"
    token = one_time.keep(db, world.admin.id, "账号.xlsx", data)
    [kept] = db.query(OneTimeSheet).all()
    assert b"Pa55-word-9" not in kept.sealed and token not in kept.id
    assert one_time.take(db, world.finance.id, token) is None  # another account's
    assert one_time.take(db, world.admin.id, token + "x") is None
    assert one_time.take(db, world.admin.id, token) == ("账号.xlsx", data)
    assert one_time.take(db, world.admin.id, token) is None  # once
    key = b"k" * 32
    sealed = one_time.seal(key, data)
    assert one_time.unseal(key, sealed) == data
    assert one_time.unseal(key, sealed[:-1] + bytes([sealed[-1] ^ 1])) is None  # tampered
    assert one_time.unseal(b"j" * 32, sealed) is None  # another key


def test_an_expired_sheet_is_gone(db, world, monkeypatch):
    token = one_time.keep(db, world.admin.id, "账号.xlsx", b"data")
    later = dt.datetime.now(dt.UTC) + one_time.LIFETIME + dt.timedelta(minutes=1)
    monkeypatch.setattr(one_time, "utcnow", lambda: later)
    assert one_time.take(db, world.admin.id, token) is None
    assert db.query(OneTimeSheet).count() == 0


def test_reminders_sent_are_recorded(db, world):
    units = world.units
    at = dt.datetime(2023, 12, 10, 2, 0, tzinfo=dt.UTC)
    ids = [units["清远市"].id, units["广州市"].id]
    assert record_sent(db, world.round_id, ids, How.COPIED, actor=world.finance, at=at) == 2
    found = sent(db, world.round_id)
    assert {(s.unit, s.how.label, s.by_name, s.at) for s in found} == {
        ("清远市", "复制催报内容发送", "财务", at),
        ("广州市", "复制催报内容发送", "财务", at),
    }
    with pytest.raises(PermissionDenied):
        record_sent(db, world.round_id, ids, How.EXPORTED, actor=world.qingyuan)
    [entry] = repo.audit_log(db, world.round_id, scope=None, actions=("reminder.sent",))
    assert entry.detail.startswith("复制催报内容发送：催报 2 个单位（")

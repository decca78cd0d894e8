"""A unit's history (states, reviews, differences by project key), its receipt, the reminders, the
audit log as people read it, and API tokens (stored hashed, revoked by a password reset)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
import sqlalchemy as sa
from test_storage_support import store, upload_table4

from budget_planner.errors import UsageError
from budget_planner.storage import repository as repo
from budget_planner.storage.models import User

pytestmark = pytest.mark.usefixtures("world")
pytest_plugins = ["test_storage_support"]


def thread_of(db, world, unit="清远市"):
    (thread,) = repo.unit_history(db, world.round_id, world.units[unit].id, scope=world.admin)
    return thread


def test_each_version_shows_what_changed_from_the_one_before(db, world):
    first = store(db, world, *upload_table4({"专利导航项目": 50, "商标品牌培育": 20}))[0]
    repo.submit(db, first.id, world.qingyuan)
    repo.review(db, first.id, world.admin, "return", "专利导航项目金额偏高")
    store(
        db,
        world,
        *upload_table4({"专利导航项目": 40, "知识产权质押融资": 15}),
        name="清远市-表四（改）.xlsx",
    )
    thread = thread_of(db, world)
    newest, oldest = thread.entries  # newest first
    assert (newest.version.number, newest.state, oldest.state) == (2, "已上传未提交", "已退回")
    assert [(c.kind, c.name, c.before, c.after, c.delta) for c in newest.changes] == [
        ("金额变化", "专利导航项目", Decimal(50), Decimal(40), Decimal(-10)),
        ("新增", "知识产权质押融资", None, Decimal(15), Decimal(15)),
        ("删除", "商标品牌培育", Decimal(20), None, Decimal(-20)),
    ]
    assert newest.summary == "新增 1 项，删除 1 项，金额变化 1 项"
    assert oldest.previous is None and oldest.changes == []
    [review] = oldest.reviews
    assert (review.decision, review.comment, review.by_name) == (
        "return",
        "专利导航项目金额偏高",
        "省局",
    )


def test_a_name_given_twice_under_one_category_is_one_project(db, world):
    from builders import make_table4, project

    def upload(first, second):
        rows = [
            project("知识产权高质量创造", "专利导航项目", first),
            project("知识产权高质量创造", "专利导航项目", second),
        ]
        from test_storage_support import validate

        data = make_table4("清远市", rows)
        return data, validate(data, "清远市-表四.xlsx")

    store(db, world, *upload(30, 20))
    store(db, world, *upload(25, 25))  # the same 50 split differently: no change by key
    store(db, world, *upload(25, 30))
    third, second, _first = thread_of(db, world).entries
    assert second.changes == []
    assert [(c.kind, c.before, c.after) for c in third.changes] == [
        ("金额变化", Decimal(50), Decimal(55))
    ]


def test_version_states_follow_the_review_cycle(db, world):
    v1 = store(db, world, *upload_table4({"专利导航项目": 50}))[0]
    repo.submit(db, v1.id, world.qingyuan)
    assert [e.state for e in thread_of(db, world).entries] == ["已提交"]
    repo.review(db, v1.id, world.admin, "approve")
    store(db, world, *upload_table4({"专利导航项目": 60}))  # after approval: a draft beside it
    store(db, world, *upload_table4({"专利导航项目": -1}))  # with errors: demotes nothing
    entries = thread_of(db, world).entries
    assert [(e.state, e.counted) for e in entries] == [
        ("有错误", False),
        ("已上传未提交", False),
        ("已通过", True),
    ]


def test_a_unit_sees_only_its_own_history(db, world):
    store(db, world, *upload_table4({"专利导航项目": 50}))
    qingyuan = world.units["清远市"].id
    assert repo.unit_history(db, world.round_id, qingyuan, scope=world.guangzhou) == []
    assert repo.unit_of(db, qingyuan, scope=world.guangzhou) is None
    assert len(repo.unit_history(db, world.round_id, qingyuan, scope=world.qingyuan)) == 1
    assert repo.receipt(db, world.round_id, qingyuan, scope=world.guangzhou) is None


def test_the_receipt_lists_every_version_and_what_is_missing(db, world):
    repo.set_control_number(db, world.round_id, "清远市", Decimal(60), actor=world.finance)
    v1 = store(db, world, *upload_table4({"专利导航项目": 50}))[0]
    store(db, world, *upload_table4({"专利导航项目": 70}), name="清远市-表四-2.xlsx")
    found = repo.receipt(db, world.round_id, world.units["清远市"].id, scope=world.qingyuan)
    assert (found.unit, found.required, found.missing) == ("清远市", ("表四",), [])
    assert [
        (line.version, line.file, line.state, line.counted, line.total) for line in found.lines
    ] == [
        (2, "清远市-表四-2.xlsx", "已上传未提交", True, Decimal(70)),
        (1, "清远市-表四.xlsx", "已被取代", False, Decimal(50)),
    ]
    assert (found.requested, found.control, found.over) == (Decimal(70), Decimal(60), True)
    assert v1.id != found.lines[0]
    empty = repo.receipt(db, world.round_id, world.units["广州市"].id, scope=world.admin)
    assert (empty.missing, empty.lines, empty.requested) == (["表四"], [], Decimal(0))


def test_reminders_name_what_each_unit_still_owes(db, world):
    v1 = store(db, world, *upload_table4({"专利导航项目": 50}))[0]
    repo.submit(db, v1.id, world.qingyuan)
    repo.review(db, v1.id, world.admin, "return", "请补充绩效目标")
    store(
        db,
        world,
        *upload_table4({"专利导航项目": -5}, unit="广州市", file="广州市-表四.xlsx"),
        user=world.guangzhou,
        unit="广州市",
        name="广州市-表四.xlsx",
    )
    before = dt.datetime(2023, 12, 1, tzinfo=dt.UTC)
    found = {r.unit: r for r in repo.reminders(db, world.round_id, scope=world.admin, now=before)}
    assert [(i.table, i.status.value) for i in found["清远市"].items] == [("表四", "returned")]
    assert "表四已被退回修改，请按退回意见修改后重新提交" in found["清远市"].message
    assert "表四有错误，请修改后重新上传并提交" in found["广州市"].message
    assert "表四尚未上传" in found["深圳市"].message
    assert len(found) == 21  # no unit has submitted yet
    qingyuan = found["清远市"]
    assert (qingyuan.contact, qingyuan.overdue) == (world.units["清远市"].contact, False)
    after = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    late = repo.reminders(db, world.round_id, scope=world.admin, now=after)[0]
    assert late.overdue and "已过报送截止时间" in late.message
    assert [r.unit for r in repo.reminders(db, world.round_id, scope=world.guangzhou)] == ["广州市"]


def test_audit_lines_name_the_unit_and_the_version(db, world):
    v1 = store(db, world, *upload_table4({"专利导航项目": 50}))[0]
    repo.submit(db, v1.id, world.qingyuan)
    lines = repo.audit_lines(db, world.round_id, scope=world.admin)
    assert [(e.action, e.unit, e.version, e.username) for e in lines[:2]] == [
        ("提交", "清远市", "表四第 1 版", "清远市"),
        ("上传", "清远市", "表四第 1 版", "清远市"),
    ]
    own = repo.audit_lines(db, world.round_id, scope=world.guangzhou, roundless=True)
    # its account being made (an entry of no round: accounts outlive rounds); nothing of 清远市
    assert {(e.action, e.unit) for e in own} == {("创建账号", "广州市")}
    assert repo.audit_lines(db, world.round_id, scope=world.guangzhou) == []


def test_api_tokens_are_kept_hashed_and_revoked_by_a_reset(db, world):
    token = repo.issue_token(db, world.qingyuan.id, actor=world.qingyuan)
    assert token.startswith("bp_") and len(token) > 40
    stored = db.scalar(sa.select(User.api_token_hash).where(User.id == world.qingyuan.id))
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    assert repo.user_by_token(db, token).username == "清远市"
    assert repo.user_by_token(db, token[:-1] + "x") is None
    assert repo.user_by_token(db, "not-a-token") is None
    with pytest.raises(UsageError, match="只能为自己的账号"):
        repo.issue_token(db, world.qingyuan.id, actor=world.admin)
    newer = repo.issue_token(db, world.qingyuan.id, actor=world.qingyuan)
    assert repo.user_by_token(db, token) is None and repo.user_by_token(db, newer) is not None
    repo.reset_password(db, "清远市", actor=world.admin)
    assert repo.user_by_token(db, newer) is None
    [reset] = repo.audit_log(db, None, scope=world.admin, actions=("password.reset",))
    assert reset.detail == "清远市（API 令牌同时作废）"
    issued = repo.audit_log(db, None, scope=world.admin, actions=("token.issued",))
    assert [e.detail for e in issued] == ["清远市（原令牌作废）", "清远市"]
    assert not repo.revoke_token(db, world.qingyuan.id, actor=world.qingyuan)

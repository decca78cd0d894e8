"""What counts, and the workflow's actions beyond submit and review: withdraw, delete, revoke,
another unit's file, 关闭征集 and 补报, 发布 — on the storage API, SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_storage_support import store, upload_table4, validate

from budget_planner.errors import UsageError
from budget_planner.storage import repository as repo
from budget_planner.storage.types import utcnow
from budget_planner.templates.round import BEIJING

pytest_plugins = ["test_storage_support"]
NAV = "清远市|表四|知识产权高质量创造|专利导航项目"


def upload(db, world, amount, **kw):
    return store(db, world, *upload_table4({"专利导航项目": amount}), **kw)[0]


def counted(db, world):
    [found] = repo.counted_versions(db, world.round_id, scope=world.admin)
    return found.version.number, str(found.reason), found.status.label


def states(db, world) -> list[str]:
    [thread] = repo.unit_history(db, world.round_id, world.units["清远市"].id, scope=world.admin)
    return [e.state for e in reversed(thread.entries)]  # version 1 first


def test_what_counts_step_by_step(db, world):
    first = upload(db, world, 50)
    assert counted(db, world) == (1, "unsubmitted", "已上传未提交")
    repo.submit(db, first.id, world.qingyuan)
    assert counted(db, world) == (1, "submitted", "已提交")
    mistake = upload(db, world, -5)  # an old draft with errors, by mistake
    assert counted(db, world) == (1, "submitted", "已提交")  # never demoted
    assert states(db, world) == ["已提交", "有错误"]
    newer = upload(db, world, 45)
    assert counted(db, world) == (1, "submitted", "已提交")  # a draft beside it
    repo.submit(db, newer.id, world.qingyuan)  # only one waits: the first is superseded
    assert counted(db, world) == (3, "submitted", "已提交")
    assert states(db, world) == ["已被取代", "有错误", "已提交"]
    repo.review(db, newer.id, world.admin, "approve")
    assert counted(db, world) == (3, "approved", "已通过")
    repo.act(db, mistake.id, world.qingyuan, "delete")
    assert states(db, world) == ["已被取代", "已撤销", "已通过"]
    # 撤销通过: returned with the reason; the earlier, superseded submission does not come back
    repo.act(db, newer.id, world.admin, "revoke", comment="与表一重复")
    assert states(db, world) == ["已被取代", "已撤销", "已退回"]
    assert counted(db, world) == (3, "unsubmitted", "已退回")
    [review] = [r for r in db.get(type(newer), newer.id).reviews if r.decision == "revoke"]
    assert (review.comment, review.by_name) == ("与表一重复", "省局")


def test_withdraw_and_delete_belong_to_the_unit(db, world):
    first = upload(db, world, 50)
    repo.submit(db, first.id, world.qingyuan)
    with pytest.raises(repo.PermissionDenied):
        repo.act(db, first.id, world.admin, "withdraw")
    with pytest.raises(repo.NotFound):
        repo.act(db, first.id, world.guangzhou, "withdraw")  # another unit's: as if absent
    repo.act(db, first.id, world.qingyuan, "withdraw")
    assert (db.get(type(first), first.id).submitted_at, counted(db, world)) == (
        None,
        (1, "unsubmitted", "已上传未提交"),
    )
    repo.act(db, first.id, world.qingyuan, "delete")
    assert repo.counted_versions(db, world.round_id, scope=world.admin) == []
    cell = repo.completeness(db, world.round_id, scope=world.admin).rows
    assert next(r for r in cell if r.short_name == "清远市").cells["表四"].label == "未提交"
    assert repo.version_file(db, first.id, scope=world.qingyuan) is not None  # bytes kept
    again = upload(db, world, 50)  # the same file again: a new version, not the deleted one
    assert again.number == 2 and again.state == "draft"
    actions = [e.action for e in repo.audit_log(db, world.round_id, scope=world.admin)]
    assert actions[:3] == ["upload", "version.deleted", "withdraw"]


def test_another_units_file_is_refused_whole_and_audited(db, world):
    data, _as_its_own = upload_table4({"专利导航项目": 50}, unit="广州市", file="广州市-表四.xlsx")
    as_qingyuan = validate(data, "表四.xlsx", "清远市")  # what the upload page checks
    assert any(i.code == "unit.conflict" and i.is_error for i in as_qingyuan[0].report.issues)
    with pytest.raises(repo.UploadRefused, match="填写的单位是广州市，不是本单位（清远市）"):
        store(db, world, data, as_qingyuan, name="表四.xlsx")
    assert repo.submissions(db, world.round_id, scope=world.admin) == []
    [entry] = repo.audit_log(db, world.round_id, scope=world.admin, actions=("upload.refused",))
    assert (entry.username, entry.detail) == ("清远市", "表四.xlsx：文件填写的单位是广州市")
    [kept] = store(db, world, data, as_qingyuan, user=world.admin, name="表四.xlsx")
    assert kept.has_errors  # admin's upload on behalf is kept, with its error, as before


def test_a_closed_round_and_a_late_grant(db, world):
    first = upload(db, world, 50)
    repo.close_round(db, world.round_id)
    with pytest.raises(repo.WorkflowConflict, match="本轮征集已关闭"):
        repo.submit(db, first.id, world.qingyuan)
    with pytest.raises(repo.WorkflowConflict, match="本轮征集已关闭"):
        upload(db, world, 60)
    with pytest.raises(repo.PermissionDenied):
        repo.grant_late(db, world.round_id, "清远市", dt.date(2099, 1, 1), actor=world.qingyuan)
    today = utcnow().astimezone(BEIJING).date()
    repo.grant_late(db, world.round_id, "清远市", today, actor=world.admin)
    assert repo.late_grants(db, world.round_id) == {"清远市": today}
    second = upload(db, world, 60)  # until the end of today, Beijing time
    repo.submit(db, second.id, world.qingyuan)
    with pytest.raises(repo.WorkflowConflict, match="本轮征集已关闭"):
        data, checked = upload_table4({"专利导航项目": 70}, unit="广州市", file="广州市.xlsx")
        store(db, world, data, checked, user=world.guangzhou, unit="广州市")  # no grant
    stored = repo.get_round(db, world.round_id)
    tomorrow = utcnow() + dt.timedelta(days=1, hours=1)
    assert "补报期限" in repo.filing_refusal(db, stored, world.units["清远市"].id, tomorrow)
    with pytest.raises(UsageError):
        repo.grant_late(db, world.round_id, "清远市", today - dt.timedelta(days=1), actor=None)
    repo.grant_late(db, world.round_id, "清远市", None, actor=world.admin)
    assert repo.late_grants(db, world.round_id) == {}
    details = [
        e.detail
        for e in repo.audit_log(db, world.round_id, scope=world.admin, actions=("late.granted",))
    ]
    assert details == [
        "清远市：取消补报",
        f"清远市：准予补报至 {today:%Y年%m月%d日}（北京时间当日 24 时）",
    ]


def test_amounts_only_on_eligible_rows_held_and_published(db, world):
    first = upload(db, world, 50)
    with pytest.raises(repo.AllocationRefused, match="表四第 1 版尚未提交，不能核定"):
        repo.set_allocation(db, world.round_id, "清远市", NAV, Decimal(50), actor=world.finance)
    repo.submit(db, first.id, world.qingyuan)
    with pytest.raises(repo.AllocationRefused, match="核减 5 万元，请填写核减理由"):
        repo.set_allocation(db, world.round_id, "清远市", NAV, Decimal(45), actor=world.finance)
    repo.set_allocation(
        db, world.round_id, "清远市", NAV, Decimal(45), actor=world.finance, reason="压缩规模"
    )
    with pytest.raises(repo.PermissionDenied):
        repo.publish(db, world.round_id, actor=world.qingyuan)
    published = repo.publish(db, world.round_id, actor=world.finance)
    assert [(line.key, line.amount, line.reason) for line in published.lines] == [
        (NAV, Decimal(45), "压缩规模")
    ]
    repo.set_allocation(
        db, world.round_id, "清远市", NAV, Decimal(40), actor=world.finance, reason="再压缩"
    )
    seen = repo.published_amounts(db, world.round_id, scope=world.qingyuan)
    assert {k: (v.amount, v.reason) for k, v in seen.items()} == {NAV: (Decimal(45), "压缩规模")}
    receipt = repo.receipt(db, world.round_id, world.units["清远市"].id, scope=world.qingyuan)
    assert [a.amount for a in receipt.allocations] == [Decimal(45)]
    # withdrawn: the amount stays but leaves the plan, listed with why
    repo.act(db, first.id, world.qingyuan, "withdraw")
    view = repo.allocation_view(db, world.round_id, scope=world.finance)
    assert view.projects == {}
    [held] = view.held
    assert (held.key, held.amount, held.why) == (NAV, Decimal(40), "表四第 1 版尚未提交，不能核定")
    with pytest.raises(UsageError, match="还没有可发布的核定金额"):
        repo.publish(db, world.round_id, actor=world.finance)  # nothing eligible to publish


def test_admin_unlocks_resets_and_disables(db, world):
    from budget_planner.storage import throttle

    key = throttle.key_for_user("清远市")
    for _ in range(5):
        throttle.record_failure(
            db, {key: 5}, window=dt.timedelta(minutes=15), lock=dt.timedelta(minutes=15)
        )
    assert set(repo.sign_in_locks(db, [world.qingyuan])) == {world.qingyuan.id}
    repo.reset_password(db, "清远市", actor=world.admin)  # a reset lifts the lock
    assert repo.sign_in_locks(db, [world.qingyuan]) == {}
    [entry] = repo.audit_log(db, None, scope=world.admin, actions=("password.reset",))
    assert (entry.round_id, entry.detail) == (None, "清远市（登录锁定同时解除）")
    for _ in range(5):
        throttle.record_failure(
            db, {key: 5}, window=dt.timedelta(minutes=15), lock=dt.timedelta(minutes=15)
        )
    assert repo.unlock(db, "清远市", actor=world.admin) is True
    assert repo.unlock(db, "清远市", actor=world.admin) is False
    token = repo.issue_token(db, world.guangzhou.id, actor=world.guangzhou)
    repo.set_active(db, "广州市", False, actor=world.admin)
    assert repo.user_by_token(db, token) is None
    assert db.get(type(world.guangzhou), world.guangzhou.id).api_token_hash is None
    assert repo.authenticate(db, "广州市", "广州密码1234") is None
    with pytest.raises(UsageError):
        repo.set_active(db, "省局", False, actor=world.admin)  # not one's own account
    lines = repo.audit_lines(db, world.round_id, scope=world.admin, roundless=True)
    assert ("停用账号", "广州市", "广州市（API 令牌同时作废）") in [
        (line.action, line.unit, line.detail) for line in lines
    ]
    assert "解除登录锁定" in [line.action for line in lines]


def test_a_scan_is_not_attached_to_a_version_once_submitted(db, world):
    from budget_planner.storage.uploads import store_upload_tables

    data, checked = upload_table4({"专利导航项目": 50})
    scan = (b"%PDF-1.4 stamped", "盖章件.pdf")

    def again():
        [kept] = store_upload_tables(
            db,
            round_id=world.round_id,
            unit_short_name="清远市",
            data=data,
            original_name="清远市-表四.xlsx",
            checked=checked,
            user=world.qingyuan,
            attachment=scan,
        )
        return kept

    first = store(db, world, data, checked)[0]
    assert again().note == "" and len(db.get(type(first), first.id).attachments) == 1  # a draft
    repo.submit(db, first.id, world.qingyuan)
    scan = (b"%PDF-1.4 another", "另一份盖章件.pdf")
    assert again().note == "第 1 版已提交，盖章扫描件未附加到它上；请撤回提交后重新上传"
    repo.review(db, first.id, world.admin, "approve")
    assert again().note == "第 1 版已通过，盖章扫描件未附加到它上；如需更换请联系省局"
    assert [a.original_name for a in db.get(type(first), first.id).attachments] == ["盖章件.pdf"]


def test_own_template_with_another_units_line_is_refused_naming_that_unit(db, world):
    """清远市's issued template (its metadata) with 韶关市 typed on the 填报单位 line."""
    from builders import DEFAULT_QUIRKS, Submission, project

    data = Submission(
        "表四",
        rows=[project("知识产权高质量创造", "专利导航项目", 50)],
        quirks=DEFAULT_QUIRKS | {"metadata"},
        unit_text="填报单位：韶关市市场监督管理局（知识产权局）",
    ).xlsx()
    checked = validate(data, "清远市-表四.xlsx")
    assert checked[0].report.unit == "清远市"  # the metadata wins; the line disagrees: an error
    with pytest.raises(repo.UploadRefused, match="填写的单位是韶关市，不是本单位（清远市）"):
        store(db, world, data, checked)
    assert repo.submissions(db, world.round_id, scope=world.admin) == []


def test_two_publications_at_once_take_numbers_one_after_the_other(db, world, engine):
    """Finance publishing on two servers at the same moment: each 发布 gets its own number."""
    import threading

    from budget_planner.storage.db import make_session_factory

    first = upload(db, world, 50)
    repo.submit(db, first.id, world.qingyuan)
    repo.set_allocation(db, world.round_id, "清远市", NAV, Decimal(50), actor=world.finance)
    sessions = make_session_factory(engine)
    together = threading.Barrier(4)
    numbers: list[int] = []
    failures: list[BaseException] = []

    def publish() -> None:
        with sessions() as session:
            try:
                together.wait(10)
                numbers.append(repo.publish(session, world.round_id, actor=world.finance).number)
            except BaseException as exc:  # handed to the test
                failures.append(exc)

    threads = [threading.Thread(target=publish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert sorted(numbers) == [1, 2, 3, 4]
    with sessions() as session:
        latest = repo.latest_publication(session, world.round_id)
    assert latest is not None and latest.number == 4

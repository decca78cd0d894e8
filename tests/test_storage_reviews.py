"""Submit, approve, return and resubmit; the completeness matrix; rounds open and closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from builders import make_table, subsidy
from test_storage_support import shipped_toml, store, upload_table4, validate

from budget_planner.errors import UsageError
from budget_planner.storage import repository as repo
from budget_planner.storage.models import Status
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook

pytest_plugins = ["test_storage_support"]

BEIJING = dt.timezone(dt.timedelta(hours=8))


def test_submit_is_refused_while_the_version_has_errors(db, world):
    data, checked = upload_table4({"专利导航项目": -5, "商标品牌培育": -1})
    [version] = store(db, world, data, checked)
    assert version.submission.status == Status.ERRORS
    with pytest.raises(repo.WorkflowConflict) as refused:
        repo.submit(db, version.id, world.qingyuan)
    assert str(refused.value) == "表四第 1 版有 2 处错误，不能提交；请按问题清单修改后重新上传"
    assert db.get(type(version), version.id).submitted_at is None
    assert repo.audit_log(db, world.round_id, scope=world.admin, actions=("submit",)) == []


def test_return_and_resubmit(db, world):
    first_data, first_checked = upload_table4({"专利导航项目": 50})
    first = store(db, world, first_data, first_checked)[0]
    repo.submit(db, first.id, world.qingyuan)
    assert first.submission.status == Status.SUBMITTED and first.submitted_at is not None

    returned = repo.review(db, first.id, world.admin, "return", "专利导航项目的绩效目标请量化")
    assert (returned.decision, returned.by_name) == ("return", "省局")
    assert db.get(type(first.submission), first.submission_id).status == Status.RETURNED

    fixed_data, fixed_checked = upload_table4({"专利导航项目": 45})
    fixed = store(db, world, fixed_data, fixed_checked)[0]
    assert (fixed.number, fixed.submission.status) == (2, Status.DRAFT)
    repo.submit(db, fixed.id, world.qingyuan)
    repo.review(db, fixed.id, world.admin, "approve")
    submission = db.get(type(fixed.submission), fixed.submission_id)
    assert (submission.status, submission.locked) == (Status.APPROVED, True)
    assert [v.approved_at is not None for v in submission.versions] == [False, True]
    actions = [
        (e.action, e.detail) for e in repo.audit_log(db, world.round_id, scope=world.qingyuan)
    ]
    assert actions[:6] == [  # the shipped round's deadline (2023-12-15) has passed: 逾期提交
        ("approve", "表四第 2 版"),
        ("submit", "表四第 2 版（逾期提交）"),
        ("upload", "表四第 2 版：清远市-表四.xlsx（无错误）"),
        ("return", "表四第 1 版：专利导航项目的绩效目标请量化"),
        ("submit", "表四第 1 版（逾期提交）"),
        ("upload", "表四第 1 版：清远市-表四.xlsx（无错误）"),
    ]


def test_only_the_newest_version_can_be_submitted(db, world):
    a, checked_a = upload_table4({"专利导航项目": 50})
    b, checked_b = upload_table4({"专利导航项目": 60})
    first = store(db, world, a, checked_a)[0]
    store(db, world, b, checked_b)
    with pytest.raises(repo.WorkflowConflict) as refused:
        repo.submit(db, first.id, world.qingyuan)
    assert str(refused.value) == (
        "表四第 1 版当前为“已被取代”，不能提交：已有更新的版本，请提交最新版本"
    )


def test_a_return_needs_a_comment_and_approval_a_submission(db, world):
    good, checked = upload_table4({"专利导航项目": 50})
    version = store(db, world, good, checked)[0]
    repo.submit(db, version.id, world.qingyuan)
    with pytest.raises(UsageError, match="须填写退回意见"):
        repo.review(db, version.id, world.admin, "return", "  ")
    assert db.get(type(version), version.id).state == "submitted"
    bad, checked = upload_table4({"专利导航项目": -5})
    errors = store(db, world, bad, checked)[0]
    with pytest.raises(repo.WorkflowConflict, match="当前为“有错误”，不能审核通过"):
        repo.review(db, errors.id, world.admin, "approve")


def test_only_the_admin_reviews(db, world):
    data, checked = upload_table4({"专利导航项目": 50})
    version = store(db, world, data, checked)[0]
    for who in (world.qingyuan, world.finance):
        with pytest.raises(repo.PermissionDenied):
            repo.review(db, version.id, who, "approve")


def test_a_version_uploaded_after_approval_waits_beside_it(db, world):
    a, checked_a = upload_table4({"专利导航项目": 50})
    b, checked_b = upload_table4({"专利导航项目": 70})
    first = store(db, world, a, checked_a)[0]
    repo.submit(db, first.id, world.qingyuan)
    repo.review(db, first.id, world.admin, "approve")
    later = store(db, world, b, checked_b)[0]
    assert later.after_approval and later.state == "draft"
    repo.submit(db, later.id, world.qingyuan)  # waits for review; the approval still counts
    [counted] = repo.counted_versions(db, world.round_id, scope=world.admin)
    assert (counted.version.number, counted.reason, counted.newer_after_approval) == (
        1,
        "approved",
        True,
    )
    repo.review(db, later.id, world.admin, "approve")
    [counted] = repo.counted_versions(db, world.round_id, scope=world.admin)
    assert (counted.version.number, counted.reason) == (2, "approved")
    assert db.get(type(first), first.id).state == "superseded"


def test_a_closed_round_takes_uploads_only_on_behalf(db, world):
    repo.close_round(db, world.round_id)
    data, checked = upload_table4({"专利导航项目": 50})
    with pytest.raises(
        repo.WorkflowConflict, match="本轮征集已关闭；如需补报，请联系省局（不能上传）"
    ):
        store(db, world, data, checked)
    [version] = store(db, world, data, checked, user=world.admin)
    assert version.on_behalf
    with pytest.raises(
        repo.WorkflowConflict, match="本轮征集已关闭；如需补报，请联系省局（不能提交）"
    ):
        repo.submit(db, version.id, world.qingyuan)
    assert repo.submit(db, version.id, world.admin).submitted_at is not None


def test_completeness_matrix(db, world):
    a, checked_a = upload_table4({"专利导航项目": 50})
    repo.submit(db, store(db, world, a, checked_a)[0].id, world.qingyuan)
    bad, checked_bad = upload_table4({"专利导航项目": -5}, unit="广州市")
    store(db, world, bad, checked_bad, user=world.guangzhou, unit="广州市")
    before = dt.datetime(2023, 12, 15, 23, 0, tzinfo=BEIJING)
    after = dt.datetime(2023, 12, 16, 0, 0, 1, tzinfo=BEIJING)

    matrix = repo.completeness(db, world.round_id, scope=world.admin, now=before)
    assert matrix.tables == ("表四",) and matrix.optional_tables == ()
    assert len(matrix.rows) == 21 and matrix.rows[0].short_name == "广州市"
    cells = {r.short_name: r.cells["表四"] for r in matrix.rows}
    assert (cells["清远市"].label, cells["清远市"].version_number) == ("已提交", 1)
    assert (cells["广州市"].status, cells["广州市"].label) == (Status.ERRORS, "有错误")
    assert cells["深圳市"].label == "未提交" and not cells["深圳市"].overdue
    assert matrix.missing_count == 19

    late = repo.completeness(db, world.round_id, scope=world.admin, now=after)
    overdue = [r.short_name for r in late.rows if r.cells["表四"].overdue]
    assert "清远市" not in overdue and "广州市" in overdue and len(overdue) == 20
    shenzhen = next(r for r in late.rows if r.short_name == "深圳市")
    assert (shenzhen.contact, shenzhen.phone, shenzhen.outstanding) == (
        "李志强",
        "020-80007919",
        ["表四"],
    )


def test_optional_tables_appear_once_uploaded(db, world):
    data = make_table("表二", rows=[subsidy("专利奖配套奖励", 30)])
    store(db, world, data, validate(data, "清远市-表二.xlsx"), name="清远市-表二.xlsx")
    matrix = repo.completeness(db, world.round_id, scope=world.admin)
    assert matrix.optional_tables == ("表二",)
    qingyuan = next(r for r in matrix.rows if r.short_name == "清远市")
    assert (qingyuan.cells["表二"].required, qingyuan.cells["表二"].label) == (
        False,
        "已上传未提交",
    )
    assert qingyuan.missing == ["表四"]


def test_control_numbers_are_exact_and_audited(db, world):
    repo.set_control_number(
        db,
        world.round_id,
        "清远市市场监督管理局（知识产权局）",
        Decimal("300.5"),
        actor=world.finance,
    )
    repo.set_control_number(db, world.round_id, "清远", Decimal("320"), actor=world.admin)
    assert repo.control_numbers(db, world.round_id, scope=world.admin) == {"清远市": Decimal("320")}
    assert repo.control_numbers(db, world.round_id, scope=world.guangzhou) == {}
    details = [
        e.detail
        for e in repo.audit_log(
            db, world.round_id, scope=world.admin, actions=("control_number.set",)
        )
    ]
    assert details == ["清远市 控制数：300.5 → 320 万元", "清远市 控制数：无 → 300.5 万元"]
    with pytest.raises(repo.PermissionDenied):
        repo.set_control_number(db, world.round_id, "清远市", Decimal(1), actor=world.qingyuan)


def test_loading_a_round_twice_changes_nothing(db, world):
    from test_storage_support import shipped_toml

    from budget_planner.templates.round import load_round

    before = len(repo.audit_log(db, scope=world.admin))
    stored = repo.load_round_into_db(db, load_round(), shipped_toml())
    assert (stored.status, len(stored.units)) == ("open", 21)
    assert len(repo.audit_log(db, scope=world.admin)) == before
    assert repo.current_round(db).id == "guangdong-2024"
    assert repo.config_of(stored).required_tables("清远市") == ("表四",)


def test_a_round_and_its_text_must_agree(db, world):
    from test_storage_support import shipped_toml

    from budget_planner.templates.round import load_round

    with pytest.raises(UsageError, match="轮次配置文本描述的是 hengyang-2024，不是 guangdong-2024"):
        repo.load_round_into_db(db, load_round(), shipped_toml("hengyang-2024"))
    with pytest.raises(UsageError, match="轮次配置文本无法读取"):
        repo.load_round_into_db(db, load_round(), "id = ")


def test_a_county_of_nil_returns_owes_no_budget_on_the_site_either(db):
    """衡阳 requires 表四 and a 预算表 of every county: a county whose 表四 says 本单位无需求 owes no
    预算表 — the site's 完成情况 and its receipt say what the consolidated workbook says
    (``aggregate.completeness.budget_owed``)."""
    import tomllib

    import realworld_files as rw
    from openpyxl import Workbook

    from budget_planner.templates.round import parse_round

    text = shipped_toml("hengyang-2024")
    round_ = parse_round(tomllib.loads(text))
    stored = repo.load_round_into_db(db, round_, text)
    repo.open_round(db, round_.id)
    units = {u.short_name: u for u in repo.units(db, round_.id, scope=None)}
    admin = repo.create_user(
        db, "市局", "管理员密码123", stored.collector, reviewer=True, must_change_password=False
    )
    county = repo.create_user(db, "珠晖区", "珠晖密码1234", units["珠晖区"])
    book = Workbook()
    ws = book.active
    ws["A1"] = "2024年度知识产权项目需求征集表（四）"
    ws["A2"] = "填报单位：衡阳市珠晖区市场监督管理局"
    rw._put(ws, 3, rw.HEAD_4)
    rw._put(ws, 4, [1, None, "本单位无需求"])
    data = rw._save(book)
    checked = validate_bytes(data, "珠晖区-表四.xlsx", round_, "珠晖区", parse=read_workbook)
    repo.store_upload(
        db,
        round_id=round_.id,
        unit_short_name="珠晖区",
        data=data,
        original_name="珠晖区-表四.xlsx",
        checked=checked,
        user=county,
    )
    matrix = repo.completeness(db, round_.id, scope=admin)
    rows = {r.short_name: r for r in matrix.rows}
    assert rows["珠晖区"].missing == []
    assert rows["雁峰区"].missing == ["表四", "预算表"]
    told = repo.receipt(db, round_.id, units["珠晖区"].id, scope=admin)
    assert told is not None and told.missing == []

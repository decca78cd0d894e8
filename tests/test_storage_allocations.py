"""核定金额 from finance's form (checked against what was asked and the control number, all or
nothing), control numbers in one go, and the stored versions handed to the core's consolidation
exactly as validating the files would."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_storage_support import store, upload_table4

from budget_planner.aggregate.consolidate import consolidate
from budget_planner.aggregate.summary import summary
from budget_planner.aggregate.versions import Candidate, choose_versions
from budget_planner.errors import UsageError
from budget_planner.storage import repository as repo
from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import Upload, validate_uploads
from budget_planner.validators.intake.extract import read_workbook

pytestmark = pytest.mark.usefixtures("world")
pytest_plugins = ["test_storage_support"]
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAV = "清远市|表四|知识产权高质量创造|专利导航项目"
BRAND = "清远市|表四|知识产权高质量创造|商标品牌培育"
WHY = {NAV: "压缩规模", BRAND: "压缩规模"}  # a reason for each 核减


@pytest.fixture
def asked(db, world):
    """清远市 asks 50 + 30 in 表四; its control number is 70."""
    repo.set_control_number(db, world.round_id, "清远市", Decimal(70), actor=world.finance)
    version = store(db, world, *upload_table4({"专利导航项目": 50, "商标品牌培育": 30}))[0]
    repo.submit(db, version.id, world.qingyuan)  # 核定金额 only on a submitted version
    return version


def approved(db, world) -> dict[str, Decimal]:
    return {k: a for (_u, k), a in repo.allocations(db, world.round_id, scope=world.admin).items()}


def test_amounts_are_saved_together_and_audited_with_their_version(db, world, asked):
    count = repo.set_allocations(
        db,
        world.round_id,
        "清远市",
        {NAV: Decimal("45.5"), BRAND: Decimal(20)},
        actor=world.finance,
        reasons=WHY,
    )
    assert count == 2 and approved(db, world) == {NAV: Decimal("45.5"), BRAND: Decimal(20)}
    entries = repo.audit_log(db, world.round_id, scope=world.admin, actions=("allocation.set",))
    assert {(e.version_id, e.detail) for e in entries} == {
        # the project in words, never its stored key
        (
            asked.id,
            "清远市表四“专利导航项目”（知识产权高质量创造）：无 → 45.5 万元（核减理由：压缩规模）",
        ),
        (
            asked.id,
            "清远市表四“商标品牌培育”（知识产权高质量创造）：无 → 20 万元（核减理由：压缩规模）",
        ),
    }
    assert (
        repo.set_allocations(
            db, world.round_id, "清远市", {NAV: Decimal("45.5")}, actor=world.finance, reasons=WHY
        )
        == 0
    )
    repo.set_allocations(
        db, world.round_id, "清远市", {BRAND: None}, actor=world.finance, reasons=WHY
    )
    assert approved(db, world) == {NAV: Decimal("45.5")}


def test_more_than_was_asked_is_refused_and_nothing_is_saved(db, world, asked):
    with pytest.raises(repo.AllocationRefused) as refused:
        repo.set_allocations(
            db,
            world.round_id,
            "清远市",
            {NAV: Decimal(10), BRAND: Decimal("30.5")},
            actor=world.finance,
            reasons=WHY,
        )
    assert refused.value.problems == {BRAND: "“商标品牌培育”核定金额 30.5 万元超过申报金额 30 万元"}
    assert approved(db, world) == {}


def test_a_total_above_the_control_number_is_refused_but_may_come_down(db, world, asked):
    with pytest.raises(repo.AllocationRefused) as refused:
        repo.set_allocations(
            db,
            world.round_id,
            "清远市",
            {NAV: Decimal(50), BRAND: Decimal(25)},
            actor=world.finance,
            reasons=WHY,
        )
    assert refused.value.problems == {
        "": "清远市表四核定金额合计 75 万元将超过控制数 70 万元（超出 5 万元）"
    }
    repo.set_allocations(
        db,
        world.round_id,
        "清远市",
        {NAV: Decimal(45), BRAND: Decimal(25)},
        actor=world.finance,
        reasons=WHY,
    )
    # the control number is lowered afterwards: the unit is over, and lowering is still allowed
    repo.set_control_number(db, world.round_id, "清远市", Decimal(60), actor=world.finance)
    repo.set_allocations(
        db, world.round_id, "清远市", {NAV: Decimal(40)}, actor=world.finance, reasons=WHY
    )
    with pytest.raises(repo.AllocationRefused):
        repo.set_allocations(
            db, world.round_id, "清远市", {NAV: Decimal(41)}, actor=world.finance, reasons=WHY
        )
    assert approved(db, world) == {NAV: Decimal(40), BRAND: Decimal(25)}


def test_only_projects_counted_for_the_unit_can_be_approved(db, world, asked):
    other = "清远市|表四|知识产权高质量创造|不存在的项目"
    with pytest.raises(repo.AllocationRefused, match="不在清远市计入的版本中"):
        repo.set_allocations(
            db, world.round_id, "清远市", {other: Decimal(1)}, actor=world.finance, reasons=WHY
        )
    with pytest.raises(repo.AllocationRefused, match="不属于清远市"):
        repo.set_allocations(
            db,
            world.round_id,
            "清远市",
            {"广州市|表四|x|y": Decimal(1)},
            actor=world.finance,
            reasons=WHY,
        )
    with pytest.raises(repo.PermissionDenied):
        repo.set_allocations(db, world.round_id, "清远市", {NAV: Decimal(1)}, actor=world.qingyuan)


def test_an_amount_survives_a_resubmission_and_a_dropped_project_is_left_over(db, world, asked):
    repo.set_allocations(
        db,
        world.round_id,
        "清远市",
        {NAV: Decimal(40), BRAND: Decimal(20)},
        actor=world.finance,
        reasons=WHY,
    )
    second = store(db, world, *upload_table4({"专利导航项目": 45}))[0]  # 商标品牌培育 dropped
    unit_id = world.units["清远市"].id
    projects = repo.requested_projects(db, world.round_id, unit_id)
    assert {k: p.amount for k, p in projects.items()} == {NAV: Decimal(50), BRAND: Decimal(30)}
    repo.submit(db, second.id, world.qingyuan)  # only a submission replaces the one waiting
    projects = repo.requested_projects(db, world.round_id, unit_id)
    assert {k: p.amount for k, p in projects.items()} == {NAV: Decimal(45)}
    assert approved(db, world) == {NAV: Decimal(40), BRAND: Decimal(20)}
    [held] = repo.allocation_view(db, world.round_id, scope=unit_id).held
    assert (held.key, held.amount, held.why) == (
        BRAND,
        Decimal(20),
        "项目已不在计入的版本中（名称或类型改变，或项目删除）",
    )
    repo.set_allocations(
        db, world.round_id, "清远市", {BRAND: None}, actor=world.finance, reasons=WHY
    )
    assert approved(db, world) == {NAV: Decimal(40)}


def test_control_numbers_are_set_together_or_not_at_all(db, world):
    with pytest.raises(UsageError, match="没有单位“台北市”"):
        repo.set_control_numbers(
            db, world.round_id, {"清远市": Decimal(1), "台北市": Decimal(2)}, actor=world.finance
        )
    assert repo.control_numbers(db, world.round_id, scope=world.admin) == {}
    repo.set_control_numbers(
        db,
        world.round_id,
        {"清远市": Decimal(100), "韶关市": Decimal("60.5")},
        actor=world.finance,
        source="控制数.csv",
    )
    assert repo.control_numbers(db, world.round_id, scope=world.admin) == {
        "韶关市": Decimal("60.5"),
        "清远市": Decimal(100),
    }
    details = [
        e.detail
        for e in repo.audit_log(
            db, world.round_id, scope=world.admin, actions=("control_number.set",)
        )
    ]
    assert "清远市 控制数：无 → 100 万元（控制数.csv）" in details


def test_stored_versions_consolidate_exactly_as_the_files_do(db, world):
    """Every example file stored, then consolidated from the database: the same rows, totals,
    reconciliation and 预算表 checks as consolidating what validation says about the files."""
    round_ = load_round()
    paths = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".xlsx", ".docx"))
    checked = validate_uploads(
        [Upload(p.read_bytes(), p.name) for p in paths], round_, parse=read_workbook
    )
    ordered = sorted(
        zip(paths, checked, strict=True),
        key=lambda item: (min(c.modified for c in item[1] if c.modified), item[0].name),
    )
    for path, found in ordered:
        unit = next(c.report.unit for c in found if c.report.unit)
        repo.store_upload(
            db, round_id=world.round_id, unit_short_name=unit, data=path.read_bytes(),
            original_name=path.name, checked=found, user=world.admin,
        )  # fmt: skip
    from_db = repo.stored_counted(db, world.round_id, scope=world.finance)
    direct = choose_versions(
        Candidate(c, p.name, None, i)
        for p, found in zip(paths, checked, strict=True)
        for i, c in enumerate(found)
    )
    mine, theirs = consolidate(round_, from_db.counted), consolidate(round_, direct.counted)
    assert summary(mine) == summary(theirs)
    columns = list(theirs.rows.columns)
    assert list(mine.rows.columns) == columns
    key = ["unit", "table", "key", "excel_row"]
    left = mine.rows.sort_values(key).reset_index(drop=True)
    right = theirs.rows.sort_values(key).reset_index(drop=True)
    # the one difference: a stored row says its version's state on the site, a file only 有错误
    assert set(left["state"]) == {"已上传未提交", "有错误"}
    assert list(left["state"] == "有错误") == list(right["state"] == "有错误")
    assert left.drop(columns="state").equals(right.drop(columns="state"))
    assert mine.table_totals["表四"] == Decimal("1595.8")  # the 表四 of examples/, newest each
    assert {(s.unit, s.file, s.version) for s in from_db.superseded} == {
        ("东莞市", "东莞市-表四（旧版）.xlsx", 1)
    }

"""Last year's round in the database (issue 19, docs/years.md), on SQLite and PostgreSQL: the
province's 2023 分配方案 imported as a closed round of 广东省, found as 2024's previous year; a second
import replaces the first; a plan naming units the round does not have, or imported by someone
other than the round's 审核, leaves nothing; in later years the kept round of the year before is
last year, and no plan may be imported over it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from last_year_files import plain_plan
from make_last_year import FILE_NAME, OUT
from test_storage_support import shipped_toml, store, upload_table4

from budget_planner.aggregate.plan_reader import read_last_year_plan
from budget_planner.app.findings import last_year_of, round_findings
from budget_planner.errors import UsageError
from budget_planner.storage import last_year
from budget_planner.storage import repository as repo
from budget_planner.storage.models import AuditLog, ImportedPlanLine, Round
from budget_planner.storage.scope import PermissionDenied
from budget_planner.templates.round import load_round
from budget_planner.validators.intake.extract import read_workbook

pytest_plugins = ["test_storage_support"]
pytestmark = pytest.mark.usefixtures("world")
NAV = "专利导航服务基地培育建设项目"
PLAN = OUT / FILE_NAME


def _import(db, world, data: bytes, name: str = FILE_NAME, actor=None):
    plan = read_last_year_plan(data, name, parse=read_workbook)
    return last_year.import_plan(db, world.round_id, plan, data, name, actor=actor or world.admin)


def test_last_years_plan_becomes_a_closed_round_of_the_same_collector(db, world):
    stored = _import(db, world, PLAN.read_bytes())
    this = db.get(Round, world.round_id)
    assert (stored.id, stored.year, stored.status) == ("guangdong-2023", 2023, "closed")
    assert stored.collector_id == this.collector_id
    assert stored.title == "2023年度知识产权项目需求征集（上年分配方案导入）"
    assert last_year.previous_round(db, this).id == "guangdong-2023"
    plan = last_year.imported_plan(db, stored)
    assert len(plan.lines) == 15 and plan.source == FILE_NAME
    nav = next(line for line in plan.lines if (line.unit, line.project) == ("清远市", NAV))
    assert (nav.requested, nav.approved) == (Decimal(45), Decimal(40))
    assert plan.controls["清远市"] == Decimal(150) and plan.controls["汕头市"] == Decimal(90)
    # the units are the lasting ones: 2024's 清远市 is 2023's
    qingyuan = world.units["清远市"]
    assert {line.unit_id for line in stored_lines(db, stored.id) if line.project == NAV} >= {
        qingyuan.id
    }
    audit = db.query(AuditLog).filter_by(action="plan.imported").one()
    assert audit.detail == (
        f"导入上年分配方案“{FILE_NAME}”：15 个项目，6 个控制数，申报 802 万元，核定 725 万元"
    )


def stored_lines(db, round_id: str) -> list[ImportedPlanLine]:
    return list(db.query(ImportedPlanLine).filter_by(round_id=round_id))


def test_a_second_import_replaces_the_first(db, world):
    _import(db, world, PLAN.read_bytes())
    again = plain_plan([("清远", "表四", "知识产权高质量创造", NAV, 44, 41, 155)])
    stored = _import(db, world, again, "更正.xlsx")
    plan = last_year.imported_plan(db, stored)
    assert [(x.unit, x.requested, x.approved) for x in plan.lines] == [
        ("清远市", Decimal(44), Decimal(41))  # the alias 清远 is the unit 清远市
    ]
    assert plan.controls == {"清远市": Decimal(155)}
    assert last_year.imported(db, stored.id).file_name == "更正.xlsx"


def test_units_the_round_lacks_refuse_the_whole_plan(db, world):
    data = plain_plan(
        [
            ("清远市", "表四", "知识产权高质量创造", NAV, 40, 35, None),
            ("火星市", "表四", "知识产权管理", "统计", 10, 10, None),
            ("月球市", "表一", "知识产权管理", "培训", 5, 5, None),
        ]
    )
    with pytest.raises(UsageError) as raised:
        _import(db, world, data)
    assert str(raised.value) == (
        "上年分配方案中的单位不是本轮次的地市，未导入任何内容：“火星市”、“月球市”"
    )
    assert db.get(Round, "guangdong-2023") is None
    assert stored_lines(db, "guangdong-2023") == []


@pytest.mark.parametrize("who", ["finance", "qingyuan"])
def test_only_the_rounds_reviewer_imports(db, world, who):
    with pytest.raises(PermissionDenied):
        _import(db, world, PLAN.read_bytes(), actor=getattr(world, who))
    assert db.get(Round, "guangdong-2023") is None


def _kept_2023_round(db):
    """The service's own round of 2023 (a later year: the service kept last year)."""
    toml = shipped_toml().replace('id = "guangdong-2024"', 'id = "guangdong-2023"', 1)
    toml = toml.replace("year = 2024", "year = 2023", 1).replace("2024年度", "2023年度", 1)
    import tomllib

    from budget_planner.templates.round import parse_round

    round_ = parse_round(tomllib.loads(toml))
    return repo.load_round_into_db(db, round_, toml), round_


def test_a_kept_round_of_last_year_is_last_year(db, world):
    kept, _config = _kept_2023_round(db)
    repo.open_round(db, kept.id)  # it was open that year
    data, checked = upload_table4({NAV: 42})
    repo.store_upload(
        db,
        round_id=kept.id,
        unit_short_name="清远市",
        data=data,
        original_name="清远市-表四.xlsx",
        checked=checked,
        user=world.qingyuan,
    )
    repo.close_round(db, kept.id)
    previous, plan = last_year_of(db, db.get(Round, world.round_id))
    assert previous.id == "guangdong-2023" and plan is not None
    assert [(x.unit, x.project, x.requested, x.approved) for x in plan.lines] == [
        ("清远市", NAV, Decimal(42), None)
    ]
    with pytest.raises(UsageError, match="已有 2023 年的轮次“2023年度知识产权项目需求征集”"):
        _import(db, world, PLAN.read_bytes())


def test_the_rounds_findings_mark_continuation_with_last_years_amounts(db, world):
    _import(db, world, PLAN.read_bytes())
    data, checked = upload_table4({NAV: 50, "知识产权公共服务网点建设": 15})
    store(db, world, data, checked)
    data, checked = upload_table4(
        {"知识产权公共服务网点建设": 20}, unit="韶关市", file="韶关市-表四.xlsx"
    )
    repo.store_upload(
        db,
        round_id=world.round_id,
        unit_short_name="韶关市",
        data=data,
        original_name="韶关市-表四.xlsx",
        checked=checked,
        user=world.admin,
    )
    found = round_findings(db, db.get(Round, world.round_id), load_round(), scope=None)
    [continued] = found.findings.continuations
    assert (continued.row.unit, continued.row.name, continued.row.amount) == ("清远市", NAV, 50)
    assert (continued.last_year.amount, continued.last_year.approved) == (45, 40)
    [double] = found.findings.doubles
    assert {double.first.unit, double.second.unit} == {"清远市", "韶关市"}
    qingyuan = next(u for u in found.comparison.units if u.unit == "清远市")
    assert (qingyuan.total.requested, qingyuan.total.last_requested) == (65, 82)
    assert (qingyuan.control, qingyuan.last_control) == (None, 150)

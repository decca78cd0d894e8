"""生成上报版本 (issue 18): a city's return to the province built from its counties' approved
tables, stored like an upload, with every forwarded row's county version and cell kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from builders import make_table4, project
from forwarded import COUNTY, PROVINCE, approve_all, county_files, county_tree, grant
from test_storage_support import validate

from budget_planner.aggregate.project_findings import project_refs
from budget_planner.app.consolidation import consolidate_stored
from budget_planner.app.findings import link_forwarded
from budget_planner.app.forwarding import forward
from budget_planner.errors import UsageError
from budget_planner.matching import double_requests
from budget_planner.storage import repository as repo
from budget_planner.storage.forwarding import forwarding_plan
from budget_planner.storage.lineage import row_source, source_file
from budget_planner.storage.models import Allocation
from budget_planner.storage.scope import NotFound, PermissionDenied
from budget_planner.templates.round import load_round
from budget_planner.text import canonical
from budget_planner.validators.intake.extract import read_workbook

pytest_plugins = ["test_storage_support"]

PROTECT_BUDGET = {
    "provincial": 12,
    "self_raised": 0,
    "service_fee": 0,
    "maintenance_fee": 0,
    "expert_fee": 0,
    "training": 0,
    "publicity": 12,
    "project_kind": "知识产权保护",
    "calculation_note": "宣传费12万元用于保护宣传周活动。",
}


def _own_table4(db, tree, projects: dict[str, object]) -> None:
    """清远市's own 表四 in the province round, uploaded and submitted."""
    rows = [project("知识产权高质量创造", n, a) for n, a in projects.items()]
    data = make_table4("清远市", rows)
    stored = repo.store_upload(
        db,
        round_id=PROVINCE,
        unit_short_name="清远市",
        data=data,
        original_name="清远市-表四.xlsx",
        checked=validate(data, "清远市-表四.xlsx"),
        user=tree.city,
    )
    repo.act(db, stored[0].id, tree.city, "submit")


def _city_table(db, table: str = "表四"):
    """The newest version of the city's ``table`` in the province round."""
    threads = [
        t
        for t in repo.submissions(db, PROVINCE, scope=None)
        if t.unit.short_name == "清远市" and t.table_id == table
    ]
    if not threads:
        return None
    return repo.versions_of(db, threads[0].id, scope=None)[-1]


def _rows(version) -> list[tuple[str, str, Decimal | None]]:
    def source(row) -> str:
        return (row.values_json.get("source_unit") or {}).get("value") or ""

    return [(row.name, source(row), row.amount) for row in version.rows]


@pytest.fixture
def forwarded(db):
    """清城区 approved (its 专利导航项目 cut to 20 万元), 英德市 submitted only, 清远市's own row."""
    tree = county_tree(db)
    qc = county_files(
        db,
        tree,
        "清城区",
        {"专利导航项目": 30, "知识产权保护宣传": 12},
        budgets={"知识产权保护宣传": PROTECT_BUDGET},
    )
    county_files(db, tree, "英德市", {"专利导航项目": 25})
    approve_all(db, tree, "清城区")
    grant(db, tree, "清城区", qc, {"专利导航项目": 20})
    _own_table4(db, tree, {"市级知识产权运营平台": 40})
    done = forward(db, PROVINCE, "清远市", actor=tree.city, parse=read_workbook)
    for item in done.stored:  # the city submits what was made, as after any upload
        repo.act(db, item.version.id, tree.city, "submit")
    return tree, qc, done


def test_the_city_return_holds_its_own_rows_and_its_approved_counties(db, forwarded):
    _, _, done = forwarded
    city = _city_table(db)
    assert city.number == 2 and not city.has_errors
    assert city.original_name == "清远市-2024年度上报版本.xlsx"
    # the file's own time is when its inputs last changed (here: the 核定金额 just entered)
    granted = db.scalar(sa.select(sa.func.max(Allocation.at)))
    assert city.document_modified == granted.replace(microsecond=0)
    assert _rows(city) == [
        ("市级知识产权运营平台", "", Decimal(40)),
        ("专利导航项目", "清城区", Decimal(20)),  # the city's 核定金额
        ("知识产权保护宣传", "清城区", Decimal(12)),  # no 核定金额: as requested
    ]
    assert city.total == Decimal(72)
    cut = city.rows[1].values_json["remarks"]["value"]
    assert cut == canonical("清城区申报 30 万元，清远市核定 20 万元")  # as read back
    # 英德市 is only submitted: listed with its state, not forwarded
    standing = {(s.unit, s.table): (s.label, s.forwarded) for s in done.plan.standings}
    assert standing[("英德市", "表四")] == ("已提交", False)
    assert standing[("清城区", "表四")] == ("已通过", True)
    assert standing[("清新区", "表四")] == ("未提交", False)  # owed, never sent
    assert ("清新区", "表一") not in standing  # optional and not sent: nothing to say


def test_the_budget_of_a_forwarded_row_goes_with_it(db, forwarded):
    _, _, done = forwarded
    budget = _city_table(db, "预算表")
    assert budget is not None and not budget.has_errors
    assert budget.submission.slot == "知识产权保护宣传"
    assert budget.total == Decimal(12)
    assert done.plan.left_out == []


def test_the_province_opens_the_county_cell_behind_a_row(db, forwarded):
    tree, qc, _ = forwarded
    row = _city_table(db).rows[1]
    province = repo.round_roles(db, tree.province, PROVINCE).scope
    found = row_source(db, row.id, scope=province)
    assert found is not None
    assert found.version.id == qc.id and found.link.source_unit.short_name == "清城区"
    county_row = next(r for r in qc.rows if r.name == "专利导航项目")
    assert (found.link.sheet, found.link.cell) == (county_row.sheet, county_row.amount_cell)
    assert (found.link.requested, found.link.approved) == (Decimal(30), Decimal(20))
    data, name = source_file(db, row.id, scope=province)
    assert name == "清城区-表四.xlsx" and data == qc.blob.data
    # a unit of the province round that is not 清远市 cannot reach it
    shaoguan = repo.find_one(db, "韶关市")
    assert row_source(db, row.id, scope=shaoguan.id) is None
    # the city's own row has no source
    assert row_source(db, _city_table(db).rows[0].id, scope=province) is None


def test_forwarding_again_after_a_county_change_makes_a_version_whose_diff_names_the_row(
    db, forwarded
):
    tree, _, _ = forwarded
    county_files(db, tree, "清城区", {"专利导航项目": 30, "知识产权保护宣传": 15})
    approve_all(db, tree, "清城区")
    forward(db, PROVINCE, "清远市", actor=tree.city, parse=read_workbook)
    city = _city_table(db)
    assert city.number == 3
    _, previous, changes = repo.version_changes(db, city.id, scope=None)
    assert previous.number == 2
    changed = {c.name: (c.kind, c.before, c.after) for c in changes}
    assert changed["知识产权保护宣传"] == ("金额变化", Decimal(12), Decimal(15))
    assert "专利导航项目" not in changed  # still its 核定金额 of 20
    # the unchanged forwarding again answers with the same version
    again = forward(db, PROVINCE, "清远市", actor=tree.city, parse=read_workbook)
    assert not again.changed and _city_table(db).number == 3


def test_who_may_forward(db):
    tree = county_tree(db)
    with pytest.raises(PermissionDenied):  # a 清远市 clerk has no part in the county round
        forwarding_plan(db, PROVINCE, "清远市", actor=tree.clerk)
    with pytest.raises(NotFound):  # a county is not in the province round at all
        forwarding_plan(db, PROVINCE, "清远市", actor=tree.counties["清城区"])
    with pytest.raises(NotFound):  # another city has no county round
        forwarding_plan(db, PROVINCE, "韶关市", actor=None)
    with pytest.raises(UsageError, match="还没有审核通过的下级单位表格"):
        forward(db, PROVINCE, "清远市", actor=tree.city, parse=read_workbook)


def test_a_forwarded_row_and_its_county_source_are_no_double_request(db, forwarded):
    city = consolidate_stored(db, PROVINCE, load_round(PROVINCE), scope=None)
    county = consolidate_stored(db, COUNTY, load_round(COUNTY), scope=None)
    presets: dict[str, tuple[str, ...]] = {}

    def pairs(refs) -> set[tuple[str, str]]:
        found = double_requests(refs, presets, new_round=PROVINCE)
        return {
            tuple(sorted((d.first.unit, d.second.unit)))
            for d in found
            if d.first.name == "专利导航项目"
        }

    unlinked = [*project_refs(city.cons), *project_refs(county.cons)]
    assert ("清城区", "清远市") in pairs(unlinked)  # without the lineage: called a double
    link_forwarded(db, city)
    linked = [*project_refs(city.cons), *project_refs(county.cons)]
    assert ("清城区", "清远市") not in pairs(linked)
    # 英德市's own 专利导航项目 (not forwarded) is still set against 清远市's forwarded one
    assert ("清远市", "英德市") in pairs(linked)


def test_the_same_preset_from_two_counties_is_two_projects():
    """来源单位 is part of the project key: a preset asked for by two counties is two rows of the
    city's 表四, no duplicate; the same county twice still is one."""
    preset = "高价值专利培育布局中心建设"
    rows = [
        project("知识产权高质量创造", preset, 30, source_unit="清城区"),
        project("知识产权高质量创造", preset, 20, source_unit="英德市"),
    ]
    (checked,) = validate(make_table4("清远市", rows), "清远市-表四.xlsx")
    assert checked.report.ok and checked.report.rows == 2
    keys = [row.key for row in checked.table.project_rows]
    assert [k.extra for k in keys] == ["清城区", "英德市"]
    hub = "县域知识产权运营中心"
    twice = [
        *rows,
        project("知识产权高质量创造", hub, 10, source_unit="清城区"),
        project("知识产权高质量创造", hub, 5, source_unit="英德市"),
        project("知识产权高质量创造", hub, 5, source_unit="清城区"),
    ]
    (again,) = validate(make_table4("清远市", twice), "清远市-表四.xlsx")
    found = [(i.code, i.message) for i in again.report.issues if i.code == "project.duplicate"]
    assert len(found) == 1 and "来源单位“清城区”" in found[0][1]

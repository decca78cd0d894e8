"""A city forwarding its counties' returns (issue 18): both demo rounds open in one tree, the
people who act in them, and the steps of the county round as a county and 清远市 take them.

    tree = county_tree(db)                       # 广东 round and 清远市's county round, open
    v = county_files(db, tree, "清城区", {"专利导航项目": 30})   # uploaded (and submitted)
    decide(db, tree, v, "approve")                # 清远市's 审核
    grant(db, tree, "清城区", v, {"专利导航项目": 20})        # 清远市's 核定金额
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from builders import make_budget, make_table4, project

from budget_planner.storage import repository as repo
from budget_planner.storage.models import User, Version
from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook

PROVINCE, COUNTY = "guangdong-2024", "qingyuan-2024"
CATEGORY = "知识产权高质量创造"
PASSWORD = "足够长的密码abc1"


def _toml(name: str) -> str:
    return (
        resources.files("budget_planner.templates.rounds")
        .joinpath(f"{name}.toml")
        .read_text("utf-8")
    )


@dataclass
class Tree:
    """The people: 广东省's 审核 (``province``), 清远市's account holding 审核 and 财务 (``city``),
    a 清远市 clerk holding neither, and the county accounts by short name."""

    province: User
    city: User
    clerk: User
    counties: dict[str, User]


def county_tree(db, counties: tuple[str, ...] = ("清城区", "英德市")) -> Tree:
    for name in (COUNTY, PROVINCE):
        repo.load_round_into_db(db, load_round(name), _toml(name))
        repo.open_round(db, name)

    def account(username: str, unit: str, **holds: bool) -> User:
        found = repo.find_one(db, unit)
        assert found is not None
        return repo.create_user(db, username, PASSWORD, found, must_change_password=False, **holds)

    return Tree(
        province=account("省局", "广东省", reviewer=True),
        city=account("清远市", "清远市", reviewer=True, finance=True),
        clerk=account("清远经办", "清远市"),
        counties={c: account(c, c) for c in counties},
    )


def county_rows(projects: dict[str, object], category: str = CATEGORY) -> list[dict[str, object]]:
    return [project(category, name, amount) for name, amount in projects.items()]


def county_table4(county: str, projects: dict[str, object]) -> bytes:
    """A county's 表四 as it fills it (the builder's issued layout, its 填报单位)."""
    return make_table4(county, county_rows(projects), round_=load_round(COUNTY))


def county_files(
    db,
    tree: Tree,
    county: str,
    projects: dict[str, object],
    *,
    submit: bool = True,
    budgets: dict[str, dict[str, object]] | None = None,
) -> Version:
    """The county uploads its 表四 (and 预算表s, by project) in the county round and submits them;
    its 表四 version."""
    who = tree.counties[county]
    config = load_round(COUNTY)
    files = [(county_table4(county, projects), f"{county}-表四.xlsx")]
    for name, values in (budgets or {}).items():
        data = make_budget(
            {"project_name": name, "table_ref": "表四", "category": CATEGORY, **values},
            unit=county,
            round_=config,
        )
        files.append((data, f"{county}-预算表-{name}.xlsx"))
    kept: list[Version] = []
    for data, name in files:
        checked = validate_bytes(data, name, config, county, parse=read_workbook)
        kept += repo.store_upload(
            db,
            round_id=COUNTY,
            unit_short_name=county,
            data=data,
            original_name=name,
            checked=checked,
            user=who,
        )
    if submit:
        for version in kept:
            repo.act(db, version.id, who, "submit")
    return kept[0]


def approve_all(db, tree: Tree, county: str) -> None:
    """清远市 approves the county's waiting submission of every table."""
    for thread in repo.submissions(db, COUNTY, scope=None):
        if thread.unit.short_name != county:
            continue
        versions = repo.versions_of(db, thread.id, scope=None)
        states = repo.version_states(versions)
        for version in versions:
            if states[version.id] == "已提交":
                repo.act(db, version.id, tree.city, "approve")


def grant(db, tree: Tree, county: str, version: Version, amounts: dict[str, object]) -> None:
    """清远市's 核定金额 for the county's projects (by project name; a cut gets a reason)."""
    keys = {row.name: row.key for row in version.rows}
    repo.set_allocations(
        db,
        COUNTY,
        county,
        {keys[name]: Decimal(str(amount)) for name, amount in amounts.items()},
        actor=tree.city,
        reasons={keys[name]: "按绩效核减" for name in amounts},
    )

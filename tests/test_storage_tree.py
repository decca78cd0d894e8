"""The lasting unit tree and the roles it gives per round (storage/tree.py, storage/roles.py): one
清远市 account holding 审核 is a submitter in the province's round and the reviewer of its county
round, with the rights of each and no more; who looks after which accounts and units; loading
rounds in any order makes one tree."""

from __future__ import annotations

import tomllib

import pytest
from builders import make_table4
from test_storage_support import shipped_toml, store, table4_rows, upload_table4

from budget_planner.errors import UsageError
from budget_planner.storage import repository as repo
from budget_planner.storage.models import User
from budget_planner.storage.workflow import WorkflowRole
from budget_planner.templates.round import load_round, parse_round
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook

pytest_plugins = ["test_storage_support"]

PROVINCE, COUNTY = "guangdong-2024", "qingyuan-2024"
R = WorkflowRole


def _load(db, name: str) -> None:
    repo.load_round_into_db(db, load_round(name), shipped_toml(name))
    repo.open_round(db, name)


@pytest.fixture
def tree(db):
    """Both rounds open (the county's loaded first: the tree is the same either way) and the
    people of the demo: 广东省's 审核 and 财务, 清远市's 审核, a 清远市 clerk, 清城区 and 英德市."""
    _load(db, COUNTY)
    _load(db, PROVINCE)
    people = {}
    for name, unit, holds in (
        ("省局", "广东省", {"reviewer": True}),
        ("省财务", "广东省", {"finance": True}),
        ("清远审核", "清远市", {"reviewer": True}),
        ("清远经办", "清远市", {}),
        ("清城区", "清城区", {}),
        ("英德市", "英德市", {}),
    ):
        found = repo.find_one(db, unit)
        assert found is not None
        people[name] = repo.create_user(db, name, "足够长的密码abc1", found, **holds)
    return people


def roles_of(db, account: User, round_id: str) -> set[str]:
    return {r.label for r in repo.round_roles(db, account, round_id).roles}


def test_one_tree_whatever_order_the_rounds_came_in(db, tree):
    province, county = repo.get_round(db, PROVINCE), repo.get_round(db, COUNTY)
    assert province.collector.short_name == "广东省" and province.collector.parent_id is None
    assert county.collector.parent_id == province.collector_id
    assert county.collector_id in {u.id for u in province.units}  # the same 清远市
    names = [(depth, u.short_name) for depth, u in repo.outline(db)]
    assert names[0] == (0, "广东省") and (1, "清远市") in names and (2, "连南瑶族自治县") in names
    assert len(names) == 1 + 21 + 8  # nothing made twice
    _load(db, PROVINCE)  # again: nothing changes
    assert len(repo.outline(db)) == 30


def test_roles_per_round_come_from_the_tree(db, tree):
    lead, clerk = tree["清远审核"], tree["清远经办"]
    assert roles_of(db, lead, PROVINCE) == {"报送单位"}  # its unit is a member there
    assert roles_of(db, lead, COUNTY) == {"审核"}  # its unit collects, it holds 审核
    assert roles_of(db, clerk, PROVINCE) == {"报送单位"}
    assert roles_of(db, clerk, COUNTY) == set()  # holds nothing: no part in what 清远市 collects
    assert roles_of(db, tree["省局"], PROVINCE) == {"审核"}
    assert roles_of(db, tree["省局"], COUNTY) == set()  # not the county round's collector
    assert roles_of(db, tree["省财务"], PROVINCE) == {"财务"}
    assert roles_of(db, tree["清城区"], COUNTY) == {"报送单位"}
    assert roles_of(db, tree["清城区"], PROVINCE) == set()
    assert roles_of(db, None, COUNTY) == {"报送单位", "审核", "财务"}  # the command line
    listed = [(r.id, p.labels) for r, p in repo.account_rounds(db, lead)]
    assert listed == [(COUNTY, "审核"), (PROVINCE, "报送单位")]  # what it collects first


def test_each_role_reaches_its_own_and_no_more(db, tree):
    lead = tree["清远审核"]
    world = repo.get_round(db, PROVINCE)
    data, checked = upload_table4({"专利导航项目": 50})
    [province_version] = store(db, _world(world), data, checked, user=lead)
    county = repo.get_round(db, COUNTY)
    versions = {}
    for unit in ("清城区", "英德市"):
        data = make_table4(unit, table4_rows({"专利导航项目": 30}))
        checked = validate_bytes(
            data, f"{unit}.xlsx", load_round(COUNTY), unit, parse=read_workbook
        )
        [versions[unit]] = store(
            db, _world(county), data, checked, user=tree[unit], unit=unit, name=f"{unit}.xlsx"
        )
    # in the province's round the lead files 清远市's tables and sees nothing else …

    def units(round_id: str, who: User) -> set[str]:
        return {
            c.submission.unit.short_name for c in repo.counted_versions(db, round_id, scope=who)
        }

    assert units(PROVINCE, lead) == {"清远市"}
    assert units(COUNTY, lead) == {"清城区", "英德市"}
    assert units(COUNTY, tree["清城区"]) == {"清城区"}
    assert units(PROVINCE, tree["清城区"]) == set()
    assert units(COUNTY, tree["省局"]) == set()
    # … and acts in each round with that round's rights only
    with pytest.raises(repo.PermissionDenied):
        repo.review(db, province_version.id, lead, "approve")  # a submitter there
    repo.submit(db, versions["清城区"].id, tree["清城区"])
    approved = repo.review(db, versions["清城区"].id, lead, "approve")
    assert approved.by_name == "清远审核"
    with pytest.raises(repo.NotFound):  # the province's 审核 has no part in the county round
        repo.act(db, versions["英德市"].id, tree["省局"], "submit")
    with pytest.raises(repo.NotFound):  # nor a county in another county's data
        repo.act(db, versions["英德市"].id, tree["清城区"], "delete")
    with pytest.raises(repo.PermissionDenied):
        repo.open_round(db, PROVINCE, actor=lead)
    repo.close_round(db, COUNTY, actor=lead)  # its own round
    assert repo.get_round(db, COUNTY).status == "closed"


def _world(stored):
    """What ``test_storage_support.store`` needs of a world: the round's id."""
    from types import SimpleNamespace

    return SimpleNamespace(round_id=stored.id)


def test_who_looks_after_which_units_and_accounts(db, tree):
    lead = tree["清远审核"]
    qingyuan = repo.find_one(db, "清远市")
    province = repo.find_one(db, "广东省")
    park = repo.add_unit(
        db, qingyuan.id, "清远高新区", "清远高新技术产业开发区管理委员会", actor=lead
    )
    assert park.parent_id == qingyuan.id and repo.manages(db, lead, park.id)
    with pytest.raises(repo.PermissionDenied):
        repo.add_unit(db, province.id, "某市", "某市市场监督管理局", actor=lead)
    with pytest.raises(UsageError, match="清远市下已有单位“清城区”"):
        repo.add_unit(db, qingyuan.id, "清城区", "", actor=lead)
    repo.edit_unit(db, park.id, actor=lead, contact="王五", phone="0763-3999999")
    with pytest.raises(repo.PermissionDenied):
        repo.edit_unit(db, repo.find_one(db, "韶关市").id, actor=lead, contact="冒名")
    # accounts: its unit's and below; the province's are not its own
    repo.set_holdings(db, "清城区", reviewer=False, finance=True, actor=lead)
    assert repo.get_user(db, "清城区").finance
    with pytest.raises(UsageError, match="没有用户名为“省财务”的账号"):
        repo.set_holdings(db, "省财务", reviewer=True, finance=True, actor=lead)
    with pytest.raises(UsageError, match="不能取消自己账号的审核权限"):
        repo.set_holdings(db, "清远审核", reviewer=False, finance=True, actor=lead)
    assert [u.username for u in repo.list_users(db, within=qingyuan.id)][:2] == [
        "清远审核",
        "清远经办",
    ]
    entries = repo.audit_log(db, None, scope=lead, actions=("unit.added", "unit.updated"))
    assert [e.detail for e in entries] == [
        "清远高新区：联系人 （空） → 王五；电话 （空） → 0763-3999999",
        "清远市 下新增 清远高新区（清远高新技术产业开发区管理委员会）",
    ]


def test_a_round_stays_with_its_collector_and_accounts_keep_their_names(db, tree):
    text = shipped_toml(COUNTY).replace(
        'short_name = "清远市"\nfull_name = "清远市市场监督管理局（知识产权局）"\nparent',
        'short_name = "韶关市"\nfull_name = "韶关市市场监督管理局（知识产权局）"\nparent',
    )
    with pytest.raises(UsageError, match="已属于清远市，不能改为由韶关市征集"):
        repo.load_round_into_db(db, parse_round(tomllib.loads(text)), text)
    # 衡阳市's round has a 高新区, and so does a round 清远市 collects: the second account is named
    # after its city
    repo.load_round_into_db(db, load_round("hengyang-2024"), shipped_toml("hengyang-2024"))
    made = {a.unit: a.username for a in repo.create_unit_accounts(db, "hengyang-2024")}
    assert made["高新区"] == "高新区"
    park = shipped_toml(COUNTY).replace('id = "qingyuan-2024"', 'id = "qingyuan-2025"')
    park = park.replace(
        'short_name = "清城区"\nfull_name = "清远市清城区市场监督管理局"',
        'short_name = "高新区"\nfull_name = "清远高新技术产业开发区管理委员会"',
    )
    repo.load_round_into_db(db, parse_round(tomllib.loads(park)), park)
    again = {a.unit: a.username for a in repo.create_unit_accounts(db, "qingyuan-2025")}
    assert again["高新区"] == "清远市高新区"
    assert "英德市" not in again  # a unit that has an account keeps it
    assert repo.find_one(db, "清城区") is not None  # a unit the newer file leaves out stays

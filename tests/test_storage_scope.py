"""The scope rule: a unit account reaches only its own unit's data, whatever id it passes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from test_storage_support import store, upload_table4

from budget_planner.storage import repository as repo
from budget_planner.storage.scope import NotFound, Scope

pytest_plugins = ["test_storage_support"]


@pytest.fixture
def two_units(db, world):
    """清远市 and 广州市 each with a version (with a scan), a control number and an allocation."""
    ids = {}
    for unit, user in (("清远市", world.qingyuan), ("广州市", world.guangzhou)):
        data, checked = upload_table4({f"{unit}专利导航": 50}, unit=unit, file=f"{unit}.xlsx")
        [version] = store(
            db,
            world,
            data,
            checked,
            user=user,
            unit=unit,
            attachment=(b"%PDF " + unit.encode(), "scan.pdf"),
        )
        key = repo.project_rows(db, version.id, scope=None)[0].key
        repo.submit(db, version.id, user)  # 核定金额 only on a submitted version
        repo.set_allocation(
            db, world.round_id, unit, key, Decimal(40), actor=world.finance, reason="压缩规模"
        )
        repo.set_control_number(db, world.round_id, unit, Decimal(100), actor=world.finance)
        ids[unit] = {
            "unit": world.units[unit].id,
            "submission": version.submission_id,
            "version": version.id,
            "attachment": version.attachments[0].id,
        }
    return ids


READERS = {
    "get_submission": lambda db, w, i: repo.get_submission(db, i["submission"], scope=w),
    "get_version": lambda db, w, i: repo.get_version(db, i["version"], scope=w),
    "versions_of": lambda db, w, i: repo.versions_of(db, i["submission"], scope=w),
    "version_file": lambda db, w, i: repo.version_file(db, i["version"], scope=w),
    "attachment_file": lambda db, w, i: repo.attachment_file(db, i["attachment"], scope=w),
    "project_rows": lambda db, w, i: repo.project_rows(db, i["version"], scope=w),
    "rows_with_allocations": lambda db, w, i: repo.rows_with_allocations(db, i["version"], scope=w),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_unit_reads_its_own_data_and_nothing_of_another(db, world, two_units, reader):
    read = READERS[reader]
    own = read(db, world.qingyuan, two_units["清远市"])
    other = read(db, world.qingyuan, two_units["广州市"])
    assert own not in (None, [])
    assert other in (None, [])
    assert read(db, world.admin, two_units["广州市"]) not in (None, [])
    assert read(db, world.finance, two_units["广州市"]) not in (None, [])


def test_round_wide_queries_are_cut_to_the_unit(db, world, two_units):
    me = world.qingyuan
    rid = world.round_id
    assert [s.unit.short_name for s in repo.submissions(db, rid, scope=me)] == ["清远市"]
    assert repo.submissions(db, rid, scope=me, unit_id=two_units["广州市"]["unit"]) == []
    assert [c.submission.unit.short_name for c in repo.counted_versions(db, rid, scope=me)] == [
        "清远市"
    ]
    assert [r.short_name for r in repo.completeness(db, rid, scope=me).rows] == ["清远市"]
    assert [u.short_name for u in repo.units(db, rid, scope=me)] == ["清远市"]
    assert repo.find_unit(db, rid, "广州", scope=me) is None
    assert repo.control_numbers(db, rid, scope=me) == {"清远市": Decimal(100)}
    assert [unit for unit, _key in repo.allocations(db, rid, scope=me)] == ["清远市"]
    assert {e.unit_id for e in repo.audit_log(db, rid, scope=me)} == {two_units["清远市"]["unit"]}
    everything = repo.counted_versions(db, rid, scope=world.admin)
    assert sorted(c.submission.unit.short_name for c in everything) == ["广州市", "清远市"]


def test_acting_on_another_units_data_reads_as_not_found(db, world, two_units):
    theirs = two_units["广州市"]["version"]
    with pytest.raises(NotFound, match="找不到该版本，或无权查看"):
        repo.submit(db, theirs, world.qingyuan)
    data, checked = upload_table4({"x": 1}, unit="广州市")
    with pytest.raises(NotFound, match="找不到该单位"):
        store(db, world, data, checked, user=world.qingyuan, unit="广州市")
    assert len(repo.versions_of(db, two_units["广州市"]["submission"], scope=world.admin)) == 1


@dataclass(frozen=True)
class SiteUser:
    """The web's signed-in user: any account-like object (``id``, ``unit_id``, what it holds) is
    a scope, read in the round of what is asked for."""

    id: int
    username: str
    unit_id: int | None
    reviewer: bool = False
    finance: bool = False


def test_scope_forms(db, world, two_units):
    qy, gz = two_units["清远市"], two_units["广州市"]
    site_user = SiteUser(world.qingyuan.id, "清远市", qy["unit"])
    assert repo.get_version(db, gz["version"], scope=site_user) is None
    assert repo.get_version(db, qy["version"], scope=site_user) is not None
    assert repo.get_version(db, gz["version"], scope=qy["unit"]) is None  # a bare unit id
    assert repo.get_version(db, gz["version"], scope=None) is not None  # None: every unit
    assert repo.get_version(db, gz["version"], scope=Scope.all_units()) is not None
    lost = SiteUser(99, "孤儿账号", None)  # an account without a unit sees nothing
    assert repo.get_version(db, qy["version"], scope=lost) is None
    assert repo.completeness(db, world.round_id, scope=lost).rows == []
    with pytest.raises(TypeError, match="scope"):
        repo.get_version(db, qy["version"], scope="清远市")
    # a Scope made for one round hides every other round
    in_round = repo.round_roles(db, world.qingyuan, world.round_id).scope
    assert repo.get_version(db, qy["version"], scope=in_round) is not None
    elsewhere = repo.Scope("another-round", in_round.units, in_round.roles, in_round.accounts)
    assert repo.get_version(db, qy["version"], scope=elsewhere) is None


def test_scope_is_a_required_keyword(db, world, two_units):
    with pytest.raises(TypeError):
        repo.get_version(db, two_units["清远市"]["version"])  # type: ignore[call-arg]

"""Migration 0004: 表二's project key gains its 后补助承接单位, and a 核定金额 stored under the old key
survives — it moves to the key the reader now gives the same row of the same file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from legacy_db import put
from sqlalchemy.orm import Session
from test_storage_support import BACKENDS, new_database

from budget_planner.storage import db as storage_db
from budget_planner.storage.models import Allocation, ProjectRow
from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook

SUBSIDY = "专利资助后补助"
CENTRE, PARK = "清远市知识产权服务中心", "清远高新区企业服务中心"
OLD = f"清远市|表二||{SUBSIDY}"
AT = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(params=BACKENDS)
def at_0003(request, tmp_path):
    """A database migrated to 0003 holding what that code stored: one 后补助 for two 承接单位,
    both rows keyed the old way, and finance's 核定金额 of 12.5 万元 on that key."""
    url, drop = new_database(request.param, tmp_path)
    engine = storage_db.make_engine(url, tmp_path)
    storage_db.upgrade(engine, "0003")
    sha = hashlib.sha256(b"x").hexdigest()
    put(
        engine,
        "rounds",
        id="r",
        year=2024,
        title="测试",
        issuer="",
        deadline=dt.date(2024, 5, 10),
        status="open",
        config_toml="",
        created_at=AT,
    )
    unit = put(
        engine,
        "units",
        round_id="r",
        position=0,
        short_name="清远市",
        full_name="清远市市场监督管理局",
        contact="",
        phone="",
    )
    put(engine, "blobs", sha256=sha, data=b"x", size=1, created_at=AT)
    submission = put(
        engine,
        "submissions",
        round_id="r",
        unit_id=unit,
        table_id="表二",
        slot="",
        status="draft",
        locked=False,
        updated_at=AT,
    )
    version = put(
        engine,
        "versions",
        submission_id=submission,
        number=1,
        blob_sha256=sha,
        original_name="清远市-表二.xlsx",
        sheet="Sheet",
        uploaded_by_name="清远市",
        on_behalf=False,
        uploaded_at=AT,
        report_json={},
        has_errors=False,
        total=Decimal(45),
        rows_count=2,
        after_approval=False,
    )
    for position, (recipient, amount) in enumerate([(CENTRE, 30), (PARK, 15)]):
        put(
            engine,
            "project_rows",
            version_id=version,
            position=position,
            sheet="Sheet",
            excel_row=4 + position,
            category="",
            name=SUBSIDY,
            key=OLD,
            amount=Decimal(amount),
            values_json={
                "subsidy_name": {"value": SUBSIDY, "cell": f"C{4 + position}"},
                "subsidy_recipient": {"value": recipient, "cell": f"F{4 + position}"},
            },
        )
    put(
        engine,
        "allocations",
        round_id="r",
        unit_id=unit,
        key=OLD,
        amount=Decimal("12.5"),
        by_name="财务",
        at=AT,
    )
    yield engine
    engine.dispose()
    drop()


def _keys(engine) -> tuple[list[str], dict[str, Decimal]]:
    with Session(engine) as db:
        rows = db.scalars(sa.select(ProjectRow.key).order_by(ProjectRow.position)).all()
        allocations = {k: a for k, a in db.execute(sa.select(Allocation.key, Allocation.amount))}
    return list(rows), allocations


def _reader_key(recipient: str) -> str:
    """The key the reader gives today to the row of 清远市's 表二 sending this 后补助 to ``recipient``."""
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "填报单位：清远市市场监督管理局"
    head = [
        "序号",
        "主要工作内容",
        "后补助名称",
        "后补助经费",
        "后补助依据",
        "后补助承接单位",
        "项目绩效",
    ]
    for c, v in enumerate(head, 1):
        ws.cell(3, c, v)
    for c, v in enumerate([1, "专利资助", SUBSIDY, 30, "《资助办法》", recipient, "资助20件"], 1):
        ws.cell(4, c, v)
    out = io.BytesIO()
    book.save(out)
    [checked] = validate_bytes(out.getvalue(), "表二.xlsx", load_round(), parse=read_workbook)
    return str(checked.table.project_rows[0].key)


def test_a_stored_allocation_survives_the_new_table2_key(at_0003):
    storage_db.upgrade(at_0003, "0004")
    assert storage_db.current_revision(at_0003) == "0004"
    rows, allocations = _keys(at_0003)
    assert rows == [f"{OLD}|{CENTRE}", f"{OLD}|{PARK}"]
    # the amount moved to the first row's project, under the key the reader gives that row now
    assert allocations == {_reader_key(CENTRE): Decimal("12.5")}
    assert _reader_key(CENTRE) == f"{OLD}|{CENTRE}"


def test_the_migration_runs_back(at_0003):
    storage_db.upgrade(at_0003, "0004")
    storage_db.downgrade(at_0003, "0003")
    assert _keys(at_0003) == ([OLD, OLD], {OLD: Decimal("12.5")})

"""回执编号: one per unit × table (× 预算表 project) × version, in the documented form
``GD2024-清远市-表四-V3``, the same every time it is shown, on the receipt page and workbook; and
audit entries stored before issue 20 read in words."""

from __future__ import annotations

import io
import re

import pytest
from builders import make_budget
from openpyxl import load_workbook
from test_storage_support import BACKENDS, new_database
from webclient import Site, make_app, table4

from budget_planner.storage.audit_words import readable
from budget_planner.storage.receipt import receipt_number


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


def unit_id(app, unit: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        return repository.find_unit(db.session(), "guangdong-2024", unit, scope=None).id


def versions(app, unit: int) -> dict[str, int]:
    """回执编号 → version id, from the stored threads (预算表 by their 项目名称's upload order)."""
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        threads = repository.submissions(db.session(), "guangdong-2024", scope=None, unit_id=unit)
        places = {"专利导航项目": 1, "商标品牌培育": 2}
        return {
            receipt_number("GD2024", "清远市", t.table_id, v.number, places.get(t.slot, 0)): v.id
            for t in threads
            for v in t.versions
        }


def receipt_rows(data: bytes) -> dict[str, tuple]:
    ws = load_workbook(io.BytesIO(data))["报送回执"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0]]
    header = next(i for i, r in enumerate(rows) if r[0] == "表")
    assert rows[header][-1] == "回执编号"
    return {r[-1]: r for r in rows[header + 1 :] if r[-1]}


def test_the_form_is_round_unit_table_version():
    assert receipt_number("GD2024", "清远市", "表四", 3) == "GD2024-清远市-表四-V3"
    assert receipt_number("QY2024", "清城区", "预算表", 1, 2) == "QY2024-清城区-预算表2-V1"


def test_every_version_has_its_own_number_on_the_page_and_the_workbook(app):
    site = Site(app)
    unit = site["qingyuan"]
    unit.upload([(table4(first=50), "清远市-表四.xlsx")])
    unit.upload([(table4(first=40), "清远市-表四（二）.xlsx")])
    for name in ("专利导航项目", "商标品牌培育"):
        budget = make_budget({"project_name": name, "table_ref": "表四"})
        unit.upload([(budget, f"清远市-预算表-{name}.xlsx")])
    qingyuan = unit_id(app, "清远市")

    page = unit.get(f"/units/{qingyuan}").get_data(as_text=True)
    shown = re.findall(r'<td class="mono nowrap">([^<]+)</td>', page)
    assert shown == [
        "GD2024-清远市-表四-V2",
        "GD2024-清远市-预算表1-V1",
        "GD2024-清远市-预算表2-V1",
    ]
    for number, version_id in versions(app, qingyuan).items():  # the review page says it too
        assert f'<dd class="mono">{number}</dd>' in unit.get(f"/versions/{version_id}").text

    first = receipt_rows(unit.get(f"/units/{qingyuan}/receipt.xlsx").data)
    assert sorted(first) == [
        "GD2024-清远市-表四-V1",
        "GD2024-清远市-表四-V2",
        "GD2024-清远市-预算表1-V1",
        "GD2024-清远市-预算表2-V1",
    ]
    assert first["GD2024-清远市-表四-V1"][5] == "清远市-表四.xlsx"  # the file's own name
    assert first["GD2024-清远市-预算表2-V1"][1] == "商标品牌培育"
    # stable: a later upload adds a number and changes none of the others
    unit.upload([(table4(first=45), "清远市-表四（三）.xlsx")])
    again = receipt_rows(site["admin"].get(f"/units/{qingyuan}/receipt.xlsx").data)
    assert set(again) == set(first) | {"GD2024-清远市-表四-V3"}
    assert {k: v[5] for k, v in again.items() if k in first} == {k: v[5] for k, v in first.items()}


def test_audit_entries_read_in_words():
    assert (
        readable("广州市|表四|知识产权高质量创造|专利导航项目：无 → 50 万元")
        == "广州市表四“专利导航项目”（知识产权高质量创造）：无 → 50 万元"
    )
    assert readable("说明.xlsx：file.empty、amount.negative") == "说明.xlsx：文件为空、金额为负数"
    assert readable("清远市-表四.xlsx 第 2 版") == "清远市-表四.xlsx 第 2 版"  # nothing to change

"""The control-number file (控制数): xlsx or CSV, checked like any input (DESIGN §5)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from budget_planner.aggregate.control import read_control
from budget_planner.errors import UnreadableFile


@pytest.fixture(scope="module", autouse=True)
def _stop_parse_workers():
    """Leave no default parse pool behind for the tests that follow."""
    yield
    from budget_planner.validators.intake.worker import shutdown

    shutdown()


def xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_xlsx_with_title_rows_full_names_and_aliases(province_round):
    data = xlsx([
        ["2024年度知识产权专项资金下放地市控制数"],
        [None, None, "单位：万元"],
        ["序号", "单位", "下放资金控制数（万元）"],
        [1, "广州市市场监督管理局（知识产权局）", 300],
        [2, "深圳", "1,200"],
        [3, "清远市", 85.3],
        [4, "韶关市", 0.1 + 0.2],
        [None, "合计", 1585.6],
        ["注：控制数以省局正式文件为准。"],
    ])  # fmt: skip
    control = read_control(data, "控制数.xlsx", province_round)
    assert control.amounts == {
        "广州市": Decimal("300"),
        "深圳市": Decimal("1200"),
        "清远市": Decimal("85.3"),
        "韶关市": Decimal("0.3"),
    }
    assert control.cells["深圳市"] == "C5"
    assert control.stated_total == Decimal("1585.6")
    assert control.total == Decimal("1585.6")
    flat = control.report.flatten("code", "cell")
    assert ("amount.normalised", "C5") in flat
    assert ("total.mismatch", "C8") not in flat
    assert control.ok  # warnings only
    [missing] = [i for i in control.report.issues if i.code == "control.unit_missing"]
    assert missing.message.startswith("控制数文件未列出以下地市（视为控制数未知）：珠海市、汕头市")


def test_total_row_that_disagrees_is_an_error_at_its_cell(province_round):
    data = xlsx([["单位", "控制数"], ["清远市", 100], ["韶关市", 50.5], ["合 计", 160]])
    control = read_control(data, "控制数.xlsx", province_round)
    [issue] = [i for i in control.report.issues if i.code == "total.mismatch"]
    assert (issue.sheet, issue.cell, issue.row) == ("Sheet1", "B4", 4)
    assert issue.message == "合计 160 与各单位控制数之和 150.5 不符"
    assert not control.ok


def test_unknown_units_duplicates_and_bad_amounts_are_reported_with_cells(province_round):
    data = xlsx([
        ["单位", "控制数"],
        ["清远市", 100],
        ["火星市", 20],
        ["清远市市场监督管理局（知识产权局）", 90],
        ["韶关市", "约50万"],
        ["河源市", -5],
        [None, 12],
        ["梅州市", None],
    ])  # fmt: skip
    control = read_control(data, "控制数.xlsx", province_round)
    assert control.amounts == {"清远市": Decimal("100")}
    assert [(c, cell) for c, cell in control.report.flatten("code", "cell") if cell] == [
        ("control.unit_unknown", "A3"),
        ("control.duplicate", "A4"),
        ("amount.not_number", "B5"),
        ("amount.negative", "B6"),
        ("required.missing", "A7"),
        ("required.missing", "B8"),
    ]
    by_code = {i.code: i for i in control.report.issues}
    assert by_code["control.unit_unknown"].message == (
        "单位“火星市”不是本轮次的地市（可填简称、全称或别名）"
    )
    assert by_code["control.duplicate"].message == (
        "清远市重复列出：已在 B2 填写控制数 100，本行未计入"
    )


CSV_TEXT = "2024年控制数\n单位,控制数（万元）\n清远市,85.3\n韶关市,60\n合计,145.3\n"


@pytest.mark.parametrize(
    "data",
    [
        CSV_TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030"],
)
def test_csv_in_each_encoding(province_round, data):
    control = read_control(data, "控制数.csv", province_round)
    assert control.amounts == {"韶关市": Decimal("60"), "清远市": Decimal("85.3")}
    assert control.stated_total == Decimal("145.3")
    assert control.cells == {"清远市": "B3", "韶关市": "B4", "合计": "B5"}
    # in a CSV every cell is text: a plain number there is no normalisation
    assert [i.code for i in control.report.issues] == ["control.unit_missing"]


def test_without_the_columns_it_says_which_are_needed(province_round):
    control = read_control(xlsx([["地区", "金额"], ["清远市", 1]]), "控制数.xlsx", province_round)
    assert control.amounts == {}
    [issue] = control.report.issues
    assert issue.code == "header.missing"
    assert "“单位”、“控制数”" in issue.message and "下放资金控制数" in issue.message


def test_a_file_that_is_not_a_spreadsheet_cannot_be_read(province_round):
    with pytest.raises(UnreadableFile) as caught:
        read_control(b"<html>not excel</html>", "控制数.xlsx", province_round)
    assert caught.value.code.startswith("file.")
    with pytest.raises(UnreadableFile):
        read_control(b"", "控制数.csv", province_round)

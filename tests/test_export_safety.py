"""Every workbook the service writes keeps user text as text: each payload (a formula, a link, DDE,
a quote-less ``+1``, a tab or line break first, control characters, a direction override, 32,767
characters) comes back as one whole text cell — opened with zipfile and openpyxl, Excel's own
``_xHHHH_`` escapes decoded — no formula or link comes from user text, and text longer than a cell
holds is an error, never silently cut.

Every export: the annotated workbook (validators.annotate), the consolidated workbook
(export.consolidated), the account list (export.accounts), the allocation plan
(export.allocation_plan), a unit's receipt (export.receipt) and the audit log (export.audit_log).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import hostile_files as hf
import pytest
from aggregate_helpers import table_file
from hostile_payloads import LONG_OK, LONG_TOO, PAYLOAD_CELLS, PAYLOADS, payload_submission
from openpyxl import load_workbook
from workbook_safety import assert_kept_as_text, decode, inspect

from budget_planner.aggregate.allocation import Plan, PlanLine, UnitPlan
from budget_planner.aggregate.consolidate import consolidate
from budget_planner.aggregate.versions import choose_versions
from budget_planner.export.accounts import write_accounts
from budget_planner.export.allocation_plan import write_allocation_plan
from budget_planner.export.audit_log import write_audit_log
from budget_planner.export.consolidated import write_consolidated
from budget_planner.export.receipt import write_receipt
from budget_planner.export.xlsx_safe import MAX_CELL_TEXT, CellTextTooLong
from budget_planner.text import canonical
from budget_planner.validators.check.pipeline import validate_bytes
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.report.annotate import annotate
from budget_planner.validators.report.issues import Issue

# the service's own formulas (totals, differences, shares): cell references and arithmetic only
OWN_FUNCTIONS = "SUM|SUBTOTAL|SUMIF|SUMIFS|COUNTIF|COUNTIFS|IF|IFERROR|ROUND|ABS"
OWN_FORMULA = re.compile(
    rf"(?:(?:{OWN_FUNCTIONS})\(|\$?[A-Z]{{1,3}}\$?\d+|[\d$:+\-*/(),.<>=\s]|\"[^\"]*\")*"
)


# ---------------------------------------------------------------- the account list


@dataclass
class Account:
    unit: str
    full_name: str
    username: str
    password: str


def test_account_list_keeps_every_payload_as_text(tmp_path):
    texts = [*PAYLOADS, LONG_OK]
    accounts = [Account(t, t, t, t) for t in texts]
    path = write_accounts(tmp_path / "账号.xlsx", accounts, title='=HYPERLINK("http://x","账号")')
    data = path.read_bytes()
    assert_kept_as_text(data, [*texts, '=HYPERLINK("http://x","账号")'])
    assert inspect(data).formulas == []
    ws = load_workbook(path).active
    quoted = [c.coordinate for row in ws.iter_rows(min_row=5) for c in row if c.quotePrefix]
    assert len(quoted) == 4 * sum(t.startswith(("=", "+", "-", "@", "\t", "\n")) for t in texts)


def test_account_list_refuses_text_longer_than_a_cell(tmp_path):
    with pytest.raises(CellTextTooLong) as caught:
        write_accounts(tmp_path / "账号.xlsx", [Account("清远市", LONG_TOO, "qy", "pw")])
    assert f"文字长度 {len(LONG_TOO)} 字超过 Excel 单元格上限 {MAX_CELL_TEXT} 字" in str(
        caught.value
    )


# ---------------------------------------------------------------- the consolidated workbook


def consolidated_with(province_round, tmp_path, texts: list[str]) -> bytes:
    rows = [
        {"category": "知识产权管理", "project": t, "amount": "1", "work_content": t, "remarks": t}
        for t in texts
    ]
    issue = Issue("amount.not_number", f"金额“{texts[0]}”不是数字", sheet="Sheet1", cell="E5",
                  value=texts[0])  # fmt: skip
    files = [table_file("表四", "清远市", rows, file=f"{texts[1][:40]}.xlsx", issues=[issue])]
    choice = choose_versions(files)
    cons = consolidate(province_round, choice.counted, None)
    path = write_consolidated(tmp_path / "汇总.xlsx", cons, superseded=choice.superseded)
    return path.read_bytes()


def test_consolidated_workbook_keeps_every_payload_as_text(province_round, tmp_path):
    texts = [*PAYLOADS, LONG_OK]
    data = consolidated_with(province_round, tmp_path, texts)
    # what the export received: the reader's canonical text (a leading tab or line break is space)
    written = assert_kept_as_text(
        data, sorted({canonical(t) for t in texts}), own_formula=OWN_FORMULA
    )
    for formula in written.formulas:
        assert not re.search(r"HYPERLINK|DDE|cmd|calc|http|@|\|", formula, re.I), formula
    assert f"金额“{canonical(texts[0])}”不是数字" in written.texts  # the problem list's message


def test_consolidated_workbook_refuses_text_longer_than_a_cell(province_round, tmp_path):
    with pytest.raises(CellTextTooLong) as caught:
        consolidated_with(province_round, tmp_path, ["正常", "正常", LONG_TOO])
    assert str(len(LONG_TOO)) in str(caught.value) and "请删减该处文字" in str(caught.value)
    assert not (tmp_path / "汇总.xlsx").exists() or not _complete(tmp_path / "汇总.xlsx")


def _complete(path) -> bool:
    try:
        load_workbook(path)
    except Exception:
        return False
    return True


# ---------------------------------------------------------------- the annotated workbook


def test_annotated_workbook_keeps_every_payload_as_text():
    sub = payload_submission()
    for data in (hf.layout_xlsx(sub.layout, shared=True), hf.layout_xlsx(sub.layout)):
        checked = validate_bytes(data, "清远市-表四.xlsx", _round(), parse=read_workbook)
        marked = annotate(data, "清远市-表四.xlsx", checked)
        assert_kept_as_text(marked, list(PAYLOAD_CELLS.values()))  # the user's cells, as typed
        assert inspect(marked).formulas == []
        problems = load_workbook(io.BytesIO(marked))["问题清单"]
        values = [decode(c.value) for c in problems["G"][1:] if c.value]
        assert values == ["+1", "=1+1", "-1+1"]  # 单元格内容 as typed, whole, as text


def test_annotated_word_table_keeps_payloads_controls_and_long_text():
    texts = ["=1+1", "@SUM(A1)", "-1+1 说明", "报告\u202egpj.exe", "_x0041_", LONG_OK]
    sub = hf.submission(**{"0.work_content": texts[0], "0.remarks": texts[1],
                           "1.work_content": texts[2], "1.remarks": texts[3],
                           "1.project": texts[4], "1.necessity": texts[5]})  # fmt: skip
    data = sub.docx()  # a Word table comes back as the grid the reader saw, written by us
    checked = validate_bytes(data, "清远市-表四.docx", _round(), parse=read_workbook)
    marked = annotate(data, "清远市-表四.docx", checked)
    assert_kept_as_text(marked, texts)


def test_annotated_copy_of_a_text_too_long_for_a_cell_says_so():
    sub = hf.submission(**{"0.work_content": LONG_TOO})
    data = sub.docx()  # Word holds it; an Excel cell cannot
    checked = validate_bytes(data, "清远市-表四.docx", _round(), parse=read_workbook)
    assert ("text.too_long", "C2") in [(i.code, i.cell) for c in checked for i in c.report.issues]
    marked = annotate(data, "清远市-表四.docx", checked)
    shown = [t for t in inspect(marked).texts if t.startswith("超超超")]
    assert (
        len(shown) == 2
    )  # the cell itself and the problem list's 单元格内容 (the report's excerpt)
    for text in shown:
        assert len(text) <= MAX_CELL_TEXT
    assert shown[0].endswith(
        f"（全文共 {len(LONG_TOO)} 字，超出 Excel 单元格上限 32767 字，此处只显示开头）"
    )
    ws = load_workbook(io.BytesIO(marked))["表格1"]
    assert ws["C2"].fill.fgColor.rgb.endswith("FFC7CE")  # marked as an error


def _round():
    from budget_planner.templates.round import load_round

    return load_round()


def test_amounts_stay_numbers_and_totals_stay_formulas(province_round, tmp_path):
    data = consolidated_with(province_round, tmp_path, ["甲", "乙", "丙"])
    written = inspect(data)
    assert any(f.startswith("SUM(") for f in written.formulas)  # the service's own totals
    book = load_workbook(io.BytesIO(data), data_only=False)
    amounts = [c.value for row in book["表四"].iter_rows() for c in row if c.data_type == "n"]
    assert amounts.count(1) >= 3  # the three amounts are numbers, not text
    assert Decimal(sum(a for a in amounts if a == 1)) == Decimal(3)


# ---------------------------------------------------------------- allocation plan, receipt, audit log

NOW = dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC)


def _plan(texts: list[str]) -> Plan:
    lines = [
        PlanLine(
            "清远市",
            "表四",
            "知识产权管理",
            t,
            f"清远市|表四|知识产权管理|{i}",
            Decimal("1"),
            Decimal("0.5"),
            reason=t,  # finance's 核减理由 is user text too
        )
        for i, t in enumerate(texts)
    ]
    return Plan(title=texts[0][:60], units=[UnitPlan("清远市", Decimal("100"), lines)])


def test_allocation_plan_keeps_every_payload_as_text():
    texts = [*PAYLOADS, LONG_OK]
    buffer = io.BytesIO()
    write_allocation_plan(buffer, _plan(texts), made_at=NOW)
    written = assert_kept_as_text(buffer.getvalue(), texts, own_formula=OWN_FORMULA)
    assert written.formulas  # its own subtotals, cell references only
    with pytest.raises(CellTextTooLong):
        write_allocation_plan(io.BytesIO(), _plan(["甲", LONG_TOO]), made_at=NOW)


@dataclass
class ReceiptLine:
    table: str
    project: str
    file: str
    comment: str
    uploaded_by: str
    version: int = 1
    versions: int = 1
    uploaded_at: dt.datetime = NOW
    on_behalf: bool = False
    state: str = "已提交"
    submitted_at: dt.datetime | None = NOW
    rows: int = 2
    total: Decimal | None = Decimal("80")
    counted: bool = True
    number: str = "GD2024-清远市-表四-V1"


@dataclass
class Receipt:
    lines: list[ReceiptLine]
    contact: str = "=1+1"
    phone: str = "+86 763 1234"
    round_title: str = "2024年度知识产权项目需求征集"
    deadline: dt.date = dt.date(2024, 3, 31)
    unit: str = "清远市"
    full_name: str = "清远市市场监督管理局（知识产权局）"
    required: tuple[str, ...] = ("表四",)
    missing: list[str] = dataclasses.field(default_factory=list)
    requested: Decimal = Decimal("80")
    control: Decimal | None = Decimal("100")
    made_at: dt.datetime = NOW
    published_at: dt.datetime | None = NOW
    allocations: list[Published] = dataclasses.field(default_factory=list)

    @property
    def approved(self) -> Decimal:
        return sum((a.amount for a in self.allocations), Decimal(0))


@dataclass
class Published:
    project: str
    reason: str
    table_id: str = "表四"
    category: str = "知识产权管理"
    requested: Decimal | None = Decimal("2")
    amount: Decimal = Decimal("1")


def test_receipt_keeps_every_payload_as_text():
    texts = [*PAYLOADS, LONG_OK]
    lines = [ReceiptLine("表四", t, f"{t[:50]}.xlsx", t, t[:40]) for t in texts]
    buffer = io.BytesIO()
    write_receipt(buffer, Receipt(lines, allocations=[Published(t, t) for t in texts]))
    files = [f"{t[:50]}.xlsx" for t in texts]
    assert_kept_as_text(buffer.getvalue(), [*texts, *files, "=1+1 +86 763 1234"])
    with pytest.raises(CellTextTooLong):
        write_receipt(io.BytesIO(), Receipt([ReceiptLine("表四", "甲", "甲.xlsx", LONG_TOO, "qy")]))


@dataclass
class AuditLine:
    detail: str
    username: str
    at: dt.datetime = NOW
    action: str = "upload"
    unit: str = "清远市"
    version: str = "表四 第 1 版"


def test_audit_log_keeps_every_payload_as_text():
    texts = [*PAYLOADS, LONG_OK]
    buffer = io.BytesIO()
    write_audit_log(buffer, [AuditLine(t, t[:60]) for t in texts], title="=1+1", made_at=NOW)
    assert_kept_as_text(buffer.getvalue(), [*texts, *(t[:60] for t in texts)])
    with pytest.raises(CellTextTooLong):
        write_audit_log(io.BytesIO(), [AuditLine(LONG_TOO, "qy")], title="日志", made_at=NOW)

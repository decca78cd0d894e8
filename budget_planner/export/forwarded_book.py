"""The workbook 生成上报版本 makes (docs/forwarding.md): a city's return to the province built from
its own rows and its counties' approved rows, laid out so that the reader takes it like any upload.

One sheet per collection table (title, subtitle, 填报单位 line, the spec's header with 来源单位, one
row per project, a 合计 formula with its exact cached value), then one sheet per 预算表 (the form's
fields as label and value, sources and expense lines with their 合计). The caller gives plain values
(text, Decimal); the answer says where each row landed, so its lineage can be kept.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name

from budget_planner.export.book_styles import book_styles, write_money, write_total
from budget_planner.export.xlsx_safe import new_workbook, write_text
from budget_planner.templates.spec import ColumnKind, budget_spec, load_specs
from budget_planner.templates.table_writer import TOTAL_LABEL

Values = Mapping[str, object]  # column (or form field) key → text or Decimal
HEADER_ROW = 3  # 0-based: title, subtitle, 填报单位, then the header
BUDGET_SHEET = "预算表{n}"
_EPOCH = dt.datetime(2000, 1, 1)  # a document time when none is given


@dataclass
class ForwardedBook:
    """The workbook's bytes and where each given row went: (table, index) → (sheet, Excel row);
    the n-th 预算表 → its sheet."""

    data: bytes
    rows: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    budgets: dict[int, str] = field(default_factory=dict)


def _amount(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def write_forwarded_book(
    year: int,
    unit_full_name: str,
    tables: Mapping[str, Sequence[Values]],
    budgets: Sequence[Values] = (),
    as_of: dt.datetime | None = None,
) -> ForwardedBook:
    """The return as one workbook: ``tables`` by table id (in the spec's order), ``budgets`` the
    预算表 forms. Deterministic: the same rows give the same bytes, the document's time being
    ``as_of`` (when its inputs last changed), not the time of writing."""
    buffer = io.BytesIO()
    wb = new_workbook(buffer)
    when = as_of.astimezone(dt.UTC).replace(tzinfo=None) if as_of is not None else _EPOCH
    wb.set_properties({"created": when})
    styles = book_styles(wb)
    book = ForwardedBook(b"")
    specs = load_specs()
    for table_id in specs.tables:
        if table_id not in tables:
            continue
        spec = specs.table(table_id)
        ws = wb.add_worksheet(table_id)
        columns = spec.columns
        last = len(columns) - 1
        for c, col in enumerate(columns):
            ws.set_column(c, c, min(col.width, 30))
        write_text(ws, 0, 0, spec.title(year), styles, "title")
        write_text(ws, 1, 0, spec.subtitle, styles, "subtitle")
        write_text(ws, 2, 0, f"填报单位：{unit_full_name}", styles, "value")
        write_text(ws, 2, last, budget_spec().unit_label, styles, "value")
        for c, col in enumerate(columns):
            write_text(ws, HEADER_ROW, c, col.label, styles, "header")
        row = HEADER_ROW
        total = Decimal(0)
        for index, values in enumerate(tables[table_id]):
            row += 1
            book.rows[(table_id, index)] = (table_id, row + 1)
            for c, col in enumerate(columns):
                if col.kind is ColumnKind.SERIAL:
                    ws.write_number(row, c, index + 1, styles["text_center"])
                elif col.is_amount:
                    amount = _amount(values.get(col.key))
                    write_money(ws, row, c, amount, styles["money"])
                    if col is spec.amount_column and amount is not None:
                        total += amount
                else:
                    value = values.get(col.key)
                    write_text(ws, row, c, "" if value is None else value, styles, "text")
        amount_col = columns.index(spec.amount_column)
        row += 1
        write_text(ws, row, 0, TOTAL_LABEL, styles, "total_text")
        letter = xl_col_to_name(amount_col)
        formula = f"=SUM({letter}{HEADER_ROW + 2}:{letter}{row})"
        write_total(ws, row, amount_col, formula, total, styles["total_money"])
    for n, values in enumerate(budgets, start=1):
        book.budgets[n - 1] = _budget_sheet(wb, styles, BUDGET_SHEET.format(n=n), values)
    wb.close()
    book.data = buffer.getvalue()
    return book


def _budget_sheet(wb, styles, name: str, values: Values) -> str:
    """A 项目支出预算明细表 as the issued form has it: header fields, sources, expense lines, note."""
    spec = budget_spec()
    ws = wb.add_worksheet(name)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 4, 18)
    write_text(ws, 0, 0, spec.title, styles, "title")
    write_text(ws, 1, 4, spec.unit_label, styles, "value")
    r = 2
    for col in spec.header:
        write_text(ws, r, 0, col.label, styles, "text")
        write_text(ws, r, 1, values.get(col.key) or "", styles, "text")
        r += 1
    for c, text in enumerate(
        ("项目支出预算及测算说明", "项目资金来源", "资金来源", "金额", "备注")
    ):
        write_text(ws, r, c, text, styles, "header")
    r += 1
    total_row = r
    parts = Decimal(0)
    for col in spec.sources:
        write_text(ws, r, 2, col.label, styles, "text")
        if r != total_row:
            amount = _amount(values.get(col.key))
            parts += amount or 0
            write_money(ws, r, 3, amount, styles["money"])
        r += 1
    formula = f"=SUM(D{total_row + 2}:D{r})"
    write_total(ws, total_row, 3, formula, parts, styles["total_money"])
    write_text(ws, r, 1, "省局拨款项目支出明细", styles, "text")
    write_text(ws, r, 2, "支出项目内容", styles, "header")
    write_text(ws, r, 3, "金额", styles, "header")
    r += 1
    for col in spec.expenses:
        write_text(ws, r, 2, col.label, styles, "text")
        write_money(ws, r, 3, _amount(values.get(col.key)), styles["money"])
        r += 1
    write_text(ws, r, 0, spec.note.label.rstrip(":：") + "：", styles, "text")
    write_text(ws, r, 1, values.get(spec.note.key) or "", styles, "text")
    return name

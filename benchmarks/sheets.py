"""Laying a filled table out on an xlsxwriter worksheet, row after row (``constant_memory`` mode).

The layout is the one prefecture staff send (DESIGN §3): title and subtitle merged across the table,
the 填报单位 line with 单位：万元 at its right, a header with line breaks and full-width brackets, the
rows grouped by 类型 with the 类型 merged down its group, a 小计 (``=SUM``) after each group, a 合计
(``=SUM`` of the 小计) and the 填表人 / 联系电话 footer. Formulas carry the value Excel would cache.

Every label comes from the table specs; only the words of the quirks (小计, 合计, 填表人) are here.
In ``constant_memory`` mode a row cannot be revisited: a merged range is declared on its first row
without a format (xlsxwriter then writes no blank cells below), and the top cell is written after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budget_planner.templates.spec import TableSpec, budget_spec
from budget_planner.validators.intake.grid import a1, column_letter

SUBTOTAL, TOTAL = "小计", "合计"
FOOTER = ("填表人：李敏", "联系电话：0763-3388123")


@dataclass
class Group:
    """The project rows of one 类型 (``category`` None for 表二), each a dict by column key."""

    category: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SheetInfo:
    """Where a table landed: what a hand-written baseline needs to be told (header row, labels)."""

    sheet: str
    table: str
    header_row: int  # 1-based
    labels: list[str]
    first_row: int
    last_row: int
    project_rows: int
    total: str  # the exact sum of the amounts, plain notation

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def header_label(label: str) -> str:
    """A header as filed: full-width brackets on their own line, a long label broken after 4 characters."""
    if "(" in label:
        return label.replace("(", "\n（").replace(")", "）")
    if len(label) >= 6:
        return label[:4] + "\n" + label[4:]
    return label


def _number(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        text = value.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
        text = text.replace("万元", "").replace(",", "").strip()
        try:
            return Decimal(text)
        except ArithmeticError:
            return None
    return None


def _cached(total: Decimal) -> float | int:
    return int(total) if total == total.to_integral() else float(total)


class TableWriter:
    """Writes one collection table on a fresh worksheet of ``book``."""

    def __init__(self, book, spec: TableSpec, year: int, unit_full: str | None) -> None:
        self.book, self.spec, self.year, self.unit_full = book, spec, year, unit_full
        self.wrap = book.add_format({"text_wrap": True, "valign": "vcenter"})
        self.keys = [c.key for c in spec.columns]
        self.col = {k: i for i, k in enumerate(self.keys)}  # 0-based
        self.amount_key = spec.amount_column.key

    def write(self, sheet_name: str, groups: list[Group], *, subtotals: bool = True) -> SheetInfo:
        ws = self.book.add_worksheet(sheet_name)
        width = len(self.keys)
        ws.set_column(0, 0, 6)
        ws.set_column(1, width - 1, 18)
        ws.merge_range(0, 0, 0, width - 1, "")
        ws.write_string(0, 0, self.spec.title(self.year))
        ws.merge_range(1, 0, 1, width - 1, "")
        ws.write_string(1, 0, self.spec.subtitle)
        if self.unit_full:
            ws.merge_range(2, 0, 2, 3, "")
            ws.write_string(2, 0, "填报单位：" + self.unit_full)
        ws.write_string(2, width - 1, budget_spec().unit_label)
        labels = [header_label(c.label) for c in self.spec.columns]
        for i, label in enumerate(labels):
            ws.write_string(3, i, label, self.wrap)
        r = 4  # 0-based row of the next line
        serial, subtotal_rows, grand = 0, [], Decimal(0)
        amount_col = self.col[self.amount_key]
        letter = column_letter(amount_col + 1)
        for group in groups:
            if not group.rows:
                continue
            start = r
            if group.category is not None and "category" in self.col:
                cat = self.col["category"]
                if len(group.rows) > 1:
                    ws.merge_range(r, cat, r + len(group.rows) - 1, cat, "")
                ws.write_string(r, cat, group.category, self.wrap)
            group_sum = Decimal(0)
            for row in group.rows:
                serial += 1
                if row.get(self.amount_key) is not None or row.get("project"):
                    ws.write_number(r, self.col["serial"], serial)
                for key, value in row.items():
                    if key == "category" or value is None or value == "" or key not in self.col:
                        continue
                    if isinstance(value, Decimal):
                        ws.write_number(r, self.col[key], float(value))
                    else:
                        ws.write_string(r, self.col[key], str(value))
                group_sum += _number(row.get(self.amount_key)) or Decimal(0)
                r += 1
            grand += group_sum
            if subtotals and group.category is not None:
                ws.write_string(r, self.col["serial"], SUBTOTAL)
                formula = f"=SUM({letter}{start + 1}:{letter}{r})"
                ws.write_formula(r, amount_col, formula, None, _cached(group_sum))
                subtotal_rows.append(r + 1)
                r += 1
        ws.write_string(r, self.col["serial"], TOTAL)
        if subtotal_rows:
            formula = "=SUM(" + ",".join(f"{letter}{x}" for x in subtotal_rows) + ")"
        else:
            formula = f"=SUM({letter}5:{letter}{r})"
        ws.write_formula(r, amount_col, formula, None, _cached(grand))
        last = r + 1
        r += 2
        for line in FOOTER:
            ws.write_string(r, 0, line)
            r += 1
        rows = sum(len(g.rows) for g in groups)
        return SheetInfo(sheet_name, self.spec.id, 4, labels, 5, last, rows, _plain(grand))


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def write_budget(book, sheet_name: str, values: dict[str, Any]) -> dict[str, str]:
    """A 项目支出预算明细表 as seed 000 lays it out; returns where each field's value went (A1)."""
    spec = budget_spec()
    ws = book.add_worksheet(sheet_name)
    wrap = book.add_format({"text_wrap": True, "valign": "vcenter"})
    ws.set_column(0, 0, 16)
    ws.set_column(1, 4, 18)
    ws.merge_range(0, 0, 0, 4, "")
    ws.write_string(0, 0, spec.title)
    ws.write_string(1, 4, spec.unit_label)
    cells: dict[str, str] = {}
    r = 2
    for col in spec.header:
        ws.write_string(r, 0, col.label.replace("(", "（").replace(")", "）"))
        ws.merge_range(r, 1, r, 4, "")
        ws.write_string(r, 1, str(values.get(col.key, "")))
        cells[col.key] = a1(r + 1, 2)
        r += 1
    head = r
    last = head + 1 + len(spec.sources) + len(spec.expenses)  # the last expense line (0-based)
    ws.merge_range(head, 0, last, 0, "")
    ws.write_string(head, 0, "项目支出预算及测算说明", wrap)
    ws.merge_range(head, 1, head + len(spec.sources), 1, "")
    ws.write_string(head, 1, "项目资金来源")
    ws.write_row(head, 2, ["资金来源", "金额", "备注"])
    r = head + 1
    parts = [values.get(c.key) or Decimal(0) for c in spec.sources[1:]]
    for col in spec.sources:
        ws.write_string(r, 2, col.label.replace("(", "（").replace(")", "）"))
        if col is spec.sources[0]:
            ws.write_formula(
                r, 3, f"=SUM(D{r + 2}:D{r + len(spec.sources)})", None, _cached(sum(parts))
            )
        else:
            ws.write_number(r, 3, float(values.get(col.key) or 0))
        cells[col.key] = a1(r + 1, 4)
        r += 1
    ws.merge_range(r, 1, last, 1, "")
    ws.write_string(r, 1, "省局拨款项目支出明细")
    ws.write_row(r, 2, ["支出项目内容", "金额"])
    r += 1
    for col in spec.expenses:
        ws.write_string(r, 2, col.label.replace("(", "（").replace(")", "）"))
        ws.write_number(r, 3, float(values.get(col.key) or 0))
        cells[col.key] = a1(r + 1, 4)
        r += 1
    ws.write_string(r, 0, spec.note.label + "：")
    ws.merge_range(r, 1, r, 4, "")
    ws.write_string(r, 1, str(values.get(spec.note.key, "")), wrap)
    return cells

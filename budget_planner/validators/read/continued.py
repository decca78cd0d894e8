"""A table that goes on on the next sheet (docs/reader.md): ``表四（续）``, or the same header again with
no title or 填报单位 line above it. The two are one table: one report whose ``sheet`` is the first
sheet and whose ``sheets`` lists them all; rows keep their own sheet and cell; the 合计 on the last
sheet is checked against every row (``checks.check_totals``). Said once, as ``table.continued``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from budget_planner.templates.spec import COLLECTION_TABLES, returns_spec
from budget_planner.text import compact
from budget_planner.validators.intake.grid import SheetGrid
from budget_planner.validators.read import detect, yuan
from budget_planner.validators.read.model import ParsedTable
from budget_planner.validators.read.units import UnitLine
from budget_planner.validators.report.issues import issue


@dataclass
class Placed:
    """A table as found, with the sheet it was found on and whether it was that sheet's first and
    last table (only a sheet's last table can go on, only a sheet's first can be its going-on)."""

    sheet: SheetGrid
    parsed: ParsedTable
    line: UnitLine | None = None  # the 填报单位 line found with it
    first_on_sheet: bool = True
    last_on_sheet: bool = True
    headerless: bool = False  # rows read in the columns of the table before it (``reader``)


HEADERLESS = (
    "没有表头，按前表的列读取"  # a Word table split by a page break, its header not repeated
)


def _marked(text: str) -> bool:
    flat = compact(text)
    return any(m in flat for m in returns_spec().continued_marks) or flat.endswith("续")


def _above(sheet: SheetGrid, header_row: int) -> list[str]:
    """The text above a header (a Word table's preamble too), 单位：万元 remarks left out."""
    return [
        t
        for t, _ in detect.text_above(sheet, header_row)
        if not (detect.is_unit_remark(t) or yuan.says_yuan(t))
    ]


def continues(prev: Placed, nxt: Placed) -> str | None:
    """Why ``nxt`` continues ``prev`` (a reason to tell the user), else None."""
    a, b = prev.parsed, nxt.parsed
    if not (prev.last_on_sheet and nxt.first_on_sheet) or prev.sheet is nxt.sheet:
        return None
    if a.table not in COLLECTION_TABLES or b.table != a.table:
        return None
    if not b.header_rows:
        return HEADERLESS if nxt.headerless and b.columns == a.columns else None
    above = _above(nxt.sheet, b.header_rows[0])
    if _marked(nxt.sheet.name) or any(_marked(t) for t in above):
        return "注明为续表"
    if not above and b.columns == a.columns:
        return "表头相同，且没有标题和填报单位"
    return None


def merge(placed: Sequence[Placed]) -> list[Placed]:
    """The tables of a file with each continuation folded into the table it continues."""
    out: list[Placed] = []
    for item in placed:
        if out:
            reason = continues(out[-1], item)
            if reason is not None:
                _fold(out[-1], item, reason)
                out[-1].last_on_sheet = item.last_on_sheet
                out[-1].sheet = item.sheet
                continue
        out.append(item)
    return out


def _fold(into: Placed, item: Placed, reason: str) -> None:
    a, b = into.parsed, item.parsed
    for row in b.rows:
        row.sheet = b.sheet
    a.rows.extend(b.rows)
    a.sheets.append(b.sheet)
    if b.stated_total is not None or b.stated_total_cell is not None:
        a.stated_total, a.stated_total_cell = b.stated_total, b.stated_total_cell
        a.stated_total_sheet = b.sheet
    a.issues.append(
        issue(
            "table.continued",
            sheet=b.sheet,
            row=b.header_rows[0] if b.header_rows else None,
            value=b.sheet,
            first=a.sheets[0],
            table=a.table,
            reason=reason,
            sheets=len(a.sheets),
        )
    )
    a.issues.extend(b.issues)

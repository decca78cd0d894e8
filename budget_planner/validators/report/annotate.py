"""The user's own workbook handed back with its problems marked: each problem cell filled (red for an
error, yellow for a warning) and commented in Chinese, and a 问题清单 sheet listing every problem with
a link to its cell. Formulas, merges, styles and validations of the original are kept (openpyxl).

A Word table or an .xls comes back as an .xlsx of its table(s): the grid the reader saw, with the same
cell references the report gives.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePath

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from budget_planner.validators.check.pipeline import Checked
from budget_planner.validators.intake.grid import (
    ErrorValue,
    Formula,
    SheetGrid,
    WorkbookGrid,
    parse_a1,
)
from budget_planner.validators.report.codes import Severity, code
from budget_planner.validators.report.issues import Issue, sort_issues

LIST_SHEET = "问题清单"
FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
}
AUTHOR = "budget_planner 校验"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\n", "\r")
_CELL_LIMIT = 32767
_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")  # how a cell's XML writes a character: _x000D_
_LIST_HEADER = (
    "序号",
    "严重程度",
    "问题类型",
    "工作表",
    "单元格",
    "列",
    "单元格内容",
    "问题说明",
)
_LIST_WIDTHS = (6, 10, 22, 14, 10, 16, 24, 70)  # no issue codes: a person reads this


def annotated_name(name: str) -> str:
    """清远市-表四.xlsx → 清远市-表四-标注.xlsx (a .docx or .xls becomes .xlsx too)."""
    return f"{PurePath(name).stem}-标注.xlsx"


def annotate(data: bytes, name: str, checked: Sequence[Checked]) -> bytes:
    """The file with every problem of ``checked`` (its validation result) marked, as .xlsx bytes."""
    issues = [i for c in checked for i in c.report.issues]
    wb = _open_own(data) if _is_ooxml_workbook(data) else None
    grid = next((c.grid for c in checked if c.grid is not None), None)
    if wb is None:
        wb = _from_grid(grid or _parse(data, name))
    else:
        _keep_escaped_text(wb, lambda: grid or _parse(data, name))
    _mark(wb, issues)
    _problem_list(wb, issues)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- opening
def _is_ooxml_workbook(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _open_own(data: bytes) -> Workbook | None:
    """The user's workbook with everything openpyxl keeps (formulas, not their cached values)."""
    try:
        with warnings.catch_warnings():
            # unsupported extensions (slicers, x14 validations) are dropped with a warning: expected
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), keep_vba=False, keep_links=True)
    except Exception:  # the reader read it; if openpyxl cannot, write its grid instead
        return None


def _keep_escaped_text(wb: Workbook, grid_of: Callable[[], WorkbookGrid]) -> None:
    """Text that holds a literal ``_xHHHH_`` keeps it. openpyxl reads a shared string's ``_x005F_``
    escape away but writes the text back raw, so Excel would show ``_x003D_`` as "=": such cells
    are rewritten, escaped, from the text the reader saw (rare: the grid is parsed only then)."""
    grid: WorkbookGrid | None = None
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if not (isinstance(value, str) and _ESCAPED.search(value)):
                    continue
                grid = grid or grid_of()
                sheet = next((s for s in grid.sheets if s.name == ws.title), None)
                seen = sheet.get(cell.row, cell.column) if sheet else None
                if isinstance(seen, str) and _decoded(value) != seen:
                    write_text(cell, seen)


def _decoded(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m[1][1:5], 16)), text)


def _parse(data: bytes, name: str) -> WorkbookGrid:
    from budget_planner.validators.intake.worker import parse_workbook

    return parse_workbook(data, name)


def _from_grid(grid: WorkbookGrid) -> Workbook:
    """An .xlsx of the grids the reader saw (a Word table, an .xls)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in grid.sheets:
        ws = wb.create_sheet(_sheet_title(sheet.name, wb.sheetnames))
        _write_grid(ws, sheet)
        if sheet.visibility != "visible":
            ws.sheet_state = "hidden" if sheet.visibility == "hidden" else "veryHidden"
    if not wb.sheetnames:
        wb.create_sheet("Sheet1")
    return wb


def _sheet_title(name: str, taken: Iterable[str]) -> str:
    title = re.sub(r"[\\/*?:\[\]]", "_", name)[:31] or "Sheet"
    return title if title not in taken else f"{title[:28]}_{len(list(taken))}"


def _write_grid(ws: Worksheet, sheet: SheetGrid) -> None:
    for r, line in enumerate(sheet.values, 1):
        for c, value in enumerate(line, 1):
            if value is None:
                continue
            if isinstance(value, Formula):
                ws.cell(r, c).value = "=" + value.text
            elif isinstance(value, ErrorValue):
                write_text(ws.cell(r, c), str(value))
            elif isinstance(value, str):
                write_text(ws.cell(r, c), value)
            else:
                ws.cell(r, c).value = value
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="center")
    for r0, c0, r1, c1 in sheet.merged:
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
    for c in range(1, sheet.width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 16


def write_text(cell, text: str) -> None:
    """User text as text, whole: never a formula (a leading = + - @, tab or line break keeps a quote
    prefix); a literal ``_xHHHH_`` and control characters written escaped, as Excel writes them, so
    Excel shows exactly the text. Text longer than a cell holds is cut with a visible note saying so
    (the file's own cell is marked with its text.too_long error), never silently."""
    if len(text) > _CELL_LIMIT:
        note = (
            f"……（全文共 {len(text)} 字，超出 Excel 单元格上限 {_CELL_LIMIT} 字，此处只显示开头）"
        )
        text = text[: _CELL_LIMIT - len(note)] + note
    raw = _ESCAPED.sub(r"_x005F_\1", text)
    raw = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", raw)
    cell.value = raw
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


# ---------------------------------------------------------------- marking cells
def _anchor(ws: Worksheet, ref: str) -> str:
    """The top-left cell of the merged range holding ``ref`` (a comment lives there)."""
    where = parse_a1(ref)
    if where is None:
        return ref
    row, col = where
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return f"{get_column_letter(rng.min_col)}{rng.min_row}"
    return ref


def _mark(wb: Workbook, issues: list[Issue]) -> None:
    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in sort_issues(issues):
        sheet, ref = issue.sheet, issue.cell
        if sheet is not None and ref is not None and sheet in wb.sheetnames and parse_a1(ref):
            by_cell[(sheet, _anchor(wb[sheet], ref))].append(issue)
    for (sheet, ref), found in by_cell.items():
        cell = wb[sheet][ref]
        worst = Severity.ERROR if any(i.is_error for i in found) else Severity.WARNING
        cell.fill = FILLS[worst]
        text = "\n".join(f"【{i.severity.label}】{i.message}" for i in found)  # type: ignore[union-attr]
        if cell.comment is not None and cell.comment.text:
            text = f"{cell.comment.text}\n{text}"
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, min(60 + 40 * len(found), 400)
        cell.comment = comment


def _problem_list(wb: Workbook, issues: list[Issue]) -> None:
    if LIST_SHEET in wb.sheetnames:  # a file annotated before: list this time's problems only
        wb.remove(wb[LIST_SHEET])
    ws = wb.create_sheet(LIST_SHEET)
    for c, (title, width) in enumerate(zip(_LIST_HEADER, _LIST_WIDTHS, strict=True), 1):
        ws.cell(1, c).value = title
        ws.cell(1, c).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ordered = sort_issues(issues)
    if not ordered:
        ws.cell(2, 1).value = "未发现问题。"
    for n, issue in enumerate(ordered, 1):
        r = n + 1
        severity = issue.severity or code(issue.code).severity
        ws.cell(r, 1).value = n
        ws.cell(r, 2).value = severity.label
        ws.cell(r, 2).fill = FILLS[severity]
        ws.cell(r, 3).value = code(issue.code).title
        write_text(ws.cell(r, 4), issue.sheet or "")
        ref = ws.cell(r, 5)
        ref.value = issue.cell or ""
        if issue.sheet in wb.sheetnames and parse_a1(issue.cell):
            quoted = issue.sheet.replace("'", "''")  # type: ignore[union-attr]
            ref.hyperlink = Hyperlink(ref=ref.coordinate, location=f"'{quoted}'!{issue.cell}")
            ref.font = Font(color="0563C1", underline="single")
        write_text(ws.cell(r, 6), issue.column or "")
        write_text(ws.cell(r, 7), issue.value or "")
        write_text(ws.cell(r, 8), issue.message)
        ws.cell(r, 8).alignment = Alignment(wrap_text=True, vertical="top")
    ws.auto_filter.ref = f"A1:H{max(2, len(ordered) + 1)}"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    wb.active = ws

"""Extraction of .docx: every table becomes a SheetGrid 表格1, 表格2 … with A1 = its first row.

Merged cells (horizontal ``gridSpan``, vertical ``vMerge``) keep their text in the top-left cell and are
recorded in ``merged``; a cell's paragraphs are joined with "\\n". The non-empty paragraphs right above
a table (title, 填报单位, 单位：万元) go to ``SheetGrid.preamble``. A table nested in a cell (WPS
exports a 申报书's §三 inside a frame table's cell) is a table of its own, numbered right after the
table holding it; the cell's paragraphs above it are its preamble (else the frame table's). The body's paragraphs outside
tables (a 申报书's cover page) are kept in ``WorkbookGrid.paragraphs``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.extract.parts import main_part
from budget_planner.validators.intake.extract.props import core_modified
from budget_planner.validators.intake.gate import DEFAULT_LIMITS, Limits
from budget_planner.validators.intake.grid import CellValue, SheetGrid, WorkbookGrid
from budget_planner.validators.report.issues import unreadable

PREAMBLE_LINES = 6
MAX_NESTING = 3  # tables in tables in tables: deeper ones are layout, not data
_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT = (qn(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:sdt"))
_W_VAL = qn("w:val")


def _unwrap(parent, tags: tuple[str, ...]) -> Iterator:
    """Children with the given tags, looking through content controls (w:sdt) and custom XML."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _unwrap(content, tags)
        elif child.tag == qn("w:customXml"):
            yield from _unwrap(child, tags)


# inside a paragraph: what holds runs to read (tracked insertions, content controls such as a 类型
# dropdown, simple fields such as {=SUM(ABOVE)}, hyperlinks …) and what is not its text (tracked
# deletions, text boxes and pictures, which hold paragraphs of their own)
_SKIPPED = frozenset(qn(t) for t in ("w:del", "w:moveFrom", "w:txbxContent", "w:pict", "w:drawing"))
_W_R = qn("w:r")


def _paragraph_text(p) -> str:
    """The paragraph's text as Word shows it with changes accepted: every run, in document order,
    inside insertions, content controls, fields and hyperlinks too; deleted text left out. (python-
    docx's ``Paragraph.text`` reads the paragraph's own runs and hyperlinks only.)"""
    parts: list[str] = []

    def walk(parent) -> None:
        for child in parent:
            if child.tag == _W_R:
                parts.append(child.text)
            elif child.tag not in _SKIPPED:
                walk(child)

    walk(p)
    return "".join(parts)


def _cell_text(tc) -> str:
    """The cell's paragraphs joined with "\\n", without empty paragraphs at either end (merge leftovers)."""
    lines = [_paragraph_text(p) for p in _unwrap(tc, (_W_P,))]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _int_prop(parent, path: str, default: int) -> int:
    el = parent.find(path)
    if el is None:
        return default
    try:
        return max(int(el.get(_W_VAL, default)), 0)
    except ValueError:
        return default


@dataclass
class _Open:
    """A vertical merge being followed down: its first row and columns, and its last row so far."""

    row: int
    col: int
    span: int
    last: int


def read_table(tbl, name: str, limits: Limits = DEFAULT_LIMITS) -> SheetGrid:
    values: list[list[CellValue]] = []
    merged: list[tuple[int, int, int, int]] = []
    open_merges: dict[int, _Open] = {}

    def close(m: _Open) -> None:
        if m.last > m.row or m.span > 1:
            merged.append((m.row, m.col, m.last, m.col + m.span - 1))

    for r, tr in enumerate(_unwrap(tbl, (_W_TR,)), start=1):
        if r > limits.max_rows:
            raise _too_large(name, r, limits)
        line: list[CellValue] = []
        col = 1 + _int_prop(tr, f"{qn('w:trPr')}/{qn('w:gridBefore')}", 0)
        if col - 1 > limits.max_cols:
            raise _too_large(name, r, limits, col - 1)
        continued: set[int] = set()
        for tc in _unwrap(tr, (_W_TC,)):
            span = max(_int_prop(tc, f"{qn('w:tcPr')}/{qn('w:gridSpan')}", 1), 1)
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            state = None if vmerge is None else (vmerge.get(_W_VAL) or "continue")
            above = open_merges.get(col)
            if state == "continue" and above is not None:
                above.last = r
                continued.add(col)
            else:
                if above is not None:
                    close(open_merges.pop(col))
                text = _cell_text(tc)
                while len(line) < col - 1:
                    line.append(None)
                line.append(text or None)
                if state == "restart":
                    open_merges[col] = _Open(r, col, span, r)
                    continued.add(col)
                elif span > 1:
                    merged.append((r, col, r, col + span - 1))
            col += span
            if col - 1 > limits.max_cols:
                raise _too_large(name, r, limits, col - 1)
        for start in [c for c in open_merges if c not in continued]:
            close(open_merges.pop(start))
        values.append(line)
    for m in open_merges.values():
        close(m)
    while values and all(v is None for v in values[-1]):
        values.pop()
    for line in values:
        while line and line[-1] is None:
            line.pop()
    merged.sort()
    return SheetGrid(name=name, values=values, merged=merged)


def _too_large(name: str, rows: int, limits: Limits, cols: int = 0) -> UnreadableFile:
    return unreadable(
        "file.range_too_large",
        "word_cells" if cols else "word_rows",
        table=name,
        rows=rows,
        cols=cols,
        max_rows=limits.max_rows,
        max_cols=limits.max_cols,
    )


def _nested(tbl) -> Iterator[tuple[object, list[str]]]:
    """The tables nested in a table's cells, in reading order, each with the cell's non-empty
    paragraphs above it."""
    for tr in _unwrap(tbl, (_W_TR,)):
        for tc in _unwrap(tr, (_W_TC,)):
            above: list[str] = []
            for el in _unwrap(tc, (_W_P, _W_TBL)):
                if el.tag == _W_P:
                    text = _paragraph_text(el).strip()
                    if text:
                        above.append(text)
                else:
                    yield el, above
                    above = []


def read_docx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> WorkbookGrid:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        modified = core_modified(zf)
        document = parse_xml(zf.read(main_part(zf)))
    body = document.find(qn("w:body"))
    sheets: list[SheetGrid] = []
    paragraphs: list[str] = []
    above: list[str] = []

    def add(tbl, preamble: list[str], depth: int = 0) -> None:
        sheet = read_table(tbl, f"表格{len(sheets) + 1}", limits)
        sheet.preamble = preamble[-PREAMBLE_LINES:]
        sheets.append(sheet)
        if depth < MAX_NESTING:
            for inner, inner_above in _nested(tbl):  # a frame's own text, else what is above it
                add(inner, inner_above or preamble, depth + 1)

    for el in _unwrap(body if body is not None else document, (_W_P, _W_TBL)):
        if el.tag == _W_P:
            text = _paragraph_text(el).strip()
            if text:
                above.append(text)
                paragraphs.append(text)
        else:
            add(el, above)
            above = []
    return WorkbookGrid(kind="docx", sheets=sheets, modified=modified, paragraphs=paragraphs)

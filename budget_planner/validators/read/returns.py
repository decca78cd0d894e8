"""What a return holds besides project rows (docs/reader.md): a nil return
(本单位无需求), amounts filed in 元, rows the sheet hides. Each is read as the user meant it and said
once, as a warning: the table is never blocked for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from budget_planner.money import plain
from budget_planner.templates.spec import COLLECTION_TABLES, ColumnKind, TableSpec, returns_spec
from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import CellValue, SheetGrid, a1
from budget_planner.validators.read import yuan
from budget_planner.validators.read.amounts import NOTHING, parse_amount
from budget_planner.validators.read.cells import blank
from budget_planner.validators.read.detect import InYuan
from budget_planner.validators.read.model import ParsedTable, RowKind
from budget_planner.validators.report.issues import Issue, issue

NIL_MAX_LEN = 24  # longer text is never a nil return's word


# ---------------------------------------------------------------- nil returns
NIL, STRUCK = "nil", "struck"


def row_says_nothing(
    line: Sequence[CellValue],
    columns: Iterable[tuple[int, ColumnKind, bool]],
    spec: TableSpec,
    words: frozenset[str] | None = None,
) -> str | None:
    """``NIL`` for a nil return's row: 无 / 暂无 / 本单位无需求 in one column or across the row;
    ``STRUCK`` for a row crossed out with ``/`` or ``—`` and nothing else; else None. Besides those,
    such a row holds nothing but a 序号, a 类型 of the list, a 0 (typed as a number or as text) or a
    dash; a nil row may also say why in a column that is not required (备注：本市无专利代办处).
    ``columns``: (0-based index, kind, required) read, text columns first; ``words``: the nil
    words (``returns_spec().nil_words``)."""
    words = returns_spec().nil_words if words is None else words
    said = marked = explained = False
    n = len(line)
    for index, kind, required in columns:
        raw = line[index] if index < n else None
        if raw is None or kind is ColumnKind.SERIAL:
            continue
        if type(raw) is not str:  # a number: only a 0 amount says nothing
            if kind is ColumnKind.AMOUNT and type(raw) in (int, float) and raw == 0:
                continue
            return None
        if kind is ColumnKind.AMOUNT and _zero_text(raw):
            continue  # 0 typed as text (WPS keeps a number typed in a text cell so)
        if len(raw) > NIL_MAX_LEN:  # a project's text (the common case: decided at once)
            if kind is ColumnKind.TEXT and not required:
                explained = True
                continue
            return None
        text = compact(raw)
        if not text:
            continue
        if text in words:
            said = True
        elif text in NOTHING:
            marked = True
        elif kind is ColumnKind.TEXT and not required:
            explained = True
        elif not (kind is ColumnKind.CATEGORY and spec.is_category(text)):
            return None
    if said:
        return NIL
    return STRUCK if marked and not explained else None


def _zero_text(raw: str) -> bool:
    """An amount cell holding 0 as text (``0``, ``0.00``, ``０``)."""
    return len(raw) <= 12 and parse_amount(raw, numbers_are_text=True).value == 0


def is_nil_row(
    line: Sequence[CellValue],
    columns: Iterable[tuple[int, ColumnKind, bool]],
    spec: TableSpec,
    words: frozenset[str] | None = None,
) -> bool:
    """A nil return's row (``row_says_nothing`` is ``NIL``)."""
    return row_says_nothing(line, columns, spec, words) == NIL


def nil_return_issue(table: ParsedTable) -> Issue | None:
    """table.nil_return for a collection table with no project row: rows saying 无, or none."""
    if table.table not in COLLECTION_TABLES or table.project_rows:
        return None
    if any(i.code == "header.missing" for i in table.issues):
        return None  # a column it needs is not found: its rows were not read, not left empty
    words = returns_spec().nil_words
    nil = next((r for r in table.rows if r.kind is RowKind.NIL), None)
    if nil is None:
        return issue("table.nil_return", "blank", sheet=table.sheet)
    said = next(f for f in nil.fields.values() if compact(f.raw) in words)
    return issue(
        "table.nil_return",
        sheet=table.sheet_of(nil),
        cell=said.cell,
        row=nil.excel_row,
        value=canonical(said.raw),
        said=canonical(said.raw),
    )


# ---------------------------------------------------------------- amounts in 元
def yuan_issues(table: ParsedTable, spec: TableSpec, in_yuan: dict[str, InYuan]) -> list[Issue]:
    """amount.in_yuan once per column filed in 元; amount.in_yuan_suspect when its every amount is
    under 1,000 元 (it was probably filled in 万元 under a 元 header)."""
    issues = []
    for key, why in in_yuan.items():
        col = spec.column(key)
        label = yuan.bare_label(col.label)
        amounts = [v for r in table.project_rows if isinstance(v := r.value(key), Decimal)]
        total = sum(amounts, Decimal(0))
        said = None if why.line else "header"  # a 单位：元 line, or the column's own header
        issues.append(
            issue(
                "amount.in_yuan",
                said,
                sheet=table.sheet,
                cell=why.cell,
                column=col.label,
                value=why.text,
                text=why.text,
                label=label,
                total=plain(total),
            )
        )
        as_yuan = [a * yuan.YUAN_PER_WAN for a in amounts]
        if as_yuan and any(as_yuan) and all(abs(a) < yuan.SUSPECT_BELOW for a in as_yuan):
            issues.append(
                issue(
                    "amount.in_yuan_suspect",
                    said,
                    sheet=table.sheet,
                    cell=why.cell,
                    column=col.label,
                    value=why.text,
                    text=why.text,
                    label=label,
                    below=plain(yuan.SUSPECT_BELOW),
                    largest=plain(max(as_yuan)),
                )
            )
    return issues


# ---------------------------------------------------------------- hidden rows
def hidden_issues(
    sheet: SheetGrid, first: int, last: int, columns: Sequence[int], shown: int | None
) -> list[Issue]:
    """row.hidden once per block of hidden rows holding data between ``first`` and ``last`` (they
    are counted all the same). ``columns``: the 1-based columns read; ``shown``: the one pointed at."""
    hidden = sorted(r for r in sheet.hidden_rows if first <= r <= last)
    blocks: list[list[int]] = []
    for r in hidden:
        if blocks and r == blocks[-1][-1] + 1:
            blocks[-1].append(r)
        else:
            blocks.append([r])
    issues = []
    for block in blocks:
        rows = [r for r in block if any(not blank(sheet.get(r, c)) for c in columns)]
        if not rows:
            continue
        r0, r1 = rows[0], rows[-1]
        where = f"第 {r0} 行" if r0 == r1 else f"第 {r0}–{r1} 行"
        issues.append(
            issue(
                "row.hidden",
                sheet=sheet.name,
                cell=a1(r0, shown) if shown else None,
                row=r0,
                value=where,
                rows=where,
            )
        )
    return issues

"""The rows below a header → classified, typed ``TableRow``s (docs/contracts.md).

Merged text fills down its column, a blank 类型 takes the one above, amounts are typed with
``parse_amount`` (what was normalised is an issue at its cell), an amount merged over several rows counts
once. A row is a PROJECT when it names a project, carries an amount, or holds the text of one (a project
row with its name forgotten is still a row, so validation can point at the blank); 小计/合计 rows,
placeholders and 表四 presets not taken up are kept with their kind; spacers, repeated headers, a column
numbering row and note lines are skipped. The table ends at a signature footer (填表人, 联系电话 …), at
the header of another table, or after a long run of blank rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from itertools import repeat, zip_longest
from operator import itemgetter, sub
from typing import Any

from budget_planner.project_key import key_extra, keys_of
from budget_planner.templates.round import PLACEHOLDER, Round, is_placeholder
from budget_planner.templates.spec import Column, ColumnKind, TableSpec, returns_spec
from budget_planner.text import canonical, compact
from budget_planner.validators.intake.grid import (
    CellValue,
    ErrorValue,
    Formula,
    SheetGrid,
    column_letter,
)
from budget_planner.validators.read import detect, yuan
from budget_planner.validators.read.amounts import AmountParse, parse_amount
from budget_planner.validators.read.cells import (
    TOTAL_MAX_LEN,
    amount_issue,
    blank,
    category_label,
    column_number,
    error_issue,
    is_breakdown,
    is_note,
    is_numbering,
    is_signature,
    merged_issue,
    text_value,
    total_label,
)
from budget_planner.validators.read.model import Columns, RowKind, RowLayout, TableRow
from budget_planner.validators.read.returns import NIL, STRUCK, hidden_issues, row_says_nothing
from budget_planner.validators.report.issues import Issue

BLANK_RUN_END = 20  # this many blank rows in a row end the table
_WHITESPACE = re.compile(r"[\s\u00a0\u200b\u3000\ufeff]+")  # what text.compact removes
_TEXT, _AMOUNT, _CATEGORY = 0, 1, 2
_UNSEEN: Any = object()  # not looked up yet (what is found may be None)
_SLOW: Any = object()  # a cell whose value the row's own look decides (RowReader._row)
_NUMBERS = frozenset({float, int, Decimal})  # a first cell such as these is no footer or note
_TEXT_CACHE = 100_000  # distinct texts canonicalised once per table (政策依据 and names repeat)


def _canonical_or_none(raw: str) -> str | None:
    """``text_value`` of a str, without its checks: its canonical text, None when blank."""
    return canonical(raw) or None


# warnings not given on a row that is not counted (a preset not taken up, a placeholder, an empty row)
_UNCOUNTED_QUIET = frozenset({"amount.normalised"})
# a group heading's numbering before its 类型: 一、 （一） 1. 1、 (canonical text: brackets half-width)
_GROUP_NUMERAL = re.compile(
    r"\s*(?:[一二三四五六七八九十]+[、.]?|[(（][一二三四五六七八九十]+[)）])\s*"
)
_GROUP_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[、.])\s*"
)


@cache
def preset_names(round_: Round, table: str) -> frozenset[str]:
    """The round's standard projects of a table (compact), placeholders left out."""
    return frozenset(compact(p.project) for p in round_.presets_for(table) if not p.placeholder)


@dataclass
class RowsResult:
    rows: list[TableRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    stated_total: Decimal | None = None
    stated_total_cell: str | None = None
    end_row: int = 0  # the last row read (a footer's or another header's row excluded)
    next_header: int | None = None  # where another table's header starts on this sheet, if it does


@dataclass
class _Col:
    key: str
    index: int  # 0-based
    column: Column
    letter: str = ""
    kind: int = _TEXT

    def __post_init__(self) -> None:
        self.letter = column_letter(self.index + 1)
        if self.column.kind is ColumnKind.AMOUNT:
            self.kind = _AMOUNT
        elif self.column.kind is ColumnKind.CATEGORY:
            self.kind = _CATEGORY


class RowReader:
    """Reads one table's body; one instance per table (holds the per-table lookups)."""

    def __init__(
        self,
        sheet: SheetGrid,
        spec: TableSpec,
        columns: dict[str, int],
        *,
        table: str,
        unit: str | None,
        round_: Round,
        numbers_are_text: bool = False,
        header_height: int = 1,
        in_yuan: frozenset[str] = frozenset(),
    ) -> None:
        self.sheet, self.spec, self.table, self.unit = sheet, spec, table, unit
        self.in_yuan = in_yuan  # amount columns filed in 元: their values ÷ 10,000
        self.header_height = header_height
        self.numbers_are_text = numbers_are_text
        self.cols = [_Col(c.key, columns[c.key] - 1, c) for c in spec.columns if c.key in columns]
        self._plan = [(c.key, c.index, c.letter, c.kind, c) for c in self.cols]
        self._first = 0
        self._ji: set[int] = set()  # rows (from _first) that may be totals (_precompute)
        self._pre: list[list[object]] = []  # each column's values from _first (_precompute)
        # per row from _first: its values in ``_plan`` order, where the row is a plain project row
        # (``_plain_rows``), else None
        self._plain: list[tuple[object, ...] | None] = []
        cat_at = [n for n, c in enumerate(self.cols) if c.kind == _CATEGORY]
        self._category_at = cat_at[0] if cat_at else None
        amount_at = [n for n, c in enumerate(self.cols) if c.key == spec.amount_column.key]
        self._amount_at = amount_at[0] if amount_at else None
        self.layout = RowLayout(
            [c.key for c in self.cols], [c.index for c in self.cols], [c.letter for c in self.cols]
        )
        self.by_key = {c.key: c for c in self.cols}
        self.amount = self.by_key.get(spec.amount_column.key)
        self.project = self.by_key.get(spec.project_column.key)
        cat = spec.category_column
        self.category = self.by_key.get(cat.key) if cat else None
        self.work = self.by_key.get("work_content")
        # columns whose text makes a row a (half-filled) project row
        self.content = [
            c
            for c in self.cols
            if c.column.required and c.column.kind in (ColumnKind.TEXT, ColumnKind.COUNT_AMOUNT)
        ]
        self.width = max((c.index for c in self.cols), default=0) + 1
        self.presets = preset_names(round_, table) if spec.has_presets else frozenset()
        self._cat_compact: dict[str, str] = {}
        self._categories: dict[str, str] = {}
        # canonical text or None, once per distinct text of the table (类型, preset names and
        # 政策依据 repeat); functools' cache answers a repeat in C, without a Python call
        self._canonical = lru_cache(maxsize=_TEXT_CACHE)(_canonical_or_none)
        # a float amount's parse depends on its value alone (NaN never hits: it is not equal to itself)
        self._floats: dict[float, AmountParse] = {}
        self._covered: set[int] = set()  # rows under an amount merged down from the row above
        self.key_columns = [self.by_key[k] for k in spec.key_columns if k in self.by_key]
        self._nil_words = returns_spec().nil_words
        # the nil-return look: text columns first (a project's long text decides it at once)
        self._read_kinds = sorted(
            ((c.index, c.column.kind, c.column.required) for c in self.cols),
            key=lambda k: k[1] is ColumnKind.CATEGORY,
        )

    # ------------------------------------------------------------ merges

    def _merges(self, first: int) -> tuple[dict[tuple[int, int], tuple[int, int]], dict[int, int]]:
        """Fills for text cells under a vertical merge, and amount merges (first row → last row)."""
        fills: dict[tuple[int, int], tuple[int, int]] = {}
        amount_merges: dict[int, int] = {}
        mapped = {c.index + 1 for c in self.cols}
        amount_col = self.amount.index + 1 if self.amount else -1
        for r0, c0, r1, _ in self.sheet.merged:
            if r1 <= r0 or r1 < first or c0 not in mapped or r0 < first:
                continue
            if c0 == amount_col:
                amount_merges[r0] = r1
                self._covered.update(range(r0 + 1, r1 + 1))
                continue
            for r in range(r0 + 1, r1 + 1):
                fills[(r, c0)] = (r0, c0)
        return fills, amount_merges

    # ------------------------------------------------------------ reading

    def read(self, first: int) -> RowsResult:
        sheet, result = self.sheet, RowsResult()
        fills, amount_merges = self._merges(first)
        self._precompute(first, fills, amount_merges)
        category: str | None = None
        blank_run = 0
        totals: list[tuple[int, RowKind, str, object, str]] = []
        last = first - 1
        width = self.width
        skip_to = 0  # the second row of a repeated two-row header
        folded: set[int] = set()  # rows that go on with the project above (``_continues``)
        # a row whose amount is a number other than 0 (precomputed) is a project or a 合计/小计:
        # no header, group heading, placeholder or nil row — those looks are skipped for it
        amounts = self._pre[self._amount_at] if self._amount_at is not None else None
        plain, layout, category_at = self._plain, self.layout, self._category_at
        labels = self._categories
        for r in range(first, sheet.height + 1):
            if r <= skip_to:
                continue
            if (known := plain[r - first]) is not None:
                # a plain project row: what the looks below would find, found for the whole column
                # (_plain_rows); its values are final but for its 类型, filled down
                values = list(known)
                if category_at is not None:
                    text = values[category_at]
                    if type(text) is str:  # (its list label, looked up once per 类型 text)
                        category = labels.get(text) or self._category(text)
                    values[category_at] = category
                row = TableRow.read(r, category, layout, sheet.values[r - 1], values)
                result.rows.append(row)
                blank_run, last = 0, r
                continue
            line = sheet.values[r - 1]
            cells = line[:width]
            counted = amounts is not None and type(a := amounts[r - first]) is Decimal and a != 0
            if counted:
                first_value = cells[0]
                if first_value is None:
                    first_value = next(v for v in cells if v is not None)
                if type(first_value) is str and (
                    is_signature(first_value) or is_note(first_value) or is_breakdown(first_value)
                ):
                    counted = False  # (each look below decides it as always)
            if counted:
                blank_run = 0
                if is_numbering(cells, detect.MIN_COLUMNS):
                    continue
                kind = self._total_kind(cells) if r - first in self._ji else None
                if kind is None and (heading := self._heading_total(r, cells, fills)) is not None:
                    category, kind = heading, RowKind.SUBTOTAL
                row = self._row(r, line, fills, category, kind, amount_merges, result.issues)
                # (a 小计 heading its group names the 类型 of the rows below it)
                if self.category is not None and kind in (None, RowKind.SUBTOTAL):
                    category = row.category
                if kind is not None:
                    row.kind = kind
                    self._total(row, r, kind, cells, totals)
                result.rows.append(row)
                last = r
                continue
            if cells.count(None) == len(cells):
                if line.count(None) != len(line) and self._ends(line):
                    break
                blank_run += 1
                if blank_run >= BLANK_RUN_END:
                    break
                continue
            blank_run = 0
            first_value = cells[0]
            if first_value is None:
                first_value = next(v for v in cells if v is not None)
            if is_signature(first_value) and self._is_footer(line):
                break
            if is_note(first_value) and not self._has_amount(line):
                continue
            if is_breakdown(first_value):
                continue  # 其中：… under a row: its parts, already in its amount
            if self._is_header(cells):
                if self._other_header(r, last + 1):
                    result.next_header = r
                    break
                skip_to = r + self.header_height - 1
                continue
            if is_numbering(cells, detect.MIN_COLUMNS):
                continue
            # a heading such as 一、知识产权高质量创造 across the row: the 类型 of the rows below
            heading = self._group_heading(cells)
            if heading is not None:
                category = heading
                continue
            kind = self._total_kind(cells) if r - first in self._ji else None
            if kind is None and (heading := self._heading_total(r, cells, fills)) is not None:
                category, kind = heading, RowKind.SUBTOTAL
            said = len(result.issues)
            row = self._row(r, line, fills, category, kind, amount_merges, result.issues)
            if kind is None:
                row_kind = self._kind(row, line)
                says = None
                if row_kind is not RowKind.PLACEHOLDER:
                    says = row_says_nothing(line, self._read_kinds, self.spec, self._nil_words)
                if says == NIL:
                    row_kind = RowKind.NIL  # 无 / 暂无 / 本单位无需求: nothing to check in it
                    del result.issues[said:]
                elif says == STRUCK:
                    row_kind = None  # crossed out with / or —: an empty row
                    del result.issues[said:]
                elif self.category is not None:
                    category = row.category
                if row_kind is not RowKind.PROJECT:
                    # not counted: what was normalised in it (0.00 typed as text) is nobody's concern
                    result.issues[said:] = [
                        i for i in result.issues[said:] if i.code not in _UNCOUNTED_QUIET
                    ]
                if row_kind is None:
                    continue  # nothing but a 序号, a 类型 or a 0: an empty template row
                if row_kind is RowKind.PROJECT and self._continues(r, fills, amount_merges, result):
                    # the project above goes on here (its name and amount merged over this row):
                    # this row's own text is the rest of the project's, not another project
                    del result.issues[said:]
                    self._fold(row, result.rows[-1])
                    folded.add(r)
                    continue
                row.kind = row_kind
            else:
                row.kind = kind
                self._total(row, r, kind, cells, totals)
                if kind is RowKind.SUBTOTAL and self.category is not None:
                    category = row.category
            result.rows.append(row)
            last = r
        if folded:  # a merged amount over one project's rows is no amount.merged
            one_project = {
                top
                for top, bottom in amount_merges.items()
                if folded.issuperset(range(top + 1, bottom + 1))
            }
            result.issues = [
                i for i in result.issues if not (i.code == "amount.merged" and i.row in one_project)
            ]
        self._set_keys(result.rows)
        result.end_row = max(last, first - 1)
        self._stated_total(totals, result)
        if self.sheet.hidden_rows:
            shown = self.project or (self.cols[0] if self.cols else None)
            result.issues += hidden_issues(
                self.sheet,
                first,
                result.end_row,
                [c.index + 1 for c in self.cols],
                shown.index + 1 if shown else None,
            )
        return result

    def _continues(
        self,
        r: int,
        fills: dict[tuple[int, int], tuple[int, int]],
        amount_merges: dict[int, int],
        result: RowsResult,
    ) -> bool:
        """Whether row r goes on with the project row above it: that row's project name and amount
        are merged down over it (only text of its own, such as a second line of 主要工作内容)."""
        if self.project is None or self.amount is None or not result.rows:
            return False
        above = result.rows[-1]
        top = above.excel_row
        if above.kind is not RowKind.PROJECT or amount_merges.get(top, 0) < r:
            return False
        col = self.project.index + 1
        return fills.get((r, col)) == (top, col)

    def _fold(self, row: TableRow, above: TableRow) -> None:
        """Row's own text (each text cell not filled from a merge) added to the project above's, on
        a line of its own."""
        for c in self.cols:
            if c.kind != _TEXT or row.raw(c.key) is None:
                continue
            more = row.value(c.key)
            if isinstance(more, str) and more:
                have = above.value(c.key)
                above.set_value(
                    c.key, f"{have}\n{more}" if isinstance(have, str) and have else more
                )

    def _total(
        self,
        row: TableRow,
        r: int,
        kind: RowKind,
        cells: list[CellValue],
        totals: list[tuple[int, RowKind, str, object, str]],
    ) -> None:
        """Note a 合计/小计 row's amount and label (the stated total is chosen among them)."""
        amount_key = self.amount.key if self.amount else None
        amount_cell = row.cell(amount_key) if amount_key else None
        if amount_key and amount_cell is not None:
            label = next((compact(v) for v in cells if total_label(v) is kind), "")
            totals.append((r, kind, label, row.value(amount_key), amount_cell))

    def _ends(self, line: list[CellValue]) -> bool:
        first_value = next(v for v in line if v is not None)
        return is_signature(first_value)

    def _is_footer(self, line: list[CellValue]) -> bool:
        """A signature line: no amount, and no project name other than more signature text."""
        if self._has_amount(line):
            return False
        if self.project is None or self.project.index >= len(line):
            return True
        name = line[self.project.index]
        return blank(name) or is_signature(name)

    def _has_amount(self, line: list[CellValue]) -> bool:
        if self.amount is None or self.amount.index >= len(line):
            return False
        raw = line[self.amount.index]
        in_yuan = self.amount.key in self.in_yuan
        return (
            raw is not None
            and parse_amount(raw, numbers_are_text=True, in_yuan=in_yuan).value is not None
        )

    def _is_header(self, cells: list[CellValue]) -> bool:
        """A header row repeated (page 2), or another table's header."""
        if self.amount is not None and self.amount.index < len(cells):
            amount = cells[self.amount.index]
            if amount is not None and type(amount) is not str:
                return False  # a number where the header has its label: a data row
        strings = [(i, v) for i, v in enumerate(cells) if type(v) is str and len(v) <= 30]
        if len(strings) < detect.MIN_COLUMNS:
            return False
        hits = sum(1 for _, v in strings if detect.is_header_word(v))
        return hits >= detect.MIN_COLUMNS

    def _other_header(self, r: int, since: int) -> bool:
        """Whether the header at row r is another table's (then this table ends there): its columns
        say so, or the title above it (rows from ``since``) names another table (表三 after 表一)."""
        match = detect.find_header(self.sheet, start=r, limit=1)
        if match is None:
            return False
        if self.spec.id not in match.tables:
            return True
        return detect.titled_otherwise(self.sheet, match, self.table or self.spec.id, since)

    def _total_kind(self, cells: list[CellValue]) -> RowKind | None:
        """TOTAL or SUBTOTAL when a short text cell of the row says 合计/小计 — unless, beside
        that cell, the row names a project and describes it (a 备注 of 合计3个子项目 or 小计另报 on a
        project's row)."""
        for at, v in enumerate(cells):
            # total_label reads no text longer than TOTAL_MAX_LEN: long text is never scanned
            if type(v) is str and len(v) <= TOTAL_MAX_LEN and "计" in v:
                kind = total_label(v)
                if kind is not None:
                    return None if self._describes_project(cells, at) else kind
        return None

    def _describes_project(self, cells: list[CellValue], label_at: int) -> bool:
        """Whether a row, its cell ``label_at`` left out, holds a project name and more of the
        project's own text (主要工作内容, 必要性, 政策依据, 绩效 …)."""
        if self.project is None:
            return False
        filled = [
            c
            for c in self.content
            if c.index != label_at and c.index < len(cells) and not blank(cells[c.index])
        ]
        return self.project in filled and len(filled) >= 2

    def _precompute(
        self,
        first: int,
        fills: dict[tuple[int, int], tuple[int, int]],
        amount_merges: dict[int, int],
    ) -> None:
        """Each column's values for the rows from ``first`` down, column by column: canonical text
        for a text cell, the amount of a plain number, None for a blank no merge fills; ``_SLOW``
        where the cell needs the row's own look (anything else: it may carry an issue)."""
        self._first = first
        lines = self.sheet.values[first - 1 :]
        filled = {c for _, c in fills}  # 1-based columns some merge fills
        columns: list[list[object]] = []
        by_column = _transpose(lines, self.width)
        for key, index, _, how, _ in self._plan:
            raws = by_column[index]
            if how == _AMOUNT:
                columns.append(self._amount_column(key, raws, first, amount_merges))
            else:
                col = index + 1
                columns.append(
                    self._text_column(raws, first, col, fills if col in filled else None)
                )
        self._pre = columns
        # the rows with a short text saying 计 somewhere (合计, 小计 …): only they may be totals
        self._ji = {
            n
            for column in by_column
            for n, v in enumerate(column)
            if type(v) is str and len(v) <= TOTAL_MAX_LEN and "计" in v  # (no long text scanned)
        }
        self._plain = self._plain_rows(lines, by_column)

    def _plain_rows(
        self, lines: list[list[CellValue]], by_column: list[Sequence[CellValue]]
    ) -> list[tuple[object, ...] | None]:
        """Each row's precomputed values where it is a plain project row, else None: an amount
        other than 0, every value final (no ``_SLOW``), a first cell that is a number (no footer,
        note or 其中 line), no short text saying 计 (no 合计/小计), a name that is text numbering no
        column (no column-numbering row) and at least four cells filled (no group heading with its
        小计). The reading loop takes such a row as it is: every look of its own would say so."""
        if self._amount_at is None or self.project is None or not lines:
            return [None] * len(lines)
        plain = [type(a) is Decimal and a != 0 for a in self._pre[self._amount_at]]
        for column in self._pre:
            at = -1
            while (at := _index(column, _SLOW, at + 1)) >= 0:
                plain[at] = False
        for n in self._ji:
            plain[n] = False
        firsts = by_column[0] if by_column else ()
        names = by_column[self.project.index] if self.project.index < len(by_column) else ()
        cells = list(map(itemgetter(slice(0, self.width)), lines))
        filled = map(sub, map(len, cells), map(list.count, cells, repeat(None)))
        looks = [
            type(v) in _NUMBERS and type(name) is str and column_number(name) is None and k >= 4
            for v, name, k in zip(firsts, names, filled, strict=True)
        ]
        rows = zip(*self._pre, strict=True)
        return [
            values if ok and look else None
            for values, ok, look in zip(rows, plain, looks, strict=True)
        ]

    def _text_column(
        self,
        raws: Sequence[CellValue],
        first: int,
        col: int,
        fills: dict[tuple[int, int], tuple[int, int]] | None,
    ) -> list[object]:
        """A text (or 类型) column's values: canonical text, ``text_value`` of a number, the text a
        merge fills down (``fills`` given for a column some merge fills), None for a blank."""
        canonical_or_none = self._canonical
        blank_value = _SLOW if fills else None
        out: list[object] = [
            canonical_or_none(raw) if type(raw) is str else (blank_value if raw is None else _SLOW)
            for raw in raws
        ]
        if _SLOW not in out:
            return out
        numbers: dict[float, str | None] = {}
        merged: dict[tuple[int, int], object] = {}  # a merge's top cell → the text it fills down
        for n, slow in enumerate(out):
            if slow is _SLOW:
                raw = raws[n]
                if type(raw) is float:  # a 序号 or a number typed in a text column
                    if raw.is_integer() and abs(raw) < 1e15:
                        out[n] = str(int(raw))  # (text_value of a whole number)
                        continue
                    text = numbers.get(raw, _UNSEEN)
                    if text is _UNSEEN:
                        text = numbers[raw] = text_value(raw)
                    out[n] = text
                elif raw is None and fills is not None:
                    top = fills.get((first + n, col))
                    if top is None:
                        out[n] = None
                        continue
                    text = merged.get(top, _UNSEEN)
                    if text is _UNSEEN:
                        got = self.sheet.get(*top)
                        text = merged[top] = self._canonical(got) if type(got) is str else _SLOW
                    out[n] = text
        return out

    def _parse_float(self, raw: float) -> AmountParse:
        """``parse_amount`` of a float amount, kept: it depends on the value alone."""
        parsed = parse_amount(raw)
        if len(self._floats) < _TEXT_CACHE:
            self._floats[raw] = parsed
        return parsed

    def _amount_column(
        self, key: str, raws: Sequence[CellValue], first: int, amount_merges: dict[int, int]
    ) -> list[object]:
        """A plain number's amount (its parse says nothing); ``_SLOW`` for every other cell."""
        if key in self.in_yuan:
            return [_SLOW] * len(raws)
        floats = self._floats
        out: list[object] = []
        for raw in raws:
            if type(raw) is float:
                parsed = floats.get(raw) or self._parse_float(raw)
                out.append(parsed.value if parsed.issue is None else _SLOW)
            else:
                out.append(_SLOW)
        for r in amount_merges:  # the first row of a merged amount says so: its own look
            if r >= first and r - first < len(out):
                out[r - first] = _SLOW
        return out

    def _row(
        self,
        r: int,
        line: list[CellValue],
        fills: dict[tuple[int, int], tuple[int, int]],
        category: str | None,
        kind: RowKind | None,
        amount_merges: dict[int, int],
        issues: list[Issue],
    ) -> TableRow:
        at_row = r - self._first
        values = [column[at_row] for column in self._pre]
        absent = None
        if _SLOW in values:
            n = len(line)
            for at, (key, index, letter, how, c) in enumerate(self._plan):
                if values[at] is not _SLOW:
                    continue
                raw = line[index] if index < n else None
                if how == _AMOUNT:
                    if raw is None and r in self._covered:
                        # its amount is the merged one above, counted there (amount.merged)
                        absent = key
                        values[at] = None
                        continue
                    values[at] = self._amount(
                        r, raw, key, letter + str(r), c, amount_merges, issues
                    )
                else:
                    values[at] = self._text(r, raw, index, letter, c, fills, issues)
        row_category = category
        if self._category_at is not None:
            at = self._category_at
            value = values[at]
            index = self._plan[at][1]
            raw = line[index] if index < len(line) else None
            if kind is not None:  # a 合计 belongs to no 类型; a 小计 to the one it names, if any
                said = None if value is None or total_label(raw) else self._category(value)  # type: ignore[arg-type]
                value = None if total_label(raw) else value or category
                row_category = (said or category) if kind is RowKind.SUBTOTAL else None
            else:
                value = self._category(value) if value is not None else category  # type: ignore[arg-type]
                row_category = value
            values[at] = value
        return TableRow.read(r, row_category, self.layout, line, values, absent)

    def _amount(
        self,
        r: int,
        raw: CellValue,
        key: str,
        cell: str,
        c: _Col,
        amount_merges: dict[int, int],
        issues: list[Issue],
    ) -> object:
        """An amount cell's value, with what its reading says (normalised, 元, merged) as issues."""
        in_yuan = key in self.in_yuan
        if type(raw) is float and not in_yuan:
            parsed = self._floats.get(raw) or self._parse_float(raw)
        else:
            parsed = parse_amount(
                raw, numbers_are_text=self.numbers_are_text, in_yuan=in_yuan, numerals=True
            )
        # (a column filed in 元 is not named by its label in 万元)
        label = yuan.bare_label(c.column.label) if in_yuan else c.column.label
        if parsed.issue is not None:
            issues.append(amount_issue(self.sheet.name, label, parsed, r, cell, raw))
        if in_yuan and parsed.value is not None and not yuan.carries_unit(raw):
            parsed = yuan.from_yuan(parsed.value)
            if parsed.issue is not None:  # 元 with 分: rounded to 4 places of 万元
                issues.append(amount_issue(self.sheet.name, label, parsed, r, cell, raw))
        if r in amount_merges:
            issues.append(merged_issue(self.sheet.name, label, r, amount_merges[r], cell, raw))
        return parsed.value

    def _text(
        self,
        r: int,
        raw: CellValue,
        index: int,
        letter: str,
        c: _Col,
        fills: dict[tuple[int, int], tuple[int, int]],
        issues: list[Issue],
    ) -> object:
        """A text (or 类型) cell's value: canonical text, the text a merge fills down, else None."""
        if type(raw) is str:
            return self._canonical(raw)
        if raw is None:
            if fills and (r, index + 1) in fills:
                top = self.sheet.get(*fills[(r, index + 1)])
                # text_value of a str, once per distinct text
                return self._canonical(top) if type(top) is str else text_value(top)
            return None
        if type(raw) is ErrorValue:
            label = c.column.label
            issues.append(error_issue(self.sheet.name, label, r, letter + str(r), raw))
            return None
        return text_value(raw)

    def _kind(self, row: TableRow, line: list[CellValue]) -> RowKind | None:
        """PROJECT, PLACEHOLDER, PRESET_UNUSED, or None for a row with nothing of a project in it."""
        name = row.value(self.project.key) if self.project else None
        has_amount = self.amount is not None and row.has(self.amount.key)
        amount = row.value(self.amount.key) if has_amount else None  # type: ignore[union-attr]
        raw_amount = row.raw(self.amount.key) if has_amount else None  # type: ignore[union-attr]
        tried = self._tried(amount, raw_amount) or (
            not has_amount and row.excel_row in self._covered
        )
        if not tried and (
            (name is not None and self._placeholder(name)) or self._placeholder_work(row)
        ):
            return RowKind.PLACEHOLDER
        if (
            self.presets
            and isinstance(name, str)
            and not tried
            and self._compact(name) in self.presets
        ):
            return RowKind.PRESET_UNUSED
        if name is not None or tried:
            return RowKind.PROJECT
        if any(c.index < len(line) and not blank(line[c.index]) for c in self.content):
            return RowKind.PROJECT  # a project's text without its name or amount
        return None  # at most a 0 amount (copied down a template's empty rows): not a project

    def _group_heading(self, cells: list[CellValue]) -> str | None:
        """The 类型 a group heading row names (its only cell, outside the 类型 column), else None."""
        if self.category is None or len(cells) - cells.count(None) != 1:
            return None
        index, value = next((i, v) for i, v in enumerate(cells) if v is not None)
        if type(value) is not str or index == self.category.index or len(value) > 40:
            return None
        text = text_value(value)
        label = self._category(text) if text else None
        return label if label is not None and self.spec.is_category(label) else None

    def _heading_total(
        self, r: int, cells: list[CellValue], fills: dict[tuple[int, int], tuple[int, int]]
    ) -> str | None:
        """The 类型 a group heading names that carries its group's 小计 in the amount column, with
        no 小计 written (``一、知识产权强市、强县建设`` merged across, 80 under 金额), else None. In the
        类型 column itself the heading must be numbered or merged across (a 类型 and an amount
        alone are a project row missing its name)."""
        if self.category is None or self.amount is None:
            return None
        if not 2 <= len(cells) - cells.count(None) <= 3:
            return None
        at = self.amount.index
        serial = self.by_key.get("serial")
        numbered = False  # a group's numeral in the 序号 column (一, （二）)
        found = []
        for i, v in enumerate(cells):
            if v is None or i == at:
                continue
            if serial is not None and i == serial.index and _GROUP_NUMERAL.fullmatch(str(v)):
                numbered = True
                continue
            found.append((i, v))
        if len(found) != 1 or at >= len(cells) or cells[at] is None:
            return None
        index, value = found[0]
        if type(value) is not str or len(value) > 40:
            return None
        text = text_value(value) or ""
        label = self._category(text) if text else None
        if label is None or not self.spec.is_category(label):
            return None
        if index == self.category.index and not (
            numbered or _GROUP_NUMBER.match(text) or fills.get((r, index + 2)) == (r, index + 1)
        ):
            return None
        return label

    def _category(self, text: str) -> str:
        """The list label a 类型 text stands for (a heading's numbering 一、 dropped), else the text as
        typed (cached: they repeat)."""
        got = self._categories.get(text)
        if got is None:
            got = (
                category_label(self.spec, text)
                or category_label(self.spec, _GROUP_NUMBER.sub("", text))
                or text
            )
            if len(self._categories) < 4096:
                self._categories[text] = got
        return got

    @staticmethod
    def _tried(amount: object, raw: CellValue) -> bool:
        """Whether a row takes something up: a non-zero amount, or amount text that is not a number
        (then the amount issue points at it) — but not a "-" or "无" meaning nothing."""
        if amount is not None:
            return amount != 0
        if blank(raw) or isinstance(raw, Formula):
            return False
        return parse_amount(raw).issue != "amount.normalised"

    def _placeholder_work(self, row: TableRow) -> bool:
        if self.work is None:
            return False
        key = self.work.key
        return row.raw(key) is not None and self._placeholder(row.value(key))

    def _placeholder(self, text: object) -> bool:
        """``is_placeholder`` of a cell's value; a text value is canonical already, so its compact
        form is the text without whitespace."""
        if type(text) is str:
            return PLACEHOLDER.search(self._compact(text)) is not None
        return is_placeholder(text)

    def _set_keys(self, rows: list[TableRow]) -> None:
        """Each row's project_key(unit, table, 类型, project name, key columns), column by column
        from text already canonical."""
        if not rows:
            return
        none = [""] * len(rows)
        texts, columns = self._compact_column, Columns(rows)
        names = texts(columns.values(self.project.key)) if self.project else none
        categories = texts([r.category for r in rows]) if self.category is not None else none
        extras = none
        if self.key_columns:  # 表二's 承接单位, every table's 来源单位
            parts = [texts(columns.values(c.key)) for c in self.key_columns]
            # (one column: its compact text is the key's extra as it is)
            extras = (
                parts[0]
                if len(parts) == 1
                else [key_extra(list(p)) for p in zip(*parts, strict=True)]
            )
        unit, table = self.unit or "", self.table
        n = len(rows)
        fields = zip(repeat(unit, n), repeat(table, n), categories, names, extras, strict=True)
        for row, key in zip(rows, keys_of(fields), strict=True):
            row.key = key

    def _compact_column(self, values: list[object]) -> list[str]:
        """``_compact`` of each text value, "" for any other."""
        return [
            (v if " " not in v and v.isprintable() else self._compact(v))
            if isinstance(v, str)
            else ""
            for v in values
        ]

    def _compact(self, text: str) -> str:
        """compact() of text already canonical (cached: 类型 and preset names repeat)."""
        if " " not in text and text.isprintable():  # every other whitespace is unprintable
            return text
        got = self._cat_compact.get(text)
        if got is None:
            got = _WHITESPACE.sub("", text)
            if len(self._cat_compact) < 4096:
                self._cat_compact[text] = got
        return got

    # ------------------------------------------------------------ issues and totals

    def _stated_total(
        self, totals: list[tuple[int, RowKind, str, object, str]], result: RowsResult
    ) -> None:
        grand = [t for t in totals if t[1] is RowKind.TOTAL]
        if not grand:
            return
        named = [t for t in grand if t[2].startswith("总计")]
        _, _, _, value, cell = (named or grand)[-1]
        result.stated_total = value if isinstance(value, Decimal) else None
        result.stated_total_cell = cell


def _index(column: list[object], value: object, start: int) -> int:
    """``column.index(value, start)`` (by identity first, in C), -1 where it is not there."""
    try:
        return column.index(value, start)
    except ValueError:
        return -1


def _transpose(lines: list[list[CellValue]], width: int) -> list[Sequence[CellValue]]:
    """The first ``width`` columns of ``lines`` (rows of any length), each as one sequence."""
    if not lines:
        return [()] * width
    if max(map(len, lines)) > width:
        lines = [line[:width] for line in lines]
    columns: list[Sequence[CellValue]] = list(zip_longest(*lines))
    return columns + [(None,) * len(lines)] * (width - len(columns))


def read_rows(
    sheet: SheetGrid,
    spec: TableSpec,
    columns: dict[str, int],
    first_row: int,
    *,
    table: str,
    unit: str | None,
    round_: Round,
    numbers_are_text: bool = False,
    header_height: int = 1,
    in_yuan: frozenset[str] = frozenset(),
) -> RowsResult:
    """Classify and type the rows of one table from ``first_row`` down (below a header of
    ``header_height`` rows, which may repeat on later pages); ``in_yuan``: amount columns in 元."""
    reader = RowReader(
        sheet,
        spec,
        columns,
        table=table,
        unit=unit,
        round_=round_,
        numbers_are_text=numbers_are_text,
        header_height=header_height,
        in_yuan=in_yuan,
    )
    return reader.read(first_row)

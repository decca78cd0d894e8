"""What the reader hands to validation: tables found in a file, with every row's cells and positions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import compress, groupby, repeat
from operator import attrgetter, is_, itemgetter
from typing import ClassVar

from budget_planner.project_key import ProjectKey
from budget_planner.validators.intake.grid import CellValue
from budget_planner.validators.read.amounts import UNREADABLE, parse_amount
from budget_planner.validators.report.issues import Issue


class RowKind(StrEnum):
    PROJECT = "project"  # names a project or carries an amount: counted in `rows` and `total`
    SUBTOTAL = "subtotal"  # 小计
    TOTAL = "total"  # 合计 / 总计
    PLACEHOLDER = "placeholder"  # 各地市根据工作内容拟设置的项目N, 可加行
    PRESET_UNUSED = "preset_unused"  # a 表四 preset not taken up (no amount or 0)
    NIL = "nil"  # 无 / 暂无 / 本单位无需求: a nil return's row, not a project


@dataclass(slots=True)
class Field:
    """One cell of a row: the value as read, where it is, and its typed value.

    ``value`` is canonical text for text columns, the list label for a valid 类型 (else the canonical
    text as typed), and a Decimal (or None when blank or unparseable) for amounts.
    """

    raw: CellValue
    cell: str
    value: object = None

    @property
    def unreadable_amount(self) -> bool:
        """An amount written but not readable (text, an error value, too large): it has its own error,
        so checks that compute with it skip it — one mistake, one error."""
        return unreadable_amount(self.value, self.raw)


def unreadable_amount(value: object, raw: CellValue) -> bool:
    """``Field.unreadable_amount`` of a cell given by its typed value and its raw value."""
    return value is None and raw is not None and parse_amount(raw).issue in UNREADABLE


class RowLayout:
    """Where a table's columns sit, shared by every row the reader read from its sheet: the column
    keys in reading order, their 0-based sheet columns and their letters."""

    __slots__ = ("column", "indexes", "keys", "letter", "letters", "made", "position")

    def __init__(self, keys: Sequence[str], indexes: Sequence[int], letters: Sequence[str]) -> None:
        self.keys, self.indexes, self.letters = tuple(keys), tuple(indexes), tuple(letters)
        self.position = {key: n for n, key in enumerate(self.keys)}  # key → place in the values
        self.column = dict(zip(self.keys, self.indexes, strict=True))  # key → 0-based column
        self.letter = dict(zip(self.keys, self.letters, strict=True))  # key → column letter
        self.made = 0  # rows whose fields were made (they answer by their fields from then on)


@dataclass
class TableRow:
    """One row of a table. A row the reader read keeps its cells as the sheet's line and one list of
    typed values in its table's ``RowLayout`` (no object per cell): ``value``, ``raw``, ``cell`` and
    ``has`` answer from them, and ``fields`` (a ``Field`` per cell, as a row built by hand holds) is
    made on first use only."""

    excel_row: int
    kind: RowKind
    fields: dict[str, Field]  # by column key of the spec
    category: str | None = None  # the 类型 this row belongs to (filled down), list label when valid
    key: ProjectKey | None = None
    row_id: int = -1  # unique within a batch; set by the pipeline, maps back to (file, sheet, row)
    sheet: str | None = None  # the sheet of a continued table's row past its first sheet

    # a read row's cells (class defaults: a row built with its fields has none of them)
    _layout: ClassVar[RowLayout | None] = None
    _line: ClassVar[Sequence[CellValue]] = ()
    _values: ClassVar[list[object] | None] = None
    _absent: ClassVar[str | None] = None  # a column read as no cell (an amount merged from above)

    @classmethod
    def read(
        cls,
        excel_row: int,
        category: str | None,
        layout: RowLayout,
        line: Sequence[CellValue],
        values: list[object],
        absent: str | None = None,
    ) -> TableRow:
        """A PROJECT row as the reader reads it: ``values`` in ``layout``'s order (None for the
        ``absent`` column), ``line`` the sheet's values of the row."""
        row = cls.__new__(cls)
        row.__dict__ = {
            "excel_row": excel_row,
            "kind": RowKind.PROJECT,
            "category": category,
            "key": None,
            "row_id": -1,
            "sheet": None,
            "_layout": layout,
            "_line": line,
            "_values": values,
            "_absent": absent,
        }
        return row

    def __getattr__(self, name: str) -> object:
        # only reached for an attribute not set: a read row's fields, made now
        if name != "fields" or self._layout is None:
            raise AttributeError(name)
        layout, line, values, suffix = self._layout, self._line, self._values, str(self.excel_row)
        assert values is not None
        n = len(line)
        fields = {
            key: Field(line[index] if index < n else None, letter + suffix, value)
            for key, index, letter, value in zip(
                layout.keys, layout.indexes, layout.letters, values, strict=True
            )
            if key != self._absent
        }
        # from now on the fields answer (whoever holds them may change them)
        self.__dict__.update(fields=fields, _values=None)
        layout.made += 1
        return fields

    def has(self, key: str) -> bool:
        if self._values is not None:
            return key in self._layout.position and key != self._absent  # type: ignore[union-attr]
        return key in self.fields

    def value(self, key: str) -> object:
        values = self._values
        if values is not None:  # (an absent cell's value is None)
            at = self._layout.position.get(key)  # type: ignore[union-attr]
            return None if at is None else values[at]
        f = self.fields.get(key)
        return None if f is None else f.value

    def set_value(self, key: str, value: object) -> None:
        """Change the typed value of a cell the row has (its raw and cell stay)."""
        values = self._values
        if values is not None:
            values[self._layout.position[key]] = value  # type: ignore[union-attr]
        else:
            self.fields[key].value = value

    def raw(self, key: str) -> CellValue:
        if self._values is not None:  # (an absent cell's raw value is None)
            index = self._layout.column.get(key)  # type: ignore[union-attr]
            line = self._line
            return line[index] if index is not None and index < len(line) else None
        f = self.fields.get(key)
        return None if f is None else f.raw

    def cell(self, key: str) -> str | None:
        if self._values is not None:
            letter = self._layout.letter.get(key)  # type: ignore[union-attr]
            return None if letter is None or key == self._absent else letter + str(self.excel_row)
        f = self.fields.get(key)
        return None if f is None else f.cell

    def cells(self) -> list[str]:
        """Every cell the row was read from."""
        if self._values is not None:
            suffix = str(self.excel_row)
            layout = self._layout
            assert layout is not None
            return [
                letter + suffix
                for key, letter in zip(layout.keys, layout.letters, strict=True)
                if key != self._absent
            ]
        return [f.cell for f in self.fields.values()]


class Columns:
    """Whole columns of a list of rows: taken from the values of the rows read from one table (no
    call per row) after one look at the rows, row by row for the others."""

    def __init__(self, rows: Sequence[TableRow]) -> None:
        self.rows = rows
        self.layout = _one_layout(rows)

    def values(self, key: str) -> list[object]:
        """``row.value(key)`` of each row."""
        rows, layout = self.rows, self.layout
        if layout is not None:
            at = layout.position.get(key)
            if at is None:
                return [None] * len(rows)
            return list(map(itemgetter(at), map(_VALUES, rows)))
        out: list[object] = []
        for _, group in groupby(rows, key=_LAYOUT):
            same = Columns(list(group))
            out += same.values(key) if same.layout else [r.value(key) for r in same.rows]
        return out

    def raws(self, key: str) -> list[CellValue]:
        """``row.raw(key)`` of each row."""
        rows, layout = self.rows, self.layout
        if layout is not None:
            index = layout.column.get(key)
            if index is None:
                return [None] * len(rows)
            lines = list(map(_LINE, rows))
            try:
                return list(map(itemgetter(index), lines))
            except IndexError:  # a line ending before the column (its trailing blanks trimmed)
                return [line[index] if index < len(line) else None for line in lines]
        out: list[CellValue] = []
        for _, group in groupby(rows, key=_LAYOUT):
            same = Columns(list(group))
            out += same.raws(key) if same.layout else [r.raw(key) for r in same.rows]
        return out


def column_values(rows: Sequence[TableRow], key: str) -> list[object]:
    """``row.value(key)`` of each row (``Columns``)."""
    return Columns(rows).values(key)


def column_raws(rows: Sequence[TableRow], key: str) -> list[CellValue]:
    """``row.raw(key)`` of each row (``Columns``)."""
    return Columns(rows).raws(key)


def _one_layout(rows: Sequence[TableRow]) -> RowLayout | None:
    """The layout all ``rows`` were read in, when they were all read from one table and none has
    made its fields; else None."""
    layouts = set(map(_LAYOUT, rows))
    if len(layouts) != 1:
        return None
    layout = layouts.pop()
    return layout if layout is not None and not layout.made else None


_LAYOUT, _VALUES, _LINE = attrgetter("_layout"), attrgetter("_values"), attrgetter("_line")
_KIND = attrgetter("kind")


@dataclass
class BudgetForm:
    """A 项目支出预算明细表: header fields, sources, expense lines and the note, each with its cell."""

    fields: dict[str, Field] = field(default_factory=dict)
    # field key → the sheet it was read from, when not the form's own (a 申报书's §一 Word table)
    elsewhere: dict[str, str] = field(default_factory=dict)

    def amount(self, key: str) -> Decimal | None:
        f = self.fields.get(key)
        return f.value if f is not None and isinstance(f.value, Decimal) else None

    def text(self, key: str) -> str:
        f = self.fields.get(key)
        return f.value if f is not None and isinstance(f.value, str) else ""


@dataclass
class ParsedTable:
    """One table found on one sheet of one file (or one Word table)."""

    file: str
    sheet: str
    table: str | None  # 表一 … 表四, 预算表, or None when it could not be told
    unit: str | None  # the round's short name
    header_rows: tuple[int, ...] = ()  # the Excel rows the header occupies (one or two)
    columns: dict[str, int] = field(default_factory=dict)  # column key → 1-based column
    rows: list[TableRow] = field(default_factory=list)  # every classified row below the header
    stated_total: Decimal | None = None
    stated_total_cell: str | None = None
    stated_total_sheet: str | None = None  # when not the table's first sheet (a continued table)
    budget: BudgetForm | None = None
    issues: list[Issue] = field(default_factory=list)  # what the reader found and normalised
    hidden: bool = False
    sheets: list[str] = field(default_factory=list)  # every sheet it spans (a continued table)
    applicant: str | None = None  # a 预算表's 项目申请单位 (a 申报书's firm), never its unit

    def __post_init__(self) -> None:
        if not self.sheets and self.sheet:
            self.sheets = [self.sheet]

    @property
    def project_rows(self) -> list[TableRow]:
        rows = self.rows  # (each row's kind compared in C)
        return list(compress(rows, map(is_, map(_KIND, rows), repeat(RowKind.PROJECT))))

    def sheet_of(self, row: TableRow | None = None, key: str | None = None) -> str:
        """The sheet a row sits on (a continued table's later sheet), or a 预算表 field by its key
        (a 申报书's §一 Word table), else the table's own."""
        if key is not None and self.budget is not None and key in self.budget.elsewhere:
            return self.budget.elsewhere[key]
        return (row.sheet if row is not None else None) or self.sheet

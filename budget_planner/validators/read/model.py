"""What the reader hands to validation: tables found in a file, with every row's cells and positions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

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
        return self.value is None and parse_amount(self.raw).issue in UNREADABLE


@dataclass
class TableRow:
    excel_row: int
    kind: RowKind
    fields: dict[str, Field]  # by column key of the spec
    category: str | None = None  # the 类型 this row belongs to (filled down), list label when valid
    key: ProjectKey | None = None
    row_id: int = -1  # unique within a batch; set by the pipeline, maps back to (file, sheet, row)
    sheet: str | None = None  # the sheet of a continued table's row past its first sheet

    def value(self, key: str) -> object:
        f = self.fields.get(key)
        return None if f is None else f.value

    def cell(self, key: str) -> str | None:
        f = self.fields.get(key)
        return None if f is None else f.cell


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
        return [r for r in self.rows if r.kind is RowKind.PROJECT]

    def sheet_of(self, row: TableRow | None = None, key: str | None = None) -> str:
        """The sheet a row sits on (a continued table's later sheet), or a 预算表 field by its key
        (a 申报书's §一 Word table), else the table's own."""
        if key is not None and self.budget is not None and key in self.budget.elsewhere:
            return self.budget.elsewhere[key]
        return (row.sheet if row is not None else None) or self.sheet

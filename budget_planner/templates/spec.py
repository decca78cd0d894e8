"""Typed, loaded-once view of ``tables.toml``: the table specs every other part reads."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources

from budget_planner.text import canonical, compact

SOURCE_UNIT = "source_unit"  # the column key of 来源单位 (tables.toml)


class ColumnKind(StrEnum):
    SERIAL = "serial"
    CATEGORY = "category"
    TEXT = "text"
    AMOUNT = "amount"
    COUNT_AMOUNT = "count_amount"
    PERIOD = "period"


class Role(StrEnum):
    NONE = ""
    PROJECT_NAME = "project_name"
    AMOUNT = "amount"
    CATEGORY = "category"
    TOTAL = "total"
    PROVINCIAL = "provincial"


@dataclass(frozen=True)
class Column:
    """One column (or one labelled field of the 预算表): everything known about it, once."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    kind: ColumnKind = ColumnKind.TEXT
    required: bool = False
    role: Role = Role.NONE
    checks: tuple[str, ...] = ()
    max_length: int | None = None
    help: str = ""
    width: int = 14
    needs_note: bool = False
    issued: bool = True  # in the issued template (来源单位 is written only by 生成上报版本)

    @property
    def match_keys(self) -> tuple[str, ...]:
        """The label and aliases in compact form, as a header cell is compared against them."""
        return tuple(dict.fromkeys(compact(t) for t in (self.label, *self.aliases)))

    @property
    def is_amount(self) -> bool:
        return self.kind is ColumnKind.AMOUNT


@dataclass(frozen=True)
class TableSpec:
    """One of the four collection tables (表一–表四)."""

    id: str
    key: str
    number: str
    subtitle: str
    columns: tuple[Column, ...]
    categories: tuple[str, ...] = ()
    rows_per_category: int = 3
    blank_rows: int = 10
    has_presets: bool = False
    key_columns: tuple[str, ...] = ()  # columns beside the name that tell projects apart (表二)
    keywords: tuple[str, ...] = ()  # words naming the table in a title, beyond number and subtitle

    def title(self, year: int) -> str:
        return f"{year}年度知识产权项目需求征集表（{self.number}）"

    @property
    def issued_columns(self) -> tuple[Column, ...]:
        """The columns of the issued template, as the notice lays them out."""
        return tuple(c for c in self.columns if c.issued)

    @property
    def source_column(self) -> Column | None:
        """来源单位: the county a city's forwarded row came from (docs/forwarding.md)."""
        return next((c for c in self.columns if c.key == SOURCE_UNIT), None)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def _by_role(self, role: Role) -> Column | None:
        return next((c for c in self.columns if c.role is role), None)

    @property
    def amount_column(self) -> Column:
        col = self._by_role(Role.AMOUNT)
        assert col is not None
        return col

    @property
    def project_column(self) -> Column:
        col = self._by_role(Role.PROJECT_NAME)
        assert col is not None
        return col

    @property
    def category_column(self) -> Column | None:
        return self._by_role(Role.CATEGORY)

    def is_category(self, value: object) -> str | None:
        """The list label a 类型 value stands for (whitespace ignored), or None."""
        if type(value) is str:  # called per row: text answers are cached (类型 repeat)
            return _category_of(self.categories, value)
        return _category_labels(self.categories).get(compact(value))


@cache
def _category_labels(categories: tuple[str, ...]) -> dict[str, str]:
    """Compact form → list label (the first label when two compact alike)."""
    labels: dict[str, str] = {}
    for c in categories:
        labels.setdefault(compact(c), c)
    return labels


@lru_cache(maxsize=8192)
def _category_of(categories: tuple[str, ...], text: str) -> str | None:
    return _category_labels(categories).get(compact(text))


@dataclass(frozen=True)
class BudgetSpec:
    """The 项目支出预算明细表: a header block, funding sources, expense lines and a note."""

    id: str  # 预算表
    key: str
    title: str
    unit_label: str
    header: tuple[Column, ...]
    sources: tuple[Column, ...]
    expenses: tuple[Column, ...]
    note: Column
    also_read: tuple[Column, ...] = ()  # read when present (a 申报书's applicant), not in the form

    @property
    def fields(self) -> tuple[Column, ...]:
        """The form's fields, as the template lays them out."""
        return (*self.header, *self.sources, *self.expenses, self.note)

    @property
    def read_fields(self) -> tuple[Column, ...]:
        """What the reader looks for: the form's fields and what a 申报书 also says."""
        return (*self.header, *self.also_read, *self.sources, *self.expenses, self.note)

    @property
    def period(self) -> Column | None:
        return next((c for c in self.header if c.kind is ColumnKind.PERIOD), None)

    def field(self, key: str) -> Column:
        for col in self.read_fields:
            if col.key == key:
                return col
        raise KeyError(key)


@dataclass(frozen=True)
class ControlSpec:
    """The control-number file: a unit column, an amount column, and what marks its 合计 row."""

    title: str
    unit: Column
    amount: Column
    table: str  # the collection table set against the control numbers (表四)
    total_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReturnsSpec:
    """How a return says what is not a project row: a nil return's words, a continued sheet's marks,
    the marks of a sheet kept as a backup (compact text)."""

    nil_words: frozenset[str] = frozenset()
    continued_marks: tuple[str, ...] = ()
    backup_marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Specs:
    version: str
    tables: dict[str, TableSpec] = field(default_factory=dict)
    budget: BudgetSpec | None = None
    category_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    control: ControlSpec | None = None
    returns: ReturnsSpec = field(default_factory=ReturnsSpec)

    def table(self, table_id: str) -> TableSpec:
        return self.tables[table_id]


def _column(key: str, raw: dict, default_kind: str = "text") -> Column:
    return Column(
        key=key,
        label=canonical(raw["label"]),
        aliases=tuple(canonical(a) for a in raw.get("aliases", ())),
        kind=ColumnKind(raw.get("kind", default_kind)),
        required=bool(raw.get("required", False)),
        role=Role(raw.get("role", "")),
        checks=tuple(raw.get("checks", ())),
        max_length=raw.get("max_length"),
        help=raw.get("help", ""),
        width=int(raw.get("width", 14)),
        needs_note=bool(raw.get("needs_note", False)),
        issued=bool(raw.get("issued", True)),
    )


def _fields(items: list[dict], default_kind: str) -> tuple[Column, ...]:
    return tuple(_column(item["key"], item, default_kind) for item in items)


def parse_specs(data: dict) -> Specs:
    lists = {name: tuple(canonical(c) for c in cats) for name, cats in data["categories"].items()}
    columns = {key: _column(key, raw) for key, raw in data["columns"].items()}
    tables = {}
    for table_id, raw in data["tables"].items():
        tables[table_id] = TableSpec(
            id=table_id,
            key=raw["key"],
            number=raw["number"],
            subtitle=raw["subtitle"],
            columns=tuple(columns[k] for k in raw["columns"]),
            categories=lists.get(raw.get("categories", ""), ()),
            rows_per_category=int(raw.get("rows_per_category", 3)),
            blank_rows=int(raw.get("blank_rows", 10)),
            has_presets=bool(raw.get("has_presets", False)),
            key_columns=tuple(raw.get("key_columns", ())),
            keywords=tuple(canonical(k) for k in raw.get("keywords", ())),
        )
    b = data["budget"]
    budget = BudgetSpec(
        id=b["id"],
        key=b["key"],
        title=b["title"],
        unit_label=b["unit_label"],
        header=_fields(b["header"], "text"),
        sources=_fields(b["sources"], "amount"),
        expenses=_fields(b["expenses"], "amount"),
        note=_column(b["note"]["key"], b["note"]),
        also_read=_fields(b.get("also_read", []), "text"),
    )
    control = None
    if "control" in data:
        c = data["control"]
        control = ControlSpec(
            title=c["title"],
            unit=_column(c["unit"]["key"], c["unit"]),
            amount=_column(c["amount"]["key"], c["amount"], "amount"),
            table=c["table"],
            total_labels=tuple(canonical(t) for t in c.get("total_labels", ())),
        )
    r = data.get("returns", {})
    returns = ReturnsSpec(
        nil_words=frozenset(compact(w) for w in r.get("nil_words", ())),
        continued_marks=tuple(compact(m) for m in r.get("continued_marks", ())),
        backup_marks=tuple(compact(m).lower() for m in r.get("backup_marks", ())),
    )
    return Specs(
        version=data["spec_version"],
        tables=tables,
        budget=budget,
        category_lists=lists,
        control=control,
        returns=returns,
    )


@cache
def load_specs() -> Specs:
    """The shipped specs, parsed once per process."""
    text = resources.files("budget_planner.templates").joinpath("tables.toml").read_text("utf-8")
    return parse_specs(tomllib.loads(text))


def budget_spec() -> BudgetSpec:
    spec = load_specs().budget
    assert spec is not None
    return spec


def returns_spec() -> ReturnsSpec:
    return load_specs().returns


def control_spec() -> ControlSpec:
    spec = load_specs().control
    assert spec is not None
    return spec


def resolve_table(text: object) -> str | None:
    """The collection table a 所属表 value names: 表四, （四）, 四, or its subtitle."""
    wanted = compact(text)
    if not wanted:
        return None
    for table_id in COLLECTION_TABLES:
        spec = load_specs().table(table_id)
        names = {
            compact(table_id),
            compact(f"({spec.number})"),
            spec.number,
            compact(spec.subtitle),
        }
        if wanted in names or any(len(n) > 2 and n in wanted for n in names):
            return table_id
    return None


# The table ids, as tables.toml declares them (loaded once, when this module is imported).
BUDGET: str = budget_spec().id
COLLECTION_TABLES: tuple[str, ...] = tuple(load_specs().tables)
ALL_TABLES: tuple[str, ...] = (*COLLECTION_TABLES, BUDGET)
CONTROLLED_TABLE: str = control_spec().table  # set against the control numbers (表四)

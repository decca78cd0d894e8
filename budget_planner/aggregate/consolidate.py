"""Consolidation: the counted versions' rows, exact totals, completeness.

Each row is a record (a dict under the ``BASE_COLUMNS`` and the table's own spec keys). Amounts are
summed as integer 元 and turned back into Decimal 万元 at the edges (``money.from_yuan``); no float
is involved. The province-wide total is the sum of 表一–表四: a 预算表 details a project of those
tables, so its 合计 is reported apart and never added in.

The totals are plain integer sums over the records (a few thousand rows: building a frame to group
them cost more than the sums). ``Consolidation.rows`` gives the same rows as a pandas frame
(``Int64`` amounts), built on first use, for analysis and for callers that want one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from budget_planner.aggregate.completeness import CompletenessCell, completeness_cells
from budget_planner.aggregate.control import ControlNumbers
from budget_planner.aggregate.reconcile import Reconciliation, reconcile
from budget_planner.aggregate.versions import CountedVersion
from budget_planner.money import to_yuan
from budget_planner.project_key import project_key
from budget_planner.templates.round import Round
from budget_planner.templates.spec import (
    ALL_TABLES,
    BUDGET,
    COLLECTION_TABLES,
    CONTROLLED_TABLE,
    budget_spec,
    load_specs,
)
from budget_planner.validators.read.model import ParsedTable

if TYPE_CHECKING:
    import pandas as pd

Record = dict[str, Any]

# the frame's fixed columns; each table's text columns follow under their spec keys
BASE_COLUMNS = (
    "unit",
    "table",
    "category",  # the 类型 list label, or None when the row has no valid 类型 (表二 has none)
    "category_text",  # the 类型 as written (canonical), for display
    "project",
    "key",
    "file",
    "sheet",
    "excel_row",
    "cell",  # the amount's cell (or the 合计 cell of a 预算表)
    "amount_yuan",
    "version",
    "flagged",
    "state",  # the version's workflow state on the site (已提交 …), else 有错误 or ""
)
BUDGET_AMOUNT_KEYS = tuple(c.key for c in (*budget_spec().sources, *budget_spec().expenses))


@dataclass
class Consolidation:
    round: Round
    counted: list[CountedVersion]
    records: list[Record]  # every row, in counted order
    unit_totals: dict[str, dict[str, Decimal]]  # unit → table → total (tables it sent)
    table_totals: dict[str, Decimal]  # every table of ALL_TABLES
    category_totals: dict[str, dict[str, Decimal]]  # table → 类型 → total, spec order
    unit_categories: dict[str, dict[str, Decimal]]  # unit → 类型 → total over 表一–表四
    total: Decimal  # province-wide, 表一–表四
    completeness: list[CompletenessCell]
    reconciliation: Reconciliation
    control: ControlNumbers | None = None
    row_counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (unit, table) → rows

    @property
    def missing(self) -> list[tuple[str, str]]:
        return [(c.unit, c.table) for c in self.completeness if c.missing]

    @property
    def flagged(self) -> list[CountedVersion]:
        return [v for v in self.counted if v.flagged]

    def unit_total(self, unit: str) -> Decimal:
        """A unit's total over 表一–表四."""
        tables = self.unit_totals.get(unit, {})
        return sum((tables.get(t, Decimal(0)) for t in COLLECTION_TABLES), Decimal(0))

    def table_records(self, table: str) -> list[Record]:
        return [rec for rec in self.records if rec["table"] == table]

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The records as a frame: amounts, rows and versions ``Int64``, ``flagged`` bool."""
        return _frame(self.records)

    def table_rows(self, table: str) -> pd.DataFrame:
        return self.rows[self.rows["table"] == table]


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _collection_records(version: CountedVersion, parsed: ParsedTable) -> list[Record]:
    spec = load_specs().table(version.table)
    amount_key, name_key = spec.amount_column.key, spec.project_column.key
    category_key = spec.category_column.key if spec.category_column else None
    text_keys = [c.key for c in spec.columns if c.key not in (amount_key, category_key)]
    records = []
    state = version_state(version)
    for row in parsed.project_rows:
        amount = row.value(amount_key)
        category = spec.is_category(row.category) if row.category else None
        key = row.key or project_key(version.unit, version.table, category, row.value(name_key))
        record = {
            "unit": version.unit,
            "table": version.table,
            "category": category,
            "category_text": row.category or None,
            "project": _text(row.value(name_key)),
            "key": str(key),
            "file": version.file,
            "sheet": parsed.sheet_of(row),
            "excel_row": row.excel_row,
            "cell": row.cell(amount_key) or f"{row.excel_row}",
            "amount_yuan": to_yuan(amount) if isinstance(amount, Decimal) else None,
            "version": version.version,
            "flagged": version.flagged,
            "state": state,
        }
        for k in text_keys:
            record[k] = _text(row.value(k))
        records.append(record)
    return records


def version_state(version: CountedVersion) -> str:
    """How a row's version is shown: its workflow state on the site, else 有错误 (the CLI)."""
    return version.state or ("有错误" if version.flagged else "")


def budget_project_key(version: CountedVersion) -> str:
    """A counted 预算表's project key: its own (unit, 预算表, "", 项目名称), never a table row's."""
    return str(project_key(version.unit, BUDGET, None, version.project))


def _budget_record(version: CountedVersion, parsed: ParsedTable) -> Record:
    form = parsed.budget
    spec = load_specs().budget
    assert spec is not None
    record = {
        "unit": version.unit,
        "table": BUDGET,
        "category": None,
        "category_text": None,
        "project": version.project or None,
        "key": budget_project_key(version),
        "file": version.file,
        "sheet": parsed.sheet,
        "excel_row": None,
        "cell": None,
        "amount_yuan": None,
        "version": version.version,
        "flagged": version.flagged,
        "state": version_state(version),
    }
    if form is None:
        return record
    total_field = form.fields.get("total")
    record["cell"] = total_field.cell if total_field else None
    total = form.amount("total")
    if total is None and version.report.total is not None:
        total = version.report.total
    record["amount_yuan"] = to_yuan(total) if total is not None else None
    category = form.text("category")
    for table_id in COLLECTION_TABLES:
        label = load_specs().table(table_id).is_category(category)
        if label:
            record["category"] = label
            break
    record["category_text"] = category or None
    for col in (*spec.header, *spec.also_read):
        if col.key not in ("project_name", "unit", "category"):  # those have their own columns
            record[col.key] = form.text(col.key) or None
    for key in BUDGET_AMOUNT_KEYS:
        if key == "total":
            continue
        amount = form.amount(key)
        record[f"{key}_yuan"] = to_yuan(amount) if amount is not None else None
    record["calculation_note"] = form.text("calculation_note") or None
    return record


def _frame(records: list[Record]) -> pd.DataFrame:
    import pandas as pd

    columns = list(BASE_COLUMNS)
    for rec in records:
        for k in rec:
            if k not in columns:
                columns.append(k)
    data = {}
    for col in columns:
        values = [rec.get(col) for rec in records]
        if col == "amount_yuan" or col.endswith("_yuan") or col in ("excel_row", "version"):
            data[col] = pd.Series(values, dtype="Int64")
        elif col == "flagged":
            data[col] = pd.Series(values, dtype=bool)
        else:
            data[col] = pd.Series(values, dtype=object)
    return pd.DataFrame(data, columns=columns)


def from_yuan(yuan: int) -> Decimal:
    """Integer 元 → Decimal 万元 in plain form: 30, 12.3456, 0.1 (never 3E+1)."""
    wan = Decimal(int(yuan)).scaleb(-4)
    return wan.quantize(Decimal(1)) if wan == wan.to_integral_value() else wan.normalize()


def _sums(records: Sequence[Record], by: tuple[str, ...]) -> dict[tuple, int]:
    """Integer 元 summed per group of ``by`` (groups in order of first appearance; an amount that
    is missing counts as 0, so a group of missing amounts sums to 0)."""
    sums: dict[tuple, int] = {}
    for rec in records:
        group = tuple(rec[k] for k in by)
        sums[group] = sums.get(group, 0) + (rec["amount_yuan"] or 0)
    return sums


def consolidate(
    round_: Round, counted: Sequence[CountedVersion], control: ControlNumbers | None = None
) -> Consolidation:
    """Consolidate the versions that count (the caller chooses them) into rows and totals."""
    order = {u.short_name: i for i, u in enumerate(round_.units)}
    counted = sorted(
        counted,
        key=lambda v: (order.get(v.unit, len(order)), ALL_TABLES.index(v.table), v.project),
    )
    records: list[Record] = []
    for version in counted:
        parsed = version.parsed
        if parsed is None:
            continue
        if version.table == BUDGET:
            records.append(_budget_record(version, parsed))
        else:
            records.extend(_collection_records(version, parsed))
    unit_totals: dict[str, dict[str, Decimal]] = {}
    for v in counted:  # every counted table appears, even with no rows
        unit_totals.setdefault(v.unit, {})[v.table] = Decimal(0)
    for (unit, table), yuan in _sums(records, ("unit", "table")).items():
        unit_totals[unit][table] = from_yuan(yuan)
    by_table = _sums(records, ("table",))
    table_totals = {
        t: from_yuan(by_table[(t,)]) if (t,) in by_table else Decimal(0) for t in ALL_TABLES
    }

    category_totals: dict[str, dict[str, Decimal]] = {}
    valid = [rec for rec in records if rec["category"] is not None]
    sums = _sums(valid, ("table", "category"))
    for table in ALL_TABLES:
        if table == BUDGET:
            cats = list(dict.fromkeys(c for t in COLLECTION_TABLES for c in _categories(t)))
        else:
            cats = list(_categories(table))
        category_totals[table] = {
            c: from_yuan(sums[(table, c)]) for c in cats if (table, c) in sums
        }

    unit_categories: dict[str, dict[str, Decimal]] = {}
    collection = [rec for rec in records if rec["table"] != BUDGET]
    for (unit, category), yuan in _sums(collection, ("unit", "category")).items():
        unit_categories.setdefault(unit, {})[category or ""] = from_yuan(yuan)

    row_counts: dict[tuple[str, str], int] = {}
    for rec in records:
        key = (rec["unit"], rec["table"])
        row_counts[key] = row_counts.get(key, 0) + 1
    total = sum((table_totals[t] for t in COLLECTION_TABLES), Decimal(0))
    return Consolidation(
        round=round_,
        counted=list(counted),
        records=records,
        unit_totals=unit_totals,
        table_totals=table_totals,
        category_totals=category_totals,
        unit_categories=unit_categories,
        total=total,
        completeness=completeness_cells(round_, counted),
        reconciliation=reconcile(
            round_,
            counted,
            control,
            unit_totals=unit_totals,
            table_totals=table_totals,
            controlled_by_category=category_totals.get(CONTROLLED_TABLE, {}),
        ),
        control=control,
        row_counts=row_counts,
    )


def _categories(table: str) -> tuple[str, ...]:
    return load_specs().table(table).categories


def all_categories() -> tuple[str, ...]:
    """Every 类型 of 表一–表四 in list order (the longest list first: 表四's, the superset)."""
    cats: dict[str, None] = {}
    widest = max(COLLECTION_TABLES, key=lambda t: len(_categories(t)))
    for table in (widest, *COLLECTION_TABLES):
        cats.update(dict.fromkeys(_categories(table)))
    return tuple(cats)

"""Double requests (docs/reader.md): the same project key twice within one file is ``project.duplicate``,
an error at the second row naming the first. A row whose name is filled down from a merged cell is
the project above it, never a second request; a 表四 preset is the province's, never the unit's
double. Across files a repeated key is a new version, not a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable

from budget_planner.project_key import ProjectKey
from budget_planner.templates.round import Round
from budget_planner.templates.spec import COLLECTION_TABLES, load_specs
from budget_planner.validators.read.model import ParsedTable, TableRow
from budget_planner.validators.read.rows import preset_names
from budget_planner.validators.report.issues import Issue, issue


def find_duplicates(tables: Iterable[ParsedTable], round_: Round) -> dict[int, list[Issue]]:
    """project.duplicate issues of one file's tables, by ``id()`` of the table holding the second."""
    seen: dict[ProjectKey, tuple[ParsedTable, TableRow]] = {}
    found: dict[int, list[Issue]] = {}
    for table in tables:
        if table.table not in COLLECTION_TABLES:
            continue
        spec = load_specs().table(table.table)
        name_key = spec.project_column.key
        presets = preset_names(round_, table.table) if spec.has_presets else frozenset()
        for row in table.project_rows:
            if row.key is None or row.raw(name_key) is None or not row.key.name:
                continue  # no name, or one filled down from a merged cell above
            if row.key.name in presets:  # the key's name is already compact
                continue
            first = seen.setdefault(row.key, (table, row))
            if first[1] is row:
                continue
            found.setdefault(id(table), []).append(_issue(table, row, first, spec))
    return found


def _issue(table: ParsedTable, row: TableRow, first: tuple[ParsedTable, TableRow], spec) -> Issue:
    name_col = spec.project_column
    name, cell = row.value(name_col.key), row.cell(name_col.key)
    first_table, first_row = first
    first_sheet = first_table.sheet_of(first_row)
    sheet = table.sheet_of(row)
    where = f"第 {first_row.excel_row} 行（{first_row.cell(name_col.key)}）"
    if first_sheet != sheet:
        where = f"工作表“{first_sheet}”{where}"
    extra = "".join(
        f"、{spec.column(k).label}“{row.value(k)}”" for k in spec.key_columns if row.value(k)
    )
    return issue(
        "project.duplicate",
        sheet=sheet,
        cell=cell,
        row=row.excel_row,
        column=name_col.label,
        value=str(name),
        label=name_col.label,
        name=name,
        also=extra,
        first=where,
    )

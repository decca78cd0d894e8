"""The peer: frictionless ``validate()`` on the same files, told what a user would tell it.

frictionless reads the sheet (openpyxl, read-only), takes the header from the row the generator's
manifest names, and checks a Table Schema built from the same specs: amounts are numbers ≥ 0, required
text present, 类型 from the list, text within its length. 类型 is not required here (frictionless sees
a merged 类型 only on its group's first row), and 序号 is ``any`` (小计/合计 stand in it).

    .venv/bin/python -m benchmarks.baselines.peer FILE…
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from frictionless import Dialect, Schema, formats, validate

from benchmarks.generate import sheets_of
from budget_planner.templates.spec import ColumnKind, load_specs

FATAL = {"resource-error", "source-error", "scheme-error", "format-error", "encoding-error"}


def _field(col, label: str, categories: tuple[str, ...]) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    field: dict[str, Any] = {"name": label, "type": "string", "constraints": constraints}
    if col.kind is ColumnKind.AMOUNT:
        field["type"] = "number"
        constraints["minimum"] = 0
    elif col.kind is ColumnKind.SERIAL:
        field["type"] = "any"
    elif col.kind is ColumnKind.CATEGORY:
        constraints["enum"] = list(categories)
    if col.required and col.kind is not ColumnKind.CATEGORY:
        constraints["required"] = True
    if col.max_length:
        constraints["maxLength"] = col.max_length
    return field


def validate_file(path: Path) -> int:
    """Validate every table of a generated file; returns the errors frictionless reports."""
    path = path.resolve()
    errors = 0
    for info in sheets_of(path):
        spec = load_specs().table(info["table"])
        fields = [
            _field(col, label, spec.categories)
            for col, label in zip(spec.columns, info["labels"], strict=True)
        ]
        schema = Schema.from_descriptor({"fields": fields})
        dialect = Dialect(
            header_rows=[info["header_row"]], controls=[formats.ExcelControl(sheet=info["sheet"])]
        )
        report = validate(path.name, basepath=str(path.parent), schema=schema, dialect=dialect)
        broken = [e for t in report.tasks for e in t.errors if e.type in FATAL]
        if broken or not report.tasks:
            raise RuntimeError(f"frictionless could not validate {path.name}: {broken[:1]}")
        errors += report.stats["errors"]
    return errors


def main(paths: list[str]) -> None:
    for name in paths:
        validate_file(Path(name))


if __name__ == "__main__":
    main(sys.argv[1:])

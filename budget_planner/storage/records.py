"""What a validated table becomes in the database: its slot, its project rows, clean names."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from budget_planner.money import plain
from budget_planner.project_key import project_key, row_key
from budget_planner.storage.models import ProjectRow
from budget_planner.templates.spec import BUDGET, budget_spec, load_specs
from budget_planner.text import canonical, compact
from budget_planner.validators.read.model import ParsedTable

MAX_NAME = 255
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_SLOT = 200
MAX_AMOUNT = Decimal(10) ** 14  # Numeric(18, 4) holds up to 10^14 - 1 万元
_MAGIC = (
    (b"%PDF", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),
)


def _breaks(c: str) -> bool:
    """A character a file name never needs: a control (C0, DEL, C1: tab, CR and LF included,
    which would break a header line) or a line or paragraph separator."""
    return unicodedata.category(c) in ("Cc", "Zl", "Zp")


def clean_file_name(name: str) -> str:
    """The original name as data: no directories, no control or line-breaking characters, no
    direction overrides (清远市 U+202E xslx.exe would show as 清远市exe.xlsx), at most 255
    characters. Applied at storage and again when a stored name is sent back."""
    name = _BIDI_CONTROLS.sub("", str(name))
    if not name.isprintable():  # the common name has nothing to remove
        name = "".join(c for c in name if not _breaks(c))
    base = PurePosixPath(name.replace("\\", "/")).name.strip() or "未命名"
    if len(base) > MAX_NAME:
        suffix = PurePosixPath(base).suffix[:20]
        base = base[: MAX_NAME - len(suffix)] + suffix
    return base


def sniff_mime(data: bytes) -> str:
    return next(
        (mime for magic, mime in _MAGIC if data.startswith(magic)), "application/octet-stream"
    )


def slot_of(table: ParsedTable | None, table_id: str) -> str:
    """Empty for 表一–表四; a 预算表's 项目名称 (whitespace removed): one submission per project."""
    if table_id != BUDGET or table is None or table.budget is None:
        return ""
    return compact(table.budget.text("project_name"))[:MAX_SLOT]


def money_or_none(value: object) -> Decimal | None:
    if isinstance(value, Decimal) and value.is_finite() and abs(value) < MAX_AMOUNT:
        return value
    return None


def _json_value(value: object) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return plain(value) if value.is_finite() else str(value)
    return str(value)


def project_rows_of(unit: str, table_id: str, table: ParsedTable) -> list[ProjectRow]:
    """The rows that name a project, each with its project key (a 预算表 gives one)."""
    if table_id == BUDGET:
        form = table.budget
        if form is None:
            return []
        name = form.text("project_name")
        category = form.text("category")
        owner = canonical(form.text("table_ref")) or BUDGET
        total = form.fields.get(budget_spec().sources[0].key)
        return [
            ProjectRow(
                position=0,
                sheet=table.sheet,
                excel_row=None,
                amount_cell=total.cell if total is not None else None,
                category=category,
                name=name,
                key=str(project_key(unit, owner, category, name)),
                amount=money_or_none(total.value if total is not None else None),
                values_json={
                    k: {"value": _json_value(f.value), "cell": f.cell}
                    for k, f in form.fields.items()
                },
            )
        ]
    spec = load_specs().table(table_id)
    rows = []
    for position, row in enumerate(table.project_rows):
        name = canonical(row.value(spec.project_column.key))
        rows.append(
            ProjectRow(
                position=position,
                sheet=table.sheet_of(row),
                excel_row=row.excel_row,
                amount_cell=row.cell(spec.amount_column.key),
                category=row.category or "",
                name=name,
                key=str(row_key(unit, table_id, row.category, row.value)),
                amount=money_or_none(row.value(spec.amount_column.key)),
                values_json={
                    k: {"value": _json_value(f.value), "cell": f.cell}
                    for k, f in row.fields.items()
                },
            )
        )
    return rows

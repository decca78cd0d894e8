"""The very hidden metadata sheet that makes an issued template recognisable when it comes back."""

from __future__ import annotations

from collections.abc import Sequence

SHEET_NAME = "bp_meta"
GENERATOR = "budget_planner"

# the keys written, one per row: column A the key, column B the value
KEYS = ("generator", "table", "spec_version", "round", "year", "unit", "unit_full_name")


def rows(
    *,
    table: str,
    spec_version: str,
    round_id: str,
    year: int,
    unit: str = "",
    unit_full_name: str = "",
) -> list[tuple[str, str]]:
    values = {
        "generator": GENERATOR,
        "table": table,
        "spec_version": spec_version,
        "round": round_id,
        "year": str(year),
        "unit": unit,
        "unit_full_name": unit_full_name,
    }
    return [(k, values[k]) for k in KEYS]


def parse(pairs: Sequence[tuple[object, object]]) -> dict[str, str] | None:
    """The metadata of a sheet's first two columns, or None when it is not ours."""
    found = {str(k).strip(): "" if v is None else str(v).strip() for k, v in pairs if k is not None}
    if found.get("generator") != GENERATOR or not found.get("table"):
        return None
    return found

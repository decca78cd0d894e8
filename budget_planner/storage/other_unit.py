"""Another unit's file: a unit account's upload whose workbook names another unit of the round
in its metadata or its 填报单位 line is refused whole (``uploads.store_upload_tables``); a unit
named only in the file name stays a warning."""

from __future__ import annotations

from collections.abc import Sequence

from budget_planner.storage.scope import WorkflowConflict
from budget_planner.validators.check.pipeline import Checked


class UploadRefused(WorkflowConflict):
    """The file is another unit's: nothing of it was stored (the refusal is audited)."""


OTHER_UNIT = "unit.conflict"  # metadata or 填报单位 naming a unit other than the uploader's


def other_units_table(checked: Sequence[Checked]) -> Checked | None:
    """The first table whose metadata or 填报单位 line names another unit of the round.

    The reader, told the uploader's unit, reports that as a ``unit.conflict`` error (a unit named
    only in the file name is a warning with the same code, and does not count here)."""
    return next((c for c in checked if any(i.code == OTHER_UNIT for i in c.report.errors)), None)


def named_unit(found: Checked, own: str) -> str:
    """The other unit the file names (its own unit may be in the metadata, another in 填报单位)."""
    if found.report.unit and found.report.unit != own:
        return found.report.unit
    named = (i.value for i in found.report.errors if i.code == OTHER_UNIT and i.value)
    return next((str(v) for v in named if v != own), "其他单位")

"""The web's one door to validation and annotation (the core's pipeline and annotate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from budget_planner.storage.counted import report_from_dict
from budget_planner.templates.round import Round
from budget_planner.validators.check.pipeline import Checked, Parse, Upload, validate_uploads
from budget_planner.validators.report.annotate import annotate, annotated_name


def check_batch(
    files: Sequence[tuple[bytes, str]], config: Round, unit: str, parse: Parse | None = None
) -> list[list[Checked]]:
    """One upload's files validated together (a 预算表 is checked against its table row).

    ``parse`` is the pipeline's (None: the guarded parse worker)."""
    uploads = [Upload(data, name, unit) for data, name in files]
    return validate_uploads(uploads, config, parse=parse)


def annotated(data: bytes, name: str, reports: Iterable[dict[str, Any]]) -> tuple[bytes, str]:
    """The file with the problems of its stored reports marked, and its name ``<stem>-标注.xlsx``."""
    checked = [Checked(report_from_dict(r), None) for r in reports]
    return annotate(data, name, checked), annotated_name(name)

"""The web's one door to validation and annotation (the core's pipeline and annotate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from budget_planner.templates.round import Round
from budget_planner.validators.annotate import annotate, annotated_name
from budget_planner.validators.codes import Severity
from budget_planner.validators.pipeline import Checked, Parse, Upload, validate_uploads
from budget_planner.validators.report import Issue, Report


def check_batch(
    files: Sequence[tuple[bytes, str]], config: Round, unit: str, parse: Parse | None = None
) -> list[list[Checked]]:
    """One upload's files validated together (a 预算表 is checked against its table row).

    ``parse`` is the pipeline's (None: the guarded parse worker)."""
    uploads = [Upload(data, name, unit) for data, name in files]
    return validate_uploads(uploads, config, parse=parse)


def _decimal(value: Any) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def report_from_dict(found: dict[str, Any]) -> Report:
    """A stored report (DESIGN §5 shape) back as a Report."""
    return Report(
        file=found.get("file") or "",
        table=found.get("table"),
        unit=found.get("unit"),
        sheet=found.get("sheet"),
        rows=int(found.get("rows") or 0),
        total=_decimal(found.get("total")),
        totals_by_category={
            k: Decimal(v) for k, v in (found.get("totals_by_category") or {}).items()
        },
        stated_total=_decimal(found.get("stated_total")),
        issues=[
            Issue(
                code=i["code"],
                message=i["message"],
                sheet=i.get("sheet"),
                cell=i.get("cell"),
                row=i.get("row"),
                column=i.get("column"),
                value=i.get("value"),
                severity=Severity(i["severity"]),
            )
            for i in found.get("issues") or []
        ],
    )


def annotated(data: bytes, name: str, reports: Iterable[dict[str, Any]]) -> tuple[bytes, str]:
    """The file with the problems of its stored reports marked, and its name ``<stem>-标注.xlsx``."""
    checked = [Checked(report_from_dict(r), None) for r in reports]
    return annotate(data, name, checked), annotated_name(name)

"""Validation of a batch of uploads: read (in the parse worker), recognise, check, report.

The CLI and the web both go through here. A batch is validated with one schema run per table type
(DESIGN §9), and every table found gets a Report in the DESIGN §5 shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from budget_planner.templates.round import Round
from budget_planner.validators.model import ParsedTable
from budget_planner.validators.report import Report


@dataclass(frozen=True)
class Upload:
    """One file as received: its bytes, its original name, and the unit the caller expects, if known."""

    data: bytes
    name: str
    expected_unit: str | None = None


@dataclass
class Checked:
    """One table of one upload after validation (or the single entry of an unreadable file)."""

    report: Report
    table: ParsedTable | None  # None when the file could not be read
    modified: dt.datetime | None = None  # the workbook's own modified time (document properties)


def validate_uploads(uploads: Sequence[Upload], round_: Round) -> list[list[Checked]]:
    """Validate a batch; one list per upload, in order, with one Checked per table found."""
    raise NotImplementedError  # implemented by the validation work (issue 3)


def validate_bytes(
    data: bytes, name: str, round_: Round, expected_unit: str | None = None
) -> list[Checked]:
    return validate_uploads([Upload(data, name, expected_unit)], round_)[0]

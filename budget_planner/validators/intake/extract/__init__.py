"""Reading an uploaded file into a WorkbookGrid: the container gate first, then the right extractor.

``read_workbook`` runs in this process; the web server and the CLI go through
``budget_planner.validators.intake.worker.parse_workbook``, which runs ``extract`` in a guarded worker.
"""

from __future__ import annotations

import logging

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.gate import DEFAULT_LIMITS, Container, Limits, check_container
from budget_planner.validators.intake.grid import WorkbookGrid
from budget_planner.validators.report.issues import issue, unreadable

log = logging.getLogger(__name__)


def extract(data: bytes, container: Container, limits: Limits = DEFAULT_LIMITS) -> WorkbookGrid:
    """Run the extractor for a file that already passed the gate (this is what the worker runs)."""
    try:
        grid = _extract(data, container, limits)
    except (UnreadableFile, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a parser's error or a Rust panic (pyo3 PanicException)
        log.warning("parser failed on a %s file: %r", container.kind, exc)
        raise unreadable("file.corrupt") from exc
    if container.macros:
        grid.issues.append(issue("file.macros_ignored"))
    return grid


def _extract(data: bytes, container: Container, limits: Limits) -> WorkbookGrid:
    if container.kind in ("xlsx", "xlsm"):
        from budget_planner.validators.intake.extract.xlsx import read_xlsx

        return read_xlsx(data, container.kind, limits, container.kept)
    if container.kind == "docx":
        from budget_planner.validators.intake.extract.docx import read_docx

        return read_docx(data, limits)
    from budget_planner.validators.intake.extract.xls import read_xls

    return read_xls(data, limits)


def read_workbook(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> WorkbookGrid:
    """Gate then extract, in this process (the gate scans the sheets while it inflates them).
    Raises UnreadableFile with a file.* code."""
    return extract(data, check_container(data, name, limits, keep_sheets=True), limits)

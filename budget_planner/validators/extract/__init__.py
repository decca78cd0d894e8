"""Reading an uploaded file into a WorkbookGrid: the container gate first, then the right extractor.

``read_workbook`` runs in-process; the web server and the CLI go through
``budget_planner.validators.worker.parse_workbook``, which runs the extractors in a guarded worker.
"""

from __future__ import annotations

from budget_planner.validators.gate import DEFAULT_LIMITS, Container, Limits, check_container
from budget_planner.validators.grid import WorkbookGrid


def extract(data: bytes, container: Container, limits: Limits = DEFAULT_LIMITS) -> WorkbookGrid:
    """Run the extractor for a file that already passed the gate (this is what the worker runs)."""
    if container.kind in ("xlsx", "xlsm"):
        from budget_planner.validators.extract.xlsx import read_xlsx

        grid = read_xlsx(data, container.kind, limits)
    elif container.kind == "docx":
        from budget_planner.validators.extract.docx import read_docx

        grid = read_docx(data)
    else:
        raise NotImplementedError(container.kind)
    return grid


def read_workbook(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> WorkbookGrid:
    """Gate then extract, in this process. Raises UnreadableFile with a file.* code."""
    return extract(data, check_container(data, name, limits), limits)

"""The floor: the container gate plus python-calamine reading every sheet, and nothing else.

No validation could read a file faster than this, so every validation figure is a ratio to it.

    .venv/bin/python -m benchmarks.baselines.floor FILE…   (the whole-process floor)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import python_calamine as pc

from budget_planner.validators.intake.gate import check_container


def read(data: bytes, name: str) -> int:
    """Gate the bytes, then read every sheet's values with calamine; returns the cells read."""
    check_container(data, name)
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = 0
    try:
        for sheet in book.sheet_names:
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            cells += sum(len(r) for r in rows)
    finally:
        book.close()
    return cells


def main(paths: list[str]) -> None:
    for path in map(Path, paths):
        read(path.read_bytes(), path.name)


if __name__ == "__main__":
    main(sys.argv[1:])

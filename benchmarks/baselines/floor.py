"""The floor, as issue 16 fixes it: the standard library's ``zipfile`` inflating every part of the
file, plus python-calamine reading every sheet to Python values — and nothing else.

No validation could read a file faster than this, so every validation figure is a ratio to it. The
container gate and any scan of the sheet XML are the engine's own work, not the floor's: moving work
between them and the reader does not move the target. A file that is no zip (an ``.xls``) is read by
calamine alone; one calamine cannot read (a ``.docx``) is only inflated.

    .venv/bin/python -m benchmarks.baselines.floor FILE…   (the whole-process floor)
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import python_calamine as pc

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")


def inflate(data: bytes) -> int:
    """Inflate every part of a zip container; the bytes inflated (0 for a file that is no zip)."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return 0
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if not info.is_dir():
                total += len(z.read(info))
    return total


def read(data: bytes, name: str) -> int:
    """Inflate every part, then read every sheet's values with calamine; returns the cells read."""
    inflate(data)
    if Path(name).suffix.lower() not in SPREADSHEETS:
        return 0
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

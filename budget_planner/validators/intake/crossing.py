"""A grid's way from the parse worker to the caller: compact, and cheap at both ends.

Pickling a grid of a 50,000-row return (hundreds of thousands of cells) costs the worker ~0.4 s and
the caller ~0.3 s to load back. ``pack`` sends the cell values instead as one ``marshal`` blob of
plain values (text, numbers, booleans, blanks — marshal writes and reads those in C, about twice as
fast as pickle); the few cells of other types (an Excel error, a date, an evaluated formula's
Decimal, a Formula) go beside it with their places, in a small pickled header that also carries
everything else of the grid. ``unpack`` puts them back: the same grid, value for value and type for
type.
"""

from __future__ import annotations

import dataclasses
import marshal
from typing import Any

from budget_planner.validators.intake.grid import CellValue, WorkbookGrid
from budget_planner.warm import no_cyclic_gc

# the types marshal keeps exactly (never a subclass: ErrorValue is a str that must stay one)
_PLAIN = frozenset({str, int, float, bool, type(None)})
_MARSHAL_VERSION = 4

# (sheet index, row index, column index, value): a cell marshal would not keep as it is
Special = tuple[int, int, int, CellValue]


@dataclasses.dataclass(frozen=True)
class Packed:
    """The small, pickled part of a packed grid: the grid without its values, and the cells
    whose values are not plain."""

    shell: WorkbookGrid
    specials: list[Special]


def pack(grid: WorkbookGrid) -> tuple[Packed, bytes]:
    """The grid as a small header and one marshal blob of every sheet's plain values."""
    specials: list[Special] = []
    tables: list[list[list[Any]]] = []
    for s, sheet in enumerate(grid.sheets):
        rows: list[list[Any]] = []
        for r, line in enumerate(sheet.values):
            if _PLAIN.issuperset(map(type, line)):
                rows.append(line)
                continue
            kept: list[Any] = []
            for c, value in enumerate(line):
                if type(value) in _PLAIN:
                    kept.append(value)
                else:
                    specials.append((s, r, c, value))
                    kept.append(None)
            rows.append(kept)
        tables.append(rows)
    blob = marshal.dumps(tables, _MARSHAL_VERSION)
    shell = dataclasses.replace(
        grid, sheets=[dataclasses.replace(sheet, values=[]) for sheet in grid.sheets]
    )
    return Packed(shell, specials), blob


def unpack(packed: Packed, blob: bytes) -> WorkbookGrid:
    """The grid ``pack`` was given."""
    with no_cyclic_gc():  # tens of thousands of row lists, none of them in a cycle
        tables = marshal.loads(blob)
    grid = packed.shell
    for sheet, rows in zip(grid.sheets, tables, strict=True):
        sheet.values = rows
    for s, r, c, value in packed.specials:
        grid.sheets[s].values[r][c] = value
    return grid

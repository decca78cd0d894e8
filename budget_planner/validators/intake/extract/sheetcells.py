"""The cells a sheet scan looks at closely: formula and error cells, and the exact walk."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from budget_planner.errors import UnreadableFile
from budget_planner.validators.report.issues import unreadable

MAX_ROW, MAX_COL = 1_048_576, 16_384  # XFD1048576

_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_CELL_OPEN = re.compile(rb"<" + _P + rb"c\b")
_CELL = re.compile(rb"<" + _P + rb"c\b([^>]*?)(?:/>|(?<!/)>(.*?)</" + _P + rb"c\s*>)", re.DOTALL)
_ROW_OR_CELL = re.compile(
    rb"<" + _P + rb"(?:row\b([^>]*)>|c\b([^>]*?)(?:/>|(?<!/)>(.*?)</" + _P + rb"c\s*>))",
    re.DOTALL,
)
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_NOTABLE = re.compile(rb"<" + _P + rb"f\b|\st\s*=\s*[\"']e[\"']")
_F = re.compile(rb"<" + _P + rb"f\b([^>]*?)(?:/>|(?<!/)>(.*?)</" + _P + rb"f\s*>)", re.DOTALL)
_V = re.compile(rb"<" + _P + rb"v\b[^>]*?(?:/>|(?<!/)>(.*?)</" + _P + rb"v\s*>)", re.DOTALL)
_REF = re.compile(rb"([A-Za-z]+)([0-9]+)")


@dataclass
class FormulaCell:
    text: str  # without the leading "="; shared formulas already moved to this cell
    cached: bool  # a result was stored with it


@dataclass
class SheetScan:
    first_row: int = 0  # exact extent of the cells holding values, when the exact pass ran
    last_row: int = 0
    first_col: int = 0
    last_col: int = 0
    col_bound: int = 26  # the bounds pass: no cell lies in a column past this
    formulas: dict[tuple[int, int], FormulaCell] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # t="e": '#DIV/0!' …
    hidden_rows: list[int] = field(default_factory=list)  # <row r="5" hidden="1">

    @property
    def height(self) -> int:
        return self.last_row - self.first_row + 1 if self.first_row else 0

    @property
    def width(self) -> int:
        return self.last_col - self.first_col + 1 if self.first_col else 0

    def include(self, row0: int, row1: int, col0: int, col1: int) -> None:
        if self.first_row == 0:
            self.first_row, self.last_row, self.first_col, self.last_col = row0, row1, col0, col1
            return
        self.first_row, self.last_row = min(self.first_row, row0), max(self.last_row, row1)
        self.first_col, self.last_col = min(self.first_col, col0), max(self.last_col, col1)


def col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def out_of_grid(sheet: str, ref: str) -> UnreadableFile:
    return unreadable("file.out_of_grid", sheet=sheet, ref=ref[:20])


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {
        m[1].rsplit(b":", 1)[-1]: m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(raw)
    }


def _text(raw: bytes | None) -> str:
    return html.unescape(raw.decode("utf-8", "replace")) if raw else ""  # &amp; &#10; …


def _position(attrs: dict[bytes, bytes]) -> tuple[int, int] | None:
    m = _REF.fullmatch(attrs.get(b"r", b""))
    if m is None or len(m[1]) > 3 or len(m[2].lstrip(b"0")) > 7:
        return None
    return int(m[2]), col_number(m[1])


class CellNotes:
    """Records formula cells (shared formulas moved to each cell) and error cells into a scan."""

    def __init__(self, scan: SheetScan, sheet: str) -> None:
        self.scan, self.sheet = scan, sheet
        self.masters: dict[bytes, tuple[str, int, int]] = {}  # shared formula si → text, cell

    def cells_at(self, seg: bytes, positions: Iterable[int], opener: bytes | None) -> None:
        """Note the cells holding these positions (a <f> tag or a t="e" attribute)."""
        done: set[int] = set()
        for pos in positions:
            start = self._cell_start(seg, pos + 1, opener)
            if start < 0 or start in done:
                continue
            done.add(start)
            cell = _CELL.match(seg, start)
            if cell is None or cell.end() <= pos:
                continue
            attrs = _attrs(cell[1])
            where = _position(attrs)
            if where is not None:
                self.note(where[0], where[1], attrs, cell[2])

    @staticmethod
    def _cell_start(seg: bytes, pos: int, opener: bytes | None) -> int:
        if opener is not None:
            return seg.rfind(opener, 0, pos)
        for _ in range(16):
            pos = seg.rfind(b"<", 0, pos)
            if pos < 0 or _CELL_OPEN.match(seg, pos):
                return pos
        return -1

    def note(self, row: int, col: int, attrs: dict[bytes, bytes], body: bytes | None) -> None:
        body = body or b""
        v = _V.search(body)
        if attrs.get(b"t") == b"e" and v is not None and v[1]:
            self.scan.errors[(row, col)] = _text(v[1]).strip()
        f = _F.search(body)
        if f is not None:
            text = self._formula_text(_attrs(f[1]), _text(f[2]), row, col)
            # an empty <v></v> is a cached empty string only for a text result (t="str");
            # openpyxl writes it for every formula it could not calculate
            cached = v is not None and (bool(v[1]) or attrs.get(b"t") == b"str")
            self.scan.formulas[(row, col)] = FormulaCell(text.lstrip("="), cached=cached)

    def _formula_text(self, attrs: dict[bytes, bytes], body: str, row: int, col: int) -> str:
        if attrs.get(b"t") != b"shared" or b"si" not in attrs:
            return body
        si = attrs[b"si"]
        if body:
            self.masters[si] = (body, row, col)
            return body
        if si not in self.masters:
            return body
        from budget_planner.validators.intake.extract.formulas import shift

        text, row0, col0 = self.masters[si]
        return shift(text, row - row0, col - col0)


class Walk:
    """Exact positions for sheets with cells lacking r: rows and columns counted as Excel does."""

    def __init__(self, sheet: str, scan: SheetScan) -> None:
        self.sheet, self.scan, self.notes = sheet, scan, CellNotes(scan, sheet)
        self.row, self.col = 0, 0
        self.places: list[tuple[int, int]] = []  # every cell's (row, column), for the order check

    def feed(self, seg: bytes) -> None:
        for m in _ROW_OR_CELL.finditer(seg):
            if m[1] is not None:  # <row …>
                r = _attrs(m[1]).get(b"r", b"")
                self.row = int(r[:8]) if r.isdigit() else self.row + 1
                self.col = 0
                continue
            attrs = _attrs(m[2])
            if b"r" in attrs:
                where = _position(attrs)
                if where is None:
                    raise out_of_grid(self.sheet, attrs[b"r"].decode("ascii", "replace"))
                self.row, self.col = where
            else:
                self.row, self.col = max(self.row, 1), self.col + 1
            if not (1 <= self.row <= MAX_ROW and 1 <= self.col <= MAX_COL):
                raise out_of_grid(self.sheet, f"第 {self.row} 行第 {self.col} 列")
            self.places.append((self.row, self.col))
            body = m[3]
            if body and body.strip():  # not self-closed, not empty: data (styled empties are not)
                self.scan.include(self.row, self.row, self.col, self.col)
            if _NOTABLE.search(m[2]) or (body and _NOTABLE.search(body)):
                self.notes.note(self.row, self.col, attrs, body)

"""What calamine does not tell about an .xls: error cells (calamine reads them as blanks) and the
document's last-saved time. Standard library only, over the compound file the gate already checked."""

from __future__ import annotations

import datetime as dt
import struct

from budget_planner.validators.intake.cfb import CfbError, CompoundFile

_BOUNDSHEET, _BOF, _EOF, _FORMULA, _BOOLERR = 0x0085, 0x0809, 0x000A, 0x0006, 0x0205
# records holding a cell value (row, column first): NUMBER, RK, LABELSST, LABEL, RSTRING, BOOLERR,
# FORMULA; MULRK holds several (its last column at the end). BLANK and MULBLANK are formatting.
_VALUE_RECORDS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, _BOOLERR, _FORMULA})
_MULRK = 0x00BD
_ROW = 0x0208  # a row's record: its option flags say whether it is hidden (fDyZero)
_ROW_HIDDEN = 0x0020
ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
_LAST_SAVED = 0x0D  # PIDSI_LASTSAVE_DTM
_VT_FILETIME = 0x0040
_FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


def _records(stream: bytes, pos: int):
    """(type, body start, body length) of each record from pos to the substream's EOF."""
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, pos + 4, length
        if kind == _EOF:
            return
        pos += 4 + length


def _sheet_name(stream: bytes, start: int, length: int) -> str:
    cch, flags = stream[start + 6], stream[start + 7]
    raw = stream[start + 8 : start + length]
    return (
        raw[: cch * 2].decode("utf-16-le", "replace") if flags & 1 else raw[:cch].decode("latin-1")
    )


def _workbook_sheets(data: bytes) -> tuple[bytes, list[tuple[str, int]]]:
    """The workbook stream and each sheet's (name, offset of its substream)."""
    try:
        cfb = CompoundFile(data)
        book = cfb.find("Workbook") or cfb.find("Book")
        stream = cfb.read_start(book, book.size) if book else b""
    except CfbError:
        return b"", []
    sheets = [
        (_sheet_name(stream, start, length), struct.unpack_from("<I", stream, start)[0])
        for kind, start, length in _records(stream, 0)
        if kind == _BOUNDSHEET and length >= 8
    ]
    return stream, sheets


def value_extents(data: bytes) -> dict[str, tuple[int, int, int, int]]:
    """Per sheet name, (first row, last row, first column, last column), 1-based, of the cells
    holding a value — read from the records before any parser sees the file (calamine allocates the
    whole rectangle, and aborts on A1 + IV65536)."""
    stream, sheets = _workbook_sheets(data)
    found: dict[str, tuple[int, int, int, int]] = {}
    for name, offset in sheets:
        rows: list[int] = []
        cols: list[int] = []
        for kind, start, length in _records(stream, offset):
            if kind in _VALUE_RECORDS and length >= 4:
                row, col = struct.unpack_from("<HH", stream, start)
                rows.append(row)
                cols.append(col)
            elif kind == _MULRK and length >= 6:
                row, col = struct.unpack_from("<HH", stream, start)
                (last,) = struct.unpack_from("<H", stream, start + length - 2)
                rows.append(row)
                cols += [col, last]
        if rows:
            found[name] = (min(rows) + 1, max(rows) + 1, min(cols) + 1, max(cols) + 1)
    return found


def hidden_rows(data: bytes) -> dict[str, list[int]]:
    """Per sheet name, the 1-based rows the sheet hides (ROW records flagged fDyZero)."""
    stream, sheets = _workbook_sheets(data)
    found: dict[str, list[int]] = {}
    for name, offset in sheets:
        rows = [
            struct.unpack_from("<H", stream, start)[0] + 1
            for kind, start, length in _records(stream, offset)
            if kind == _ROW
            and length >= 14
            and struct.unpack_from("<H", stream, start + 12)[0] & _ROW_HIDDEN
        ]
        if rows:
            found[name] = rows
    return found


def error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet name, the cells holding an error value (typed, or a formula's cached error)."""
    stream, sheets = _workbook_sheets(data)
    found: dict[str, dict[tuple[int, int], str]] = {}
    for name, offset in sheets:
        cells: dict[tuple[int, int], str] = {}
        for kind, start, length in _records(stream, offset):
            if kind == _BOOLERR and length >= 8 and stream[start + 7] == 1:
                code = stream[start + 6]
            elif kind == _FORMULA and length >= 14 and stream[start + 6] == 2:
                if stream[start + 12 : start + 14] != b"\xff\xff":
                    continue
                code = stream[start + 8]
            else:
                continue
            row, col = struct.unpack_from("<HH", stream, start)
            cells[(row + 1, col + 1)] = ERRORS.get(code, "#VALUE!")
        if cells:
            found[name] = cells
    return found


def last_saved(data: bytes) -> dt.datetime | None:
    """The SummaryInformation property set's last-saved time (UTC), when stated."""
    try:
        cfb = CompoundFile(data)
        entry = cfb.find("\x05SummaryInformation")
        stream = cfb.read_start(entry, min(entry.size, 65536)) if entry else b""
        if len(stream) < 48:
            return None
        (offset,) = struct.unpack_from("<I", stream, 44)
        _, count = struct.unpack_from("<II", stream, offset)
        for i in range(min(count, 256)):
            pid, where = struct.unpack_from("<II", stream, offset + 8 + 8 * i)
            if pid != _LAST_SAVED:
                continue
            kind, low, high = struct.unpack_from("<I II", stream, offset + where)
            if kind & 0xFFFF != _VT_FILETIME:
                return None
            ticks = (high << 32) | low
            return _FILETIME_EPOCH + dt.timedelta(microseconds=ticks // 10) if ticks else None
    except (CfbError, struct.error, OverflowError):
        return None
    return None

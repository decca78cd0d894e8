"""A streaming scan of one worksheet's XML before calamine sees it: data extent, formulas, error cells.

calamine aborts the whole process on a sheet with values in A1 and XFD1048576, so the grid caps are
checked here first. The part is inflated once (by the gate in one process, else by ``keep_sheet``)
and kept (``SheetXml``); as each chunk comes, one search looks for any cell tag other than a plain
``<c r="A1">`` in A–Z below row 100,000 — where there is none, no cell can make a range past the
caps (the quick proof), and calamine may parse the sheet on another thread while the passes below
run (extract/xlsx.py). Three passes, cheapest first:

1. bounds — for sheets written the usual way (every cell ``<c r="…"``, no namespace prefix): one
   ``findall`` keeps every row, cell and formula tag in a few bytes (a digest), and a few regexes
   over that digest prove each cell's reference within its row's number, rows strictly rising and
   no cell twice (the order check per row); a segment they cannot settle is looked at cell by cell
   (two searches prove every cell tag usual, one ``findall`` of the references gives the rows and
   the columns past Z), with no Python per cell either way, over the segments kept;
2. exact extent — when the bounds do not hold: the rows and columns of the cells holding a value
   (a ``<v>``, ``<is>`` or ``<f>`` child) only; styled empty cells and ``<dimension>`` are not data;
3. a cell-by-cell walk — when some cell has no ``r`` and its position must be counted.

Formula and error cells are picked out in every pass (Python work only for those cells).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter, lt

from budget_planner.validators.intake.extract.cellorder import CellOrder
from budget_planner.validators.intake.extract.sheetcells import (
    MAX_COL,
    MAX_ROW,
    CellNotes,
    SheetScan,
    Walk,
    col_number,
    out_of_grid,
)
from budget_planner.validators.report.issues import unreadable

CHUNK = 4 * 1024 * 1024

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (<x:c …>)
_CELL_OPEN = re.compile(rb"<" + _P + rb"c\b")
_CELL_WITH_R = re.compile(rb"<" + _P + rb"c\b[^>]*?\sr\s*=")
# pass 1: anything unusual about the cell tags sends the sheet to pass 2
# (calamine accepts lower-case references and leading zeros: anything but A1-style is odd)
_ODD_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]+[1-9][0-9]*")')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_ERROR_TYPE = re.compile(rb't="e"')
# passes 2 and 3: a cell holding a value — its reference, for a cell neither self-closed nor empty
# (a <v>, <is> or <f> child; anything else inside counts too, to be safe)
_VALUE_REF = re.compile(
    rb"<"
    + _P
    + rb"c\b[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"'][^>]*(?<!/)>(?!\s*</"
    + _P
    + rb"c\s*>)"
)
_USUAL_VALUE_REF = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*+(?<!/)>(?!\s*+</c>)')
_NOTABLE = re.compile(rb"<" + _P + rb"f\b|\st\s*=\s*[\"']e[\"']")
# every cell's reference, for the order check: usual tags, and any tags
_USUAL_REF = re.compile(rb'<c r="([A-Z]+)([0-9]+)"')
_ANY_REF = re.compile(rb"<" + _P + rb"c\b[^>]*?\sr\s*=\s*[\"']([A-Za-z]+)([0-9]+)")
# pass 1 row by row: every tag that matters, in a few bytes each — a cell with a usual reference whose
# tag closes before any "<" and has no value starting with "e" (so no error type t="e"), as c r="A5";
# a row numbered first whose tag holds no "hidden", as row r="5"; any other row tag with its
# attributes; an odd cell tag (and a usual one that may be an error cell) or a formula tag as its start
_TAGS = re.compile(
    rb'<(c r="[A-Z]+[1-9][0-9]*"(?=[^<>"\']*+(?:["\'](?!e)[^<>"\']*+)*+>)'
    rb'|row r="[1-9][0-9]*"(?=[^<>h]*+(?:h(?!idden)[^<>h]*+)*+>)'
    rb"|row\b[^<>]*+|c[\s/>]|f\b[^<]?)"
)
# a prefixed cell (pass 1 escalates), row (it may be hidden) or formula (an error cell's note reads it)
_PREFIXED = re.compile(rb":(?:c[\s>/]|row\b|f\b)")
_HEAD = re.compile(rb'(?:<c r="[A-Z]+[1-9][0-9]*"(?:<f[^<])?+)*+')
_BODY = re.compile(
    rb'(?:<row r="([1-9][0-9]{0,8})"[^<]*+'
    + b"".join(rb'(?:<c r="' + bytes([c]) + rb'\1"(?:<f[^<])?+)?+' for c in range(65, 91))
    + rb")*+"
)
_BODY_WIDE = re.compile(
    rb'(?:<row r="([1-9][0-9]{0,8})"[^<]*+(?:<c r="[A-Z]{1,3}\1"(?:<f[^<])?+)*+)*+'
)
_DIGEST_ROW = re.compile(rb'<row r="([0-9]+)"')
_DIGEST_REF = re.compile(rb'<c r="([A-Z]+)([0-9]+)"')
_MULTI_LETTER = re.compile(rb'<c r="([A-Z]{2,})')
_ODD_FORMULA = re.compile(rb"<f(?![\s>/])")
_UNUSUAL_ROW = re.compile(rb'<row(?! r="[0-9]+"(?:<|\Z))')
_FORMULA_TAGS = {b"f" + bytes([c]) for c in b" \t\n\r\x0b\x0c>/"}
_MISSES = 3  # segments the proof did not settle before a sheet is looked at cell by cell only
# a hidden row (Excel writes hidden="1", LibreOffice hidden="true") and its number
_HIDDEN_ROW = re.compile(rb"<" + _P + rb"row\b([^>]*?\shidden\s*=\s*[\"'](?:1|true)[\"'][^>]*)>")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"']0*([1-9][0-9]{0,6})[\"']")


def _pieces(stream, cutter: Segments) -> Iterator[tuple[bytes, int]]:
    """The XML of a part in pieces of about CHUNK bytes, each cut just before a cell's opening tag."""
    while piece := stream.read(CHUNK):
        yield from cutter.push(piece)
    yield from cutter.close()


class Segments:
    """The XML, pushed in chunks of any size, cut into segments: the stream in pieces of
    CHUNK bytes, each piece with what was carried from the last cut just before a cell's opening
    tag (the same segments whether the bytes come from a zip stream or from the gate's inflating).
    A segment comes as (buffer, end): it is ``buffer[:end]``, not copied until needed."""

    def __init__(self) -> None:
        self.carry = b""
        self.parts: list[bytes] = []  # the current piece, not yet CHUNK bytes long
        self.size = 0

    def push(self, chunk: bytes) -> Iterator[tuple[bytes, int]]:
        while chunk:
            room = CHUNK - self.size
            self.parts.append(chunk[:room] if len(chunk) > room else chunk)
            self.size += min(len(chunk), room)
            chunk = chunk[room:] if len(chunk) > room else b""
            if self.size == CHUNK:
                yield from self._cut()

    def close(self) -> Iterator[tuple[bytes, int]]:
        if self.size:
            yield from self._cut()
        if self.carry:
            carry, self.carry = self.carry, b""
            yield carry, len(carry)

    def _cut(self) -> Iterator[tuple[bytes, int]]:
        buf = b"".join([self.carry, *self.parts])
        self.parts, self.size = [], 0
        cut = _last_cell_start(buf)
        if cut <= 0:
            self.carry = buf
            return
        self.carry = buf[cut:]
        yield buf, cut


def _last_cell_start(buf: bytes) -> int:
    for window in (4096, 65536, len(buf)):
        start = max(len(buf) - window, 0)
        last = -1
        for m in _CELL_OPEN.finditer(buf, start):
            last = m.start()
        if last >= 0:
            return last
        if start == 0:
            break
    return buf.rfind(b"<")


def _hidden_rows(seg: bytes, scan: SheetScan) -> None:
    """Note the rows the sheet hides (their data is read all the same; the reader says so)."""
    if b"hidden" not in seg:
        return
    for m in _HIDDEN_ROW.finditer(seg):
        number = _ROW_NUMBER.search(m[1])
        if number is not None:
            scan.hidden_rows.append(int(number[1]))


class _Escalate(Exception):
    """This pass cannot settle the sheet: run the next one."""


class _Run:
    """One pass over one sheet: what it found so far."""

    def __init__(self, sheet: str, limits, order: CellOrder) -> None:
        self.sheet, self.limits = sheet, limits
        self.scan = SheetScan()
        self.notes = CellNotes(self.scan, sheet)
        self.walk = Walk(sheet, self.scan)
        self.order = order  # shared by the passes with references: each segment is checked once
        self.walk_order = CellOrder(sheet)  # the walk's positions are checked afresh
        self.index = 0  # the segment being read
        self.fast, self.misses = True, 0  # pass 1 tries the row-by-row proof first

    def check_order(
        self, pairs: list[tuple[bytes, bytes]], usual: bool, rows: list[int] | None = None
    ) -> None:
        """Refuse cells defined twice or rows out of order (``pairs``: letters and digits;
        ``rows``: their row numbers, when already counted)."""
        if self.index < self.order.segments:  # an earlier pass checked this segment
            return
        if not usual:
            pairs = [(w.upper(), d.lstrip(b"0") or b"0") for w, d in pairs]
            rows = None
        if rows is None:
            rows = list(map(int, map(itemgetter(1), pairs)))
        self.order.feed(pairs, rows, _ref_name)


def _ref_name(pair: tuple[bytes, bytes]) -> str:
    return (pair[0] + pair[1]).decode("ascii", "replace")


def _pass_bounds(seg: bytes, run: _Run, end: int | None = None) -> None:
    """Pass 1: prove no cell lies past the caps, for usual cell tags; the extent stays unknown.
    (``end``: the segment is ``seg[:end]``.)"""
    if run.fast and run.index == run.order.segments:
        if _rows_at_once(seg, len(seg) if end is None else end, run):
            return
        run.misses += 1
        run.fast = run.misses < _MISSES
    _bounds_by_cell(seg if end is None or end == len(seg) else seg[:end], run)


def _bounds_by_cell(seg: bytes, run: _Run) -> None:
    """Pass 1 cell by cell, for a segment the row-by-row proof did not settle."""
    scan, limits = run.scan, run.limits
    if _ODD_CELL.search(seg) or _PREFIXED_CELL.search(seg):
        raise _Escalate
    # every cell tag is usual now (r="A1", no leading zero): one look at the references gives the
    # rows (for the bound and the order check) and the columns
    refs = _USUAL_REF.findall(seg)
    rows = list(map(int, map(itemgetter(1), refs)))
    if rows and max(rows) > limits.max_rows:
        raise _Escalate
    _col_bound(scan, set(map(itemgetter(0), refs)))
    if scan.col_bound > limits.max_cols or limits.max_rows * scan.col_bound > limits.max_cells:
        raise _Escalate
    run.check_order(refs, usual=True, rows=rows)
    _usual_notes(seg, run.notes)
    _hidden_rows(seg, scan)


def _col_bound(scan: SheetScan, letters: Iterable[bytes]) -> None:
    for word in letters:
        if len(word) > 1:
            scan.col_bound = max(
                scan.col_bound, col_number(word) if len(word) <= 3 else MAX_COL + 1
            )


def _rows_at_once(buf: bytes, end: int, run: _Run) -> bool:
    """Pass 1 for a segment written the usual way, proved row by row without Python per cell: True
    when settled exactly as ``_bounds_by_cell`` would settle it (same order state, notes and hidden
    rows), False when it cannot say (``_bounds_by_cell`` then looks, refuses or escalates).

    One C-level look picks out every tag that matters (a row, a cell with its reference, a formula,
    anything odd), kept short: the proof then runs over that digest — each cell's reference within
    its row's number, rows strictly rising, no reference twice. The segment is ``buf[:end]``."""
    if buf.find(b":", 0, end) >= 0 and _PREFIXED.search(buf, 0, end):  # memchr first
        return False
    tags = _TAGS.findall(buf, 0, end)
    digest = b"<" + b"<".join(tags) if tags else b""
    first = digest.find(b"<row")
    if first < 0:
        first = len(digest)
    order, limits, scan = run.order, run.limits, run.scan
    # the cells before the first row continue the last row of the previous segment
    head_refs = _DIGEST_REF.findall(digest, 0, first)
    head_row = order.row
    if head_refs:
        numbers = {digits for _, digits in head_refs}
        if len(numbers) > 1 or len(next(iter(numbers))) > 9:
            return False  # not one row, or a number int() should not be asked to read
        if _HEAD.fullmatch(digest, 0, first) is None:
            return False
        head_row = int(numbers.pop())
        if head_row < order.row or head_row > limits.max_rows:
            return False
        if head_row == order.row and not order.row_keys.isdisjoint(head_refs):
            return False
    elif first:
        return False  # something else before the first row
    # one letter per column, rising in each row: no cell twice; else each cell counted once
    ordered = first == len(digest) or _BODY.fullmatch(digest, first) is not None
    if not ordered and _BODY_WIDE.fullmatch(digest, first) is None:
        return False
    rows = list(map(int, _DIGEST_ROW.findall(digest, first)))
    if rows and (
        rows[0] <= head_row or rows[-1] > limits.max_rows or not all(map(lt, rows, rows[1:]))
    ):
        return False
    formulas = digest.count(b"<f")
    if formulas and _ODD_FORMULA.search(digest):
        return False
    if ordered:
        if len(set(head_refs)) != len(head_refs):
            return False
    else:
        distinct = set(tags)
        if len(tags) - len(distinct) != formulas - len(distinct & _FORMULA_TAGS):
            return False  # a cell defined twice (in one row: rows rise strictly)
    bound = scan.col_bound
    _col_bound(scan, {letters for letters, _ in head_refs})
    if not ordered:
        _col_bound(scan, set(_MULTI_LETTER.findall(digest, first)))
    if scan.col_bound > limits.max_cols or limits.max_rows * scan.col_bound > limits.max_cells:
        scan.col_bound = bound
        return False
    # proved: the order state as CellOrder.feed leaves it, then the notes and hidden rows
    order.segments += 1
    last = digest.rfind(b"<c r=")
    if last >= first:
        row_start = digest.rfind(b"<row", 0, last)
        order.row_keys = set(_DIGEST_REF.findall(digest, row_start))
        order.row = int(_DIGEST_REF.match(digest, last)[2])  # type: ignore[index]
    elif last >= 0:  # the segment's cells all continue one row
        head = set(head_refs)
        order.row_keys = order.row_keys | head if head_row == order.row else head
        order.row = head_row
    unusual = _UNUSUAL_ROW.search(digest) is not None  # a row tag that may be hidden
    if formulas or unusual:
        seg = buf if end == len(buf) else buf[:end]
        if formulas:
            run.notes.cells_at(seg, (m.start() for m in _FORMULA_TAG.finditer(seg)), b'<c r="')
        if unusual:
            _hidden_rows(seg, scan)
    return True


def _usual_notes(seg: bytes, notes: CellNotes) -> None:
    # no ``b"<f" in seg`` first: most sheets have a formula (合计), and the look costs a scan
    notes.cells_at(seg, (m.start() for m in _FORMULA_TAG.finditer(seg)), b'<c r="')
    if b't="e"' in seg:
        notes.cells_at(seg, (m.start() for m in _ERROR_TYPE.finditer(seg)), b'<c r="')


def _include_refs(refs: list[tuple[bytes, bytes]], scan: SheetScan, sheet: str) -> None:
    if not refs:
        return
    letters = {w for w, _ in refs}
    digits = [d for _, d in refs]
    for word in letters:
        if len(word) > 3 or col_number(word) > MAX_COL:
            digits_of = next(d for w, d in refs if w == word)
            raise out_of_grid(sheet, (word + digits_of).decode("ascii"))
    if max(map(len, digits)) > 7:  # leading zeros (calamine reads A01 as A1), or out of the grid
        digits = [d.lstrip(b"0") or b"0" for d in digits]
        if max(map(len, digits)) > 7:
            raise out_of_grid(sheet, "A" + max(digits, key=len).decode("ascii"))
    rows = list(map(int, digits))
    row0, row1 = min(rows), max(rows)
    if row0 < 1 or row1 > MAX_ROW:
        raise out_of_grid(sheet, f"A{row0 if row0 < 1 else row1}")
    cols = [col_number(w) for w in letters]
    scan.include(row0, row1, min(cols), max(cols))


def _pass_usual_extent(seg: bytes, run: _Run) -> None:
    """Pass 2: the exact extent of the value cells, for usual cell tags."""
    if _ODD_CELL.search(seg) or _PREFIXED_CELL.search(seg):
        raise _Escalate
    _include_refs(_USUAL_VALUE_REF.findall(seg), run.scan, run.sheet)
    run.check_order(_USUAL_REF.findall(seg), usual=True)
    _usual_notes(seg, run.notes)
    _hidden_rows(seg, run.scan)


def _pass_any_extent(seg: bytes, run: _Run) -> None:
    """Pass 3: the same for any cell tags (prefixes, quotes, attribute order), every cell with r."""
    _include_refs(_VALUE_REF.findall(seg), run.scan, run.sheet)
    if len(_CELL_OPEN.findall(seg)) != len(_CELL_WITH_R.findall(seg)):
        raise _Escalate
    run.check_order(_ANY_REF.findall(seg), usual=False)
    if _NOTABLE.search(seg):
        run.notes.cells_at(seg, (m.start() for m in _NOTABLE.finditer(seg)), None)
    _hidden_rows(seg, run.scan)


def _pass_walk(seg: bytes, run: _Run) -> None:
    """Pass 4: cell by cell, counting the positions of cells without r."""
    run.walk.feed(seg)
    _hidden_rows(seg, run.scan)
    places, run.walk.places = run.walk.places, []
    run.order.feed(
        places, [row for row, _ in places], lambda place: f"第 {place[0]} 行第 {place[1]} 列"
    )


_PASSES = (_pass_bounds, _pass_usual_extent, _pass_any_extent, _pass_walk)


# a cell tag that is not a plain ``<c r="A1">`` in columns A–Z and rows below 100,000 (the only
# cells calamine may parse before the scan has proved the sheet: such cells cannot make a range
# past the caps), or a prefixed one
_BEYOND_QUICK = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z][1-9][0-9]{0,4}")')
QUICK_ROWS, QUICK_COLS = 99_999, 26


def quick_proof_holds(limits) -> bool:
    """Whether cells in A–Z and rows below 100,000 lie within ``limits`` (the default ones: yes)."""
    return (
        limits.max_rows >= QUICK_ROWS
        and limits.max_cols >= QUICK_COLS
        and limits.max_cells >= QUICK_ROWS * QUICK_COLS
    )


_TAG_MAX = 16  # a cell's opening tag up to its reference's end: <c r="Z99999"


def _beyond_quick(text: bytes) -> int:
    """Where the first cell tag of ``text`` that is not a plain one in A–Z below row 100,000 starts
    (a prefixed cell tag counts), -1 where there is none."""
    found = _BEYOND_QUICK.search(text)
    at = found.start() if found is not None else -1
    # (memchr for a colon first: a sheet has a handful, in its root tag)
    if text.find(b":") >= 0 and (prefixed := _PREFIXED_CELL.search(text)) is not None:
        at = prefixed.start() if at < 0 else min(at, prefixed.start())
    return at


@dataclass
class SheetXml:
    """A worksheet part as the gate inflated it, kept for the scan (so that the part is not inflated
    a second time): its chunks, and whether every cell tag is a plain one within A–Z and 99,999
    rows — then calamine may parse the sheet while the scan runs, since no such cell makes a range
    past the caps (``quick_proof_holds``)."""

    chunks: list[bytes] = field(default_factory=list)
    calamine_safe: bool = True

    def segments(self) -> Iterator[tuple[bytes, int]]:
        """The segments ``scan_sheet`` reads (``Segments``), cut from the chunks."""
        cutter = Segments()
        for chunk in self.chunks:
            yield from cutter.push(chunk)
        yield from cutter.close()


class SheetFeed:
    """A worksheet part's XML as the container gate inflates it (chunks of any size), kept for the
    scan and looked at for the quick proof chunk by chunk, while each chunk is fresh in the cache
    (a tag cut by a chunk's end is looked at again with the next chunk)."""

    def __init__(self, limits) -> None:
        self.xml = SheetXml(calamine_safe=quick_proof_holds(limits))
        self.tail = b""

    def push(self, chunk: bytes) -> None:
        self.xml.chunks.append(chunk)
        if not self.xml.calamine_safe:
            return
        if len(chunk) <= 4 * _TAG_MAX:  # a small chunk: looked at with what came before
            self._look(self.tail + chunk, final=False)
            return
        # a large one is looked at as it is (no copy): a tag from the last chunk's end first
        head = self.tail + chunk[:_TAG_MAX]
        if 0 <= _beyond_quick(head) < len(self.tail):
            self.xml.calamine_safe = False
            return
        self._look(chunk, final=False)

    def close(self) -> SheetXml:
        if self.xml.calamine_safe and self.tail:
            self._look(self.tail, final=True)
        return self.xml

    def _look(self, text: bytes, final: bool) -> None:
        at = _beyond_quick(text)
        if at >= 0 and (final or at + _TAG_MAX < len(text)):
            self.xml.calamine_safe = False
        # (a tag that may be cut by the end is looked at again whole, with the next chunk)
        self.tail = text[-_TAG_MAX:]


def keep_sheet(zf: zipfile.ZipFile, part: str, limits) -> SheetXml:
    """A worksheet part inflated and kept as the gate keeps it (for an extractor the gate did not
    keep it for: the parse worker)."""
    feed = SheetFeed(limits)
    with zf.open(part) as stream:
        while chunk := stream.read(CHUNK):
            feed.push(chunk)
    return feed.close()


def scan_sheet(
    zf: zipfile.ZipFile,
    part: str,
    sheet: str,
    limits,
    ready: Mapping[str, SheetXml] | None = None,
) -> SheetScan:
    """Scan a worksheet part; raise file.out_of_grid / file.range_too_large before any parser runs.
    ``ready``: the parts the gate kept as it inflated them (``SheetFeed``), by name: pass 1 reads
    them instead of inflating the part again."""
    kept = ready.get(part) if ready is not None else None
    order = CellOrder(sheet)
    for step in _PASSES:
        run = _Run(sheet, limits, order)
        try:
            if step is _pass_bounds and kept is not None:
                for run.index, (buf, end) in enumerate(kept.segments()):
                    _pass_bounds(buf, run, end)
            else:
                with zf.open(part) as stream:
                    for run.index, (buf, end) in enumerate(_pieces(stream, Segments())):
                        if step is _pass_bounds:
                            _pass_bounds(buf, run, end)
                        else:
                            step(buf if end == len(buf) else buf[:end], run)
        except _Escalate:
            continue
        if step is not _pass_bounds:
            check_extent(sheet, run.scan.height, run.scan.width, limits)
        return run.scan
    raise AssertionError("the walk always settles")


def check_extent(sheet: str, rows: int, cols: int, limits) -> None:
    """file.range_too_large when a sheet's cells holding values spread past the caps."""
    if rows > limits.max_rows or cols > limits.max_cols or rows * cols > limits.max_cells:
        raise unreadable(
            "file.range_too_large",
            sheet=sheet,
            rows=rows,
            cols=cols,
            max_rows=limits.max_rows,
            max_cols=limits.max_cols,
        )

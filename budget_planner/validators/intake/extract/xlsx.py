"""Extraction of .xlsx/.xlsm: every worksheet scanned (caps, formulas, error cells) before or beside
python-calamine reading it (values anchored at A1, merged ranges, visibility)."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor, wait
from decimal import Decimal

from budget_planner.money import plain
from budget_planner.validators.intake.extract import calamine_grid
from budget_planner.validators.intake.extract.formulas import Budget, NotEvaluable, evaluate
from budget_planner.validators.intake.extract.parts import recalculated_on_open, sheet_parts
from budget_planner.validators.intake.extract.props import core_modified
from budget_planner.validators.intake.extract.sharedstrings import check_shared_strings
from budget_planner.validators.intake.extract.sheetscan import (
    SheetScan,
    SheetXml,
    keep_sheet,
    scan_sheet,
)
from budget_planner.validators.intake.gate import DEFAULT_LIMITS, KeptSheets, Limits
from budget_planner.validators.intake.grid import (
    CellValue,
    ErrorValue,
    Formula,
    SheetGrid,
    Visibility,
    WorkbookGrid,
    a1,
)
from budget_planner.validators.report.issues import issue, unreadable


def _put(sheet: SheetGrid, row: int, col: int, value: CellValue) -> None:
    while len(sheet.values) < row:
        sheet.values.append([])
    line = sheet.values[row - 1]
    while len(line) < col:
        line.append(None)
    line[col - 1] = value


def _resolve_uncached(
    sheet: SheetGrid,
    uncached: dict[tuple[int, int], str],
    stale: dict[tuple[int, int], str] | None = None,
) -> None:
    """Evaluate (or mark as Formula) the formulas stored without a result, in reading order; and
    the ``stale`` ones — stored with 0 in a workbook that asks to be recalculated when opened
    (``fullCalcOnLoad``: written by a program, never calculated) — where they evaluate to
    something else (otherwise their 0 stands, as stored)."""
    stale = stale or {}
    pending = {**stale, **uncached}
    done: dict[tuple[int, int], Decimal | Formula] = {}
    busy: set[tuple[int, int]] = set()
    rows = max(sheet.height, *(r for r, _ in pending))
    cols = max(sheet.width, *(c for _, c in pending))
    budget = Budget(extent=(rows, cols))

    def lookup(row: int, col: int) -> CellValue:
        pos = (row, col)
        return resolve(pos) if pos in pending else sheet.get(row, col)

    def resolve(pos: tuple[int, int]) -> Decimal | Formula:
        if pos in done:
            return done[pos]
        if pos in busy:  # a cycle
            return Formula(uncached[pos])
        busy.add(pos)
        try:
            value: Decimal | Formula = evaluate(pending[pos], lookup, budget)
        except (NotEvaluable, RecursionError, ArithmeticError):  # overflow: reported, not evaluated
            value = Formula(pending[pos])
        busy.discard(pos)
        if pos in stale and (not isinstance(value, Decimal) or value == 0):
            value = Decimal(0)  # its stored 0 stands
        done[pos] = value
        return value

    for pos in sorted(stale):
        value = resolve(pos)
        if isinstance(value, Decimal) and value != 0:
            row, col = pos
            _put(sheet, row, col, value)
            sheet.issues.append(_evaluated(sheet, pos, stale[pos], value, stale=True))
    for pos in sorted(uncached):
        value = resolve(pos)
        row, col = pos
        cell, text = a1(row, col), uncached[pos]
        _put(sheet, row, col, value)
        if isinstance(value, Decimal):
            found = _evaluated(sheet, pos, text, value)
        else:
            found = issue(
                "formula.no_cached_value",
                sheet=sheet.name,
                cell=cell,
                row=row,
                value=f"={text}",
                formula=text,
            )
        sheet.issues.append(found)


def _evaluated(
    sheet: SheetGrid, pos: tuple[int, int], text: str, value: Decimal, stale: bool = False
):
    """formula.evaluated; ``stale``: its stored 0 was not a result (``_resolve_uncached``)."""
    row, col = pos
    return issue(
        "formula.evaluated",
        "stale" if stale else None,
        sheet=sheet.name,
        cell=a1(row, col),
        row=row,
        value=f"={text}",
        formula=text,
        result=plain(value),
    )


def apply_scan(sheet: SheetGrid, scan: SheetScan, recalculate: bool = False) -> None:
    """Error cells become ErrorValue, formula texts are recorded, uncached formulas resolved (and,
    in a workbook to be ``recalculate``d on opening, the formulas stored with 0)."""
    for (row, col), text in scan.errors.items():
        _put(sheet, row, col, ErrorValue(text))
    sheet.hidden_rows = sorted(set(scan.hidden_rows))
    uncached: dict[tuple[int, int], str] = {}
    stale: dict[tuple[int, int], str] = {}
    for pos, formula in scan.formulas.items():
        sheet.formulas[pos] = formula.text
        if not formula.cached:
            uncached[pos] = formula.text
        elif recalculate and sheet.get(*pos) == 0 and type(sheet.get(*pos)) is not bool:
            stale[pos] = formula.text
    if uncached or stale:
        _resolve_uncached(sheet, uncached, stale)


def _part_for(parts: dict[str, str], names: set[str], sheet: str) -> str:
    part = parts.get(sheet)
    if part is None:
        raise unreadable("file.corrupt", "sheet_missing", sheet=sheet)
    return part if part in names else {n.lower(): n for n in names}.get(part.lower(), part)


def read_xlsx(
    data: bytes,
    kind: str = "xlsx",
    limits: Limits = DEFAULT_LIMITS,
    kept_sheets: KeptSheets | None = None,
) -> WorkbookGrid:
    """Every worksheet of an OOXML workbook that passed the container gate (``kept_sheets``: the
    parts the gate kept as it inflated them, used under the same limits; the others are inflated
    here, one at a time).

    Sheet by sheet, in order: a sheet is scanned before calamine parses it (calamine aborts on huge
    ranges), except a sheet whose cells the quick proof bounds (``SheetXml.calamine_safe``):
    calamine, which releases the GIL while it parses, parses that one on another thread while its
    scan runs. The first sheet its scan refuses is named, and a refusal by any scan comes before a
    parser's error — as when every sheet was scanned before any was parsed."""
    kept = (
        dict(kept_sheets.parts) if kept_sheets is not None and kept_sheets.limits == limits else {}
    )
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_shared_strings(zf, limits)  # calamine reads them when it opens the workbook
    book = calamine_grid.open_workbook(data)
    try:
        sheets_meta = list(calamine_grid.worksheets(book))
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            modified = core_modified(zf)
            recalculate = recalculated_on_open(zf)
            parts, names = sheet_parts(zf), set(zf.namelist())
            sheet_parts_ = [_part_for(parts, names, name) for name, _ in sheets_meta]
            scans: dict[str, SheetScan] = {}
            sheets = _read_sheets(book, sheets_meta, sheet_parts_, scans, zf, limits, kept)
        for sheet, part in zip(sheets, sheet_parts_, strict=True):
            apply_scan(sheet, scans[part], recalculate)
            calamine_grid.clip_merged(sheet)
    finally:
        book.close()
    return WorkbookGrid(kind=kind, sheets=sheets, modified=modified)  # type: ignore[arg-type]


def _read_sheets(
    book,
    sheets_meta: list[tuple[str, Visibility]],
    parts: list[str],
    scans: dict[str, SheetScan],
    zf: zipfile.ZipFile,
    limits: Limits,
    kept: dict[str, SheetXml],
) -> list[SheetGrid]:
    """Each sheet kept (inflated here unless the gate kept it), scanned (into ``scans``; its XML
    let go once scanned) and read by calamine, beside its scan where the quick proof holds; after
    a parser's error, the sheets not yet scanned are scanned, so that a refusal of theirs is what
    the user hears."""
    names = set(zf.namelist())
    sheets: list[SheetGrid] = []
    with ThreadPoolExecutor(1, "bp-calamine") as pool:
        for at, ((name, visibility), part) in enumerate(zip(sheets_meta, parts, strict=True)):
            if part not in kept and part in names:  # (a part not there: the scan says so)
                kept[part] = keep_sheet(zf, part, limits)
            xml = kept.get(part)
            parsing = (
                pool.submit(book.get_sheet_by_name, name) if xml and xml.calamine_safe else None
            )
            try:
                scans[part] = scan_sheet(zf, part, name, limits, kept)
            except BaseException:
                if parsing is not None:
                    wait([parsing])  # calamine is done with the book before the refusal leaves
                raise
            kept.pop(part, None)
            try:
                if parsing is not None:
                    sheets.append(calamine_grid.sheet_grid(parsing.result(), name, visibility))
                else:
                    sheets.append(calamine_grid.read_sheet(book, name, visibility))
            except BaseException:
                for later in range(at + 1, len(parts)):
                    scan_sheet(zf, parts[later], sheets_meta[later][0], limits, kept)
                raise
    return sheets

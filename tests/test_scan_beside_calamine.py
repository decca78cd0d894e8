"""calamine parsing a sheet on another thread while the sheet scan runs (extract/xlsx.py): only a
sheet whose every cell is a plain ``<c r="A1">`` in A–Z below row 100,000 (``calamine_safe``) is
parsed beside its scan; every other sheet is scanned before calamine parses it. Sheets are read in
order; whatever the path, the same grid is read, the first sheet a scan refuses is named, and a
scan's refusal wins over a parser's error."""

from __future__ import annotations

import io
import threading
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import handmade
import pytest
from handmade import MAIN_NS

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.extract import calamine_grid, extract, read_workbook
from budget_planner.validators.intake.extract.sheetscan import keep_sheet, quick_proof_holds
from budget_planner.validators.intake.gate import DEFAULT_LIMITS, Limits, check_container
from budget_planner.validators.intake.grid import ErrorValue

SMALL = Limits(max_rows=30, max_cols=4, max_cells=100)
PARSER, MAIN = "parser", "main"  # calamine's own thread (bp-calamine…, xlsx._read_sheets), ours


def _book(*sheets: tuple[str, str]) -> bytes:
    """A workbook of several sheets, each (name, its sheetData or, starting with "<?xml", its whole
    XML)."""
    whole = [
        (
            name,
            body
            if body.startswith("<?xml")
            else f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
            f"<sheetData>{body}</sheetData></worksheet>",
        )
        for name, body in sheets
    ]
    return handmade.zip_bytes(handmade.workbook_parts(whole))


def _safe_flags(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[bool]:
    """``calamine_safe`` of each sheet part, as the gate keeps it and as the parse worker keeps it
    (the two must agree)."""
    scans = check_container(data, "x.xlsx", limits, keep_sheets=True).kept
    assert scans is not None
    by_gate = [scans.parts[p].calamine_safe for p in sorted(scans.parts)]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        by_worker = [keep_sheet(zf, p, limits).calamine_safe for p in sorted(scans.parts)]
    assert by_gate == by_worker
    return by_gate


class _Book:
    """calamine's workbook, watched: who asks it to parse which sheet, on which thread; a sheet in
    ``fail`` fails to parse as calamine fails (``raise_in``)."""

    def __init__(self, book, calls: list[tuple[str, str]], fail: dict[str, BaseException]):
        self._book, self._calls, self._fail = book, calls, fail

    def __getattr__(self, name):
        return getattr(self._book, name)

    def get_sheet_by_name(self, name: str):
        thread = threading.current_thread()
        where = PARSER if thread.name.startswith("bp-calamine") else thread.name
        self._calls.append((name, MAIN if thread is threading.main_thread() else where))
        if name in self._fail:
            raise self._fail[name]
        return self._book.get_sheet_by_name(name)


@pytest.fixture
def parses(monkeypatch):
    """The sheets calamine is asked to parse, (name, thread), in order; ``parses.fail[name] = exc``
    makes that sheet's parse raise."""
    calls: list[tuple[str, str]] = []
    fail: dict[str, BaseException] = {}
    opened = calamine_grid.open_workbook

    def open_watched(data: bytes):
        return _Book(opened(data), calls, fail)

    monkeypatch.setattr(calamine_grid, "open_workbook", open_watched)
    return SimpleNamespace(calls=calls, fail=fail)


def _both_ways(data: bytes, limits: Limits = DEFAULT_LIMITS):
    """The grid read in this process (the gate kept the parts) and by the worker's path (no parts
    kept): they must be the same."""
    in_process = read_workbook(data, "x.xlsx", limits)
    by_worker = extract(data, check_container(data, "x.xlsx", limits), limits)
    assert in_process.sheets == by_worker.sheets
    return in_process


def _refusal(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[UnreadableFile]:
    """The refusal in this process and by the worker's path (the same code and message)."""
    caught = []
    for read in (
        lambda: read_workbook(data, "x.xlsx", limits),
        lambda: extract(data, check_container(data, "x.xlsx", limits), limits),
    ):
        with pytest.raises(UnreadableFile) as err:
            read()
        caught.append(err.value)
    assert (caught[0].code, caught[0].message) == (caught[1].code, caught[1].message)
    return caught


# a sheet written the usual way, every cell in A–Z below row 100,000: numbers, text, a formula with
# its result, one without (evaluated), an error cell, a hidden row, a cell in Z
USUAL = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>项目</t></is></c><c r="B1"><v>12.5</v></c>'
    '<c r="C1"><f>B1*2</f><v>25</v></c><c r="D1" t="e"><v>#DIV/0!</v></c></row>'
    '<row r="2" hidden="1"><c r="A2" t="inlineStr"><is><t>隐藏</t></is></c><c r="B2"><v>3</v></c>'
    "</row>"
    '<row r="3"><c r="C3"><f>B1+B2</f></c><c r="Z3"><v>7</v></c></row>'
)


def _check_usual(sheet, col_shift: int = 0) -> None:
    assert sheet.get(1, 1) == "项目" and sheet.get(1, 2) == 12.5
    assert sheet.get(1, 3) == 25 and sheet.formulas[(1, 3)] == "B1*2"
    assert sheet.get(1, 4) == ErrorValue("#DIV/0!")
    assert sheet.get(2, 1) == "隐藏" and sheet.get(2, 2) == 3 and sheet.hidden_rows == [2]
    assert sheet.get(3, 3) == Decimal("15.5") and sheet.formulas[(3, 3)] == "B1+B2"
    assert [i.code for i in sheet.issues] == ["formula.evaluated"]
    assert sheet.get(3, 26) == 7


def test_a_usual_sheet_is_parsed_beside_its_scan_and_read_the_same_either_way(parses):
    data = _book(("预算", USUAL))
    assert _safe_flags(data) == [True]
    sheet = _both_ways(data).sheets[0]
    assert sheet.name == "预算"
    _check_usual(sheet)
    # calamine parsed it on its own thread, both times (the gate's kept part, then the worker's)
    assert parses.calls == [("预算", PARSER), ("预算", PARSER)]


def test_the_quick_proofs_edges():
    def safe(cells: str) -> bool:
        return _safe_flags(handmade.xlsx(cells))[0]

    assert safe('<row r="99999"><c r="Z99999"><v>1</v></c></row>')
    assert safe('<row r="1"><c r="A1"/></row>')  # a styled empty cell is a cell like any other
    assert not safe('<row r="1"><c r="AA1"><v>1</v></c></row>')
    assert not safe('<row r="100000"><c r="A100000"><v>1</v></c></row>')
    assert not safe('<row r="1"><c r="a1"><v>1</v></c></row>')  # lower case
    assert not safe('<row r="1"><c r="A01"><v>1</v></c></row>')  # a leading zero
    assert not safe("<row r=\"1\"><c r='A1'><v>1</v></c></row>")  # other quotes
    assert not safe('<row r="1"><c s="1" r="A1"><v>1</v></c></row>')  # r not first
    assert not safe('<row r="1"><c><v>1</v></c></row>')  # no r


# sheets calamine may not parse before they are scanned, and how each reads
UNSAFE = {
    "column AA": (
        '<row r="1"><c r="A1"><v>1</v></c><c r="AA1"><v>27</v></c></row>',
        {(1, 1): 1, (1, 27): 27},
    ),
    "row 100000": (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="100000"><c r="B100000"><v>2</v></c></row>',
        {(1, 1): 1, (100_000, 2): 2},
    ),
    "a prefixed cell": (
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1"><x:v>5</x:v></x:c><x:c r="C1"><x:f>A1*2</x:f><x:v>10</x:v>'
        "</x:c></x:row></x:sheetData></x:worksheet>",
        {(1, 1): 5, (1, 3): 10},
    ),
    "a cell without r": (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>2</v></c><c><v>3</v></c><c t="e"><v>#N/A</v></c></row>',
        {(1, 1): 1, (2, 1): 2, (2, 2): 3, (2, 3): ErrorValue("#N/A")},
    ),
}


@pytest.mark.parametrize("case", list(UNSAFE))
def test_a_sheet_past_the_quick_proof_is_scanned_first_and_read_right(case, parses):
    body, expected = UNSAFE[case]
    data = _book(("表一", body))
    assert _safe_flags(data) == [False]
    sheet = _both_ways(data).sheets[0]
    assert {pos: sheet.get(*pos) for pos in expected} == expected
    assert sum(v is not None for line in sheet.values for v in line) == len(expected)
    # parsed after its scan, on the main thread, both times
    assert parses.calls == [("表一", MAIN), ("表一", MAIN)]


def test_the_prefixed_cells_formula_and_the_error_without_r_are_noted():
    body, _ = UNSAFE["a prefixed cell"]
    assert _both_ways(_book(("表一", body))).sheets[0].formulas == {(1, 3): "A1*2"}
    body, _ = UNSAFE["a cell without r"]
    assert _both_ways(_book(("表一", body))).sheets[0].get(2, 3) == ErrorValue("#N/A")


def test_usual_and_unusual_sheets_together(parses):
    body, expected = UNSAFE["column AA"]
    data = _book(("甲", USUAL), ("乙", body), ("丙", USUAL))
    assert _safe_flags(data) == [True, False, True]
    grid = _both_ways(data)
    assert [s.name for s in grid.sheets] == ["甲", "乙", "丙"]
    _check_usual(grid.sheets[0])
    _check_usual(grid.sheets[2])
    assert {pos: grid.sheets[1].get(*pos) for pos in expected} == expected
    assert parses.calls[:3] == [("甲", PARSER), ("乙", MAIN), ("丙", PARSER)]


# --- refusals: the scan's, naming its sheet, before any parser's error


# rows out of order (a cell of row 9 after row 10): every cell a plain one, so calamine-safe
OUT_OF_ORDER = (
    '<row r="9"><c r="A9"><v>1</v></c></row><row r="10"><c r="A10"><v>1</v></c></row>'
    '<row r="11"><c r="A9"><v>2</v></c></row>'
)
TWICE = '<row r="1"><c r="B1"><v>1</v></c><c r="B1"><v>2</v></c></row>'
# a shared string that is not there: the scan has no quarrel with it, calamine fails to parse it
NO_SUCH_STRING = '<row r="1"><c r="A1" t="s"><v>7</v></c></row>'


def _assert_out_of_order(err: UnreadableFile, sheet: str) -> None:
    assert err.code == "file.corrupt"
    assert f"工作表“{sheet}”中第 9 行的单元格出现在第 10 行之后" in err.message


def test_a_sheet_calamine_cannot_parse_fails_as_corrupt():
    data = _book(("甲", NO_SUCH_STRING))
    assert _safe_flags(data) == [True]
    err = _refusal(data)[0]
    assert err.code == "file.corrupt" and "甲" not in err.message  # the parser's: no sheet named


def test_a_later_sheets_refusal_wins_over_calamines_error_on_a_usual_sheet(parses):
    data = _book(("甲", NO_SUCH_STRING), ("乙", OUT_OF_ORDER))
    assert _safe_flags(data) == [True, True]
    for err in _refusal(data):
        _assert_out_of_order(err, "乙")
    assert ("甲", PARSER) in parses.calls


def test_a_later_unusual_sheets_refusal_wins_over_calamines_error():
    wide = '<row r="1"><c r="AA1"><v>1</v></c></row><row r="2"><c r="B2"/><c r="B2"/></row>'
    data = _book(("甲", NO_SUCH_STRING), ("乙", wide))
    assert _safe_flags(data) == [True, False]
    for err in _refusal(data):
        assert err.code == "file.corrupt" and "工作表“乙”中单元格 B2 被定义了两次" in err.message


def test_a_cell_defined_twice_wins_over_calamines_error_in_a_forced_parse_failure(parses):
    """calamine failing another way (any exception from its parse) on the first sheet."""
    parses.fail["甲"] = RuntimeError("calamine gave up")
    data = _book(("甲", USUAL), ("乙", USUAL), ("丙", TWICE))
    assert _safe_flags(data) == [True, True, True]
    for err in _refusal(data):
        assert err.code == "file.corrupt" and "工作表“丙”中单元格 B1 被定义了两次" in err.message


def test_a_usual_sheet_refused_by_its_scan_while_calamine_parses_it(parses):
    data = _book(("甲", USUAL), ("乙", OUT_OF_ORDER), ("丙", NO_SUCH_STRING))
    assert _safe_flags(data) == [True, True, True]
    before = threading.active_count()
    for err in _refusal(data):
        _assert_out_of_order(err, "乙")
    # calamine was asked for 乙 beside its scan, never for 丙; no thread is left behind
    names = [name for name, _ in parses.calls]
    assert names == ["甲", "乙", "甲", "乙"]
    assert all(thread == PARSER for _, thread in parses.calls)
    assert threading.active_count() == before


def test_the_scans_refusal_wins_even_when_calamine_fails_on_the_same_sheet(parses):
    parses.fail["乙"] = RuntimeError("calamine gave up")
    data = _book(("甲", USUAL), ("乙", OUT_OF_ORDER))
    for err in _refusal(data):
        _assert_out_of_order(err, "乙")


def test_a_sheet_past_the_grid_is_refused_before_calamine_parses_it(parses):
    far = '<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>'
    tall = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="300000"><c r="A300000"><v>2</v></c></row>'
    )
    for body, code, named in [
        (far, "file.out_of_grid", "XFE1"),
        (tall, "file.range_too_large", ""),
    ]:
        data = _book(("甲", USUAL), ("乙", body))
        assert _safe_flags(data) == [True, False]
        for err in _refusal(data):
            assert err.code == code and "工作表“乙”" in err.message and named in err.message
    # (the usual sheet before it may be parsed: sheets are read in order)
    assert "乙" not in [name for name, _ in parses.calls]


def test_a_later_usual_sheets_refusal_wins_over_calamines_error_on_an_unusual_sheet():
    wide_bad = '<row r="1"><c r="A1" t="s"><v>7</v></c><c r="AA1"><v>1</v></c></row>'
    data = _book(("甲", wide_bad), ("乙", OUT_OF_ORDER))
    assert _safe_flags(data) == [False, True]
    for err in _refusal(data):
        _assert_out_of_order(err, "乙")


def test_the_first_refused_sheet_is_named_as_when_every_sheet_was_scanned_in_order():
    wide = '<row r="1"><c r="AA1"><v>1</v></c></row><row r="2"><c r="B2"/><c r="B2"/></row>'
    data = _book(("甲", OUT_OF_ORDER), ("乙", wide))
    assert _safe_flags(data) == [True, False]
    for err in _refusal(data):
        _assert_out_of_order(err, "甲")


# --- limits under which the quick proof cannot hold


def test_under_small_limits_nothing_is_calamine_safe(parses):
    assert quick_proof_holds(Limits()) and not quick_proof_holds(SMALL)
    assert not quick_proof_holds(Limits(max_rows=99_998))
    assert not quick_proof_holds(Limits(max_cols=25))
    assert not quick_proof_holds(Limits(max_cells=99_999 * 26 - 1))
    data = _book(("甲", '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'))
    assert _safe_flags(data, SMALL) == [False] and _safe_flags(data) == [True]
    sheet = _both_ways(data, SMALL).sheets[0]
    assert sheet.values == [[1, 2]]
    assert parses.calls == [("甲", MAIN), ("甲", MAIN)]


def test_under_small_limits_a_sheet_past_them_is_refused_before_calamine_parses_it(parses):
    parses.fail.update({n: AssertionError(f"calamine parsed {n}") for n in ("甲", "乙")})
    tall = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 41))
    wide = '<row r="1"><c r="A1"><v>1</v></c><c r="E1"><v>5</v></c></row>'
    for body, rows, cols in [(tall, 40, 1), (wide, 1, 5)]:
        data = _book(("甲", '<row r="1"><c r="A1"><v>1</v></c></row>'), ("乙", body))
        assert _safe_flags(data, SMALL) == [False, False]
        for err in _refusal(data, SMALL):
            assert err.code == "file.range_too_large"
            assert f"工作表“乙”的数据分布在 {rows} 行、{cols} 列的范围内" in err.message
            assert "上限 30 行、4 列" in err.message
    # 甲 (within the limits) is parsed first and fails: 乙's refusal is what is said
    assert "乙" not in [name for name, _ in parses.calls]

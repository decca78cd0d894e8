"""Pass 1 of the sheet scan proved row by row, and run over the parts the gate kept as it inflated
them: the same scans and the same refusals as the cell-by-cell look, whatever the segments and the
chunks; and the quick proof that lets calamine parse a sheet while it is scanned holds only for
sheets whose every cell lies in A–Z below row 100,000."""

from __future__ import annotations

import functools
import io
import random
import re
import zipfile

import handmade
import pytest

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.extract import extract, read_workbook, sheetscan
from budget_planner.validators.intake.gate import Container, Limits, check_container

PART = "xl/worksheets/sheet1.xml"
LIMITS = (Limits(), Limits(max_rows=30, max_cols=4, max_cells=100))


def _cell(rng: random.Random, row: int, col: str) -> str:
    ref = f"{col}{row}" if rng.random() < 0.97 else rng.choice([f"{col}{row - 1}", f"{col}0{row}"])
    attrs = ' s="1"' if rng.random() < 0.3 else ""
    body = rng.choice(
        ["<v>1</v>", "<is><t>文本</t></is>", "", '<is><t xml:space="preserve"> x</t></is>']
    )
    pick = rng.random()
    if pick < 0.02:
        attrs, body = attrs + ' t="e"', "<v>#DIV/0!</v>"
    elif pick < 0.03:
        attrs, body = attrs + " t = 'e'", "<v>#N/A</v>"
    elif pick < 0.08:
        body = rng.choice(
            [
                "<f>SUM(A1:A2)</f><v>3</v>",
                "<f>A1+1</f>",
                '<f t="shared" ref="E5:E9" si="0">E4+1</f><v>2</v>',
                '<f t="shared" si="0"/><v>2</v>',
            ]
        )
    elif pick < 0.085:
        body = '<is><t>t="e" x:c y</t></is>'
    elif pick < 0.09:
        attrs += ' x="<c r=\\"B1\\">"'
    if rng.random() < 0.01:
        return f"<c{attrs}>{body}</c>"  # no reference: counted in place
    quote = '"' if rng.random() < 0.99 else "'"
    if not body and rng.random() < 0.5:
        return f"<c r={quote}{ref}{quote}{attrs}/>"
    return f"<c r={quote}{ref}{quote}{attrs}>{body}</c>"


def _sheet(rng: random.Random) -> str:
    rows, row = [], 0
    for _ in range(rng.randint(0, 120)):
        row = max(row + (1 if rng.random() < 0.97 else rng.choice([0, -1, 3])), 1)
        attrs = ' hidden="1"' if rng.random() < 0.05 else ""
        attrs += ' spans="1:5"' if rng.random() < 0.2 else ""
        letters = sorted(rng.sample("ABCDEZ", rng.randint(0, 5)))
        if rng.random() < 0.05:
            letters.append("AB")
        cells = [_cell(rng, row, letter) for letter in letters]
        if cells and rng.random() < 0.01:
            cells.append(cells[0])  # a cell twice
        tag = f'<row r="{row}"{attrs}>' if rng.random() < 0.99 else f'<row{attrs} r="{row}">'
        rows.append(tag[:-1] + "/>" if not cells else tag + "".join(cells) + "</row>")
    return "".join(rows)


def _outcome(scan_or_none):
    try:
        scan = scan_or_none()
    except UnreadableFile as exc:
        return ("refused", exc.code, exc.message)
    if scan is None:
        return None
    formulas = {k: (v.text, v.cached) for k, v in scan.formulas.items()}
    extent = (scan.first_row, scan.last_row, scan.first_col, scan.last_col, scan.col_bound)
    return (extent, formulas, scan.errors, scan.hidden_rows)


def test_rows_proved_at_once_settle_as_cell_by_cell(monkeypatch):
    settled = []
    proof = sheetscan._rows_at_once

    def counted(buf, end, run):
        settled.append(proof(buf, end, run))
        return settled[-1]

    rng = random.Random(16)
    for _ in range(250):
        xml = handmade.xlsx(_sheet(rng))
        limits = rng.choice(LIMITS)
        monkeypatch.setattr(sheetscan, "CHUNK", rng.choice([64, 300, 2000, 1 << 22]))
        zf = zipfile.ZipFile(io.BytesIO(xml))
        monkeypatch.setattr(sheetscan, "_rows_at_once", lambda buf, end, run: False)
        scan = functools.partial(sheetscan.scan_sheet, zf, PART, "S", limits)
        by_cell = _outcome(scan)
        monkeypatch.setattr(sheetscan, "_rows_at_once", counted)
        assert _outcome(scan) == by_cell
        feed, text, at = sheetscan.SheetFeed(limits), zf.read(PART), 0
        while at < len(text):  # the gate's chunks: of any size
            step = rng.choice([1, 50, 700, 1 << 20])
            feed.push(text[at : at + step])
            at += step
        kept = {PART: feed.close()}
        assert _outcome(functools.partial(scan, kept)) == by_cell
        if kept[
            PART
        ].calamine_safe:  # the quick proof: every cell a plain one in A–Z below row 100,000
            cells = re.findall(r"<c[\s/>][^>]*", text.decode())
            assert limits == Limits() and all(
                re.match(r'<c r="[A-Z][1-9]\d{0,4}"', c) for c in cells
            )
    assert settled.count(True) > 200 and settled.count(False) > 50  # both ways were taken


def test_the_gate_scans_the_sheets_only_when_asked():
    data = handmade.xlsx('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>')
    scanned = check_container(data, "x.xlsx", keep_sheets=True)
    assert scanned == Container("xlsx") == check_container(data, "x.xlsx")
    assert check_container(data, "x.xlsx").kept is None
    assert scanned.kept is not None and list(scanned.kept.parts) == [PART]
    kept = scanned.kept.parts[PART]
    assert kept.calamine_safe and b"<f>1+1</f>" in b"".join(kept.chunks)
    grid = extract(data, scanned)
    assert grid.sheets[0].formulas == {(1, 1): "1+1"}
    assert (
        grid.sheets[0].formulas == extract(data, check_container(data, "x.xlsx")).sheets[0].formulas
    )


def test_the_gates_scans_serve_under_the_same_limits_only():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 41))
    data = handmade.xlsx(rows)
    scanned = check_container(data, "x.xlsx", keep_sheets=True)  # the default limits
    with pytest.raises(UnreadableFile) as caught:
        extract(data, scanned, Limits(max_rows=30))
    assert caught.value.code == "file.range_too_large"


def test_a_sheet_refused_while_calamine_parses_it_is_named(monkeypatch):
    monkeypatch.setattr(sheetscan, "CHUNK", 64)
    cells = "".join(f'<c r="{c}9"><v>1</v></c>' for c in "ABCDEFGH")
    data = handmade.xlsx(
        f'<row r="9">{cells}</row><row r="10"><c r="A10"/></row><row r="11"><c r="A9"/></row>'
    )
    scans = check_container(data, "x.xlsx", keep_sheets=True).kept
    assert scans is not None and scans.parts[PART].calamine_safe  # parsed while it is scanned
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(data, "x.xlsx")
    assert "Sheet1" in caught.value.message and "第 9 行的单元格出现在第 10 行之后" in (
        caught.value.message
    )

"""A small SpreadsheetML writer that saves workbooks the way WPS 表格 and a Chinese-locale Excel do,
for the third real-world set: shared strings each carrying ``<phoneticPr>`` (and phonetic runs
``<rPh>`` where an IME left them), strings typed inline (``t="inlineStr"``), formula text results
(``t="str"``), custom number formats (``#,##0.00"万元"``, ``0.00_ ``, ``0.00%``, ``yyyy"年"m"月"``),
date serials, merged cells, hidden rows and hidden sheets, and a ``<dimension>`` that does not match
the data. Neither openpyxl nor xlsxwriter writes these shapes, so they are written by hand here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

# custom number formats, as WPS writes them (ids from 176 on)
FORMATS = {
    "wan": '#,##0.00"万元"',
    "trail": "0.00_ ",
    "percent": "0.00%",
    "yearmonth": 'yyyy"年"m"月"',
    "red": "#,##0.00_);[Red]\\(#,##0.00\\)",
    "thousands": "#,##0.00",
    "text": "@",
    "date": "yyyy/m/d",
}
_FORMAT_IDS = {name: 176 + i for i, name in enumerate(FORMATS)}
_STYLE_OF = {None: 0, **{name: i + 1 for i, name in enumerate(FORMATS)}}


@dataclass(frozen=True)
class Inline:
    """A string typed inline in the cell (``t="inlineStr"``), as some exporters write them."""

    text: str


@dataclass(frozen=True)
class Phonetic:
    """A shared string with a phonetic run an IME left behind (``<rPh>``): not part of the value."""

    text: str
    reading: str


@dataclass(frozen=True)
class Styled:
    """A value shown with a number format of ``FORMATS``."""

    value: object
    style: str


@dataclass(frozen=True)
class Sum:
    """A formula with its cached result (``None``: saved without one)."""

    formula: str
    cached: object = None


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merged: list[str] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    state: str = "visible"
    dimension: str = "A1"

    def put(self, row: int, values, col: int = 1) -> None:
        for i, v in enumerate(values):
            if v is not None:
                self.cells[(row, col + i)] = v

    def merge(self, ref: str) -> None:
        self.merged.append(ref)


def _letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _serial(day: dt.date) -> float:
    return float((day - dt.date(1899, 12, 30)).days)


class _Strings:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}
        self.count = 0

    def add(self, text: str, reading: str | None = None) -> int:
        self.count += 1
        key = f"{text}\0{reading or ''}"
        if key not in self.index:
            body = f'<t xml:space="preserve">{escape(text)}</t>'
            if reading:
                body += f'<rPh sb="0" eb="{len(text)}"><t>{escape(reading)}</t></rPh>'
            body += '<phoneticPr fontId="1" type="noConversion"/>'
            self.index[key] = len(self.items)
            self.items.append(f"<si>{body}</si>")
        return self.index[key]

    def xml(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{self.count}" uniqueCount="{len(self.items)}">'
            + "".join(self.items)
            + "</sst>"
        )


def _cell(ref: str, value: object, strings: _Strings) -> str:
    style = 0
    if isinstance(value, Styled):
        style, value = _STYLE_OF[value.style], value.value
    s = f' s="{style}"' if style else ""
    if isinstance(value, Sum):
        cached = value.cached
        f = f"<f>{escape(value.formula)}</f>"
        if cached is None:
            return f'<c r="{ref}"{s}>{f}</c>'
        if isinstance(cached, str):
            return f'<c r="{ref}"{s} t="str">{f}<v>{escape(cached)}</v></c>'
        return f'<c r="{ref}"{s}>{f}<v>{cached!r}</v></c>'
    if isinstance(value, Inline):
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(value.text)}</t></is></c>'
    if isinstance(value, Phonetic):
        return f'<c r="{ref}"{s} t="s"><v>{strings.add(value.text, value.reading)}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="s"><v>{strings.add(value)}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.date):
        style = style or _STYLE_OF["date"]
        return f'<c r="{ref}" s="{style}"><v>{_serial(value):g}</v></c>'
    return f'<c r="{ref}"{s}><v>{value!r}</v></c>'


def _sheet_xml(sheet: Sheet, strings: _Strings) -> str:
    rows: dict[int, list[tuple[int, object]]] = {}
    for (r, c), v in sheet.cells.items():
        rows.setdefault(r, []).append((c, v))
    for r in sheet.hidden_rows:
        rows.setdefault(r, [])
    body = []
    for r in sorted(rows):
        attrs = ' hidden="1" customHeight="1" ht="0"' if r in sheet.hidden_rows else ""
        cells = "".join(_cell(f"{_letter(c)}{r}", v, strings) for c, v in sorted(rows[r]))
        body.append(f'<row r="{r}" spans="1:12"{attrs}>{cells}</row>')
    merges = ""
    if sheet.merged:
        merges = f'<mergeCells count="{len(sheet.merged)}">' + "".join(
            f'<mergeCell ref="{m}"/>' for m in sheet.merged
        )
        merges += "</mergeCells>"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheetPr/><dimension ref="{sheet.dimension}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5"/>'
        f"<sheetData>{''.join(body)}</sheetData>{merges}"
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        "</worksheet>"
    )


def _styles() -> str:
    fmts = "".join(
        f'<numFmt numFmtId="{_FORMAT_IDS[n]}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
        for n, code in FORMATS.items()
    )
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' + "".join(
        f'<xf numFmtId="{_FORMAT_IDS[n]}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for n in FORMATS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="{len(FORMATS)}">{fmts}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font>'
        '<font><sz val="9"/><name val="宋体"/><charset val="134"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(FORMATS) + 1}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def workbook(sheets: list[Sheet], application: str = "WPS 表格") -> bytes:
    """The .xlsx bytes of ``sheets``, saved as WPS saves them."""
    strings = _Strings()
    parts = {f"xl/worksheets/sheet{i}.xml": _sheet_xml(s, strings) for i, s in enumerate(sheets, 1)}
    ns = "http://schemas.openxmlformats.org"
    book = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{i}"'
        + (f' state="{s.state}"' if s.state != "visible" else "")
        + f' r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    n = len(sheets)
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    rels += (
        f'<Relationship Id="rId{n + 1}" Type="{ns}/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{ns}/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/>'
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/extended-properties" '
        'Target="docProps/app.xml"/></Relationships>',
        "docProps/app.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{ns}/officeDocument/2006/extended-properties">'
        f"<Application>{escape(application)}</Application></Properties>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{ns}/spreadsheetml/2006/main" '
        f'xmlns:r="{ns}/officeDocument/2006/relationships">'
        '<workbookPr/><bookViews><workbookView windowWidth="28800" windowHeight="12300"/></bookViews>'
        f'<sheets>{book}</sheets><calcPr calcId="144525"/></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{ns}/package/2006/relationships">{rels}</Relationships>',
        "xl/styles.xml": _styles(),
        **parts,
        "xl/sharedStrings.xml": strings.xml(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text.encode("utf-8"))
    return out.getvalue()

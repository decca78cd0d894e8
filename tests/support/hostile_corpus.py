"""The hostile corpus: attack and breakage files, each with the exact outcome the service must give.

``build_corpus(directory)`` makes every file (the large ones written into ``directory``, never
committed) and returns a ``Case(name, filename, data_or_path, expected)`` per file. An outcome is
one of three:

- **refused**: one ``file.*`` error with its Chinese message (``refused`` code, ``message`` a
  fragment of the fix it names) — exit code 2 on the command line;
- **read**: the 表四 is read, with exactly the issues ``(code, sheet, cell)`` listed;
- **neutralised**: read as well, and the user texts in ``texts`` come back whole, as text, in every
  workbook the service writes (never a formula or a link).

``test_hostile_cli.py`` runs every case through ``budget-planner validate --json``,
``test_hostile_http.py`` through an upload to the site with the real worker pool.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import handmade
import hostile_files as hf
from builders import F, Layout, Submission, project
from hostile_payloads import PAYLOAD_CELLS, payload_submission

from budget_planner.validators.intake.grid import a1, column_letter

SHEET = "Sheet1"
XLSX = "清远市-表四.xlsx"
ETC = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
Issue = tuple[str, str | None, str | None]  # (code, sheet, cell)


@dataclass(frozen=True)
class Expected:
    refused: str | None = None  # the file.* code of a refusal
    message: str = ""  # a fragment of the refusal's message (the fix it names)
    issues: tuple[Issue, ...] = ()  # a read file: exactly these issues
    rows: int = 2
    total: str | None = "80"
    values: tuple[tuple[str, str], ...] = ()  # (cell, value) an issue there must quote exactly
    texts: tuple[str, ...] = ()  # neutralised: user texts every written workbook keeps whole
    stored_name: str | None = None  # the name the site keeps for a hostile upload name
    table: str = "表四"

    @property
    def outcome(self) -> str:
        if self.refused:
            return "refused"
        return "neutralised" if self.texts else "read"

    def report_issues(self) -> list[Issue]:
        if self.refused:
            return [(self.refused, None, None)]
        return sorted(set(self.issues), key=str)


@dataclass(frozen=True)
class Case:
    name: str
    filename: str  # the name as uploaded
    data_or_path: bytes | Path
    expected: Expected
    slow: bool = False

    def data(self) -> bytes:
        return (
            self.data_or_path.read_bytes()
            if isinstance(self.data_or_path, Path)
            else self.data_or_path
        )

    @property
    def size(self) -> int:
        return (
            self.data_or_path.stat().st_size
            if isinstance(self.data_or_path, Path)
            else len(self.data_or_path)
        )


def refused(code: str, message: str = "") -> Expected:
    return Expected(refused=code, message=message, rows=0, total=None)


def issue(code: str, cell: str | None = None, sheet: str | None = SHEET) -> Issue:
    return (code, sheet, cell)


# ---------------------------------------------------------------- the clean base file


def clean() -> bytes:
    return hf.submission().xlsx("xlsxwriter")


def _amount(sub: Submission, index: int) -> str:
    return hf.cell_of(sub, index, "amount")


# ---------------------------------------------------------------- refused by the container gate


def _container_cases(directory: Path) -> list[Case]:
    base = clean()
    html = "<html><head><meta charset='utf-8'></head><body><table><tr><td>序号</td></tr></table>"
    xml2003 = (
        '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="表四"/></Workbook>'
    )
    crc = bytearray(base)
    at = crc.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 40
    crc[at] ^= 0xFF
    encrypted_flag = hf.raw_zip(hf.entries_of(base), flags=1)
    sheet = hf.parts_of(base)["xl/worksheets/sheet1.xml"]
    twice = hf.entries_of(base)
    forged = sheet.replace(b"<v>50</v>", b"<v>5000</v>")
    twice.append(
        ("xl/worksheets/sheet1.xml", hf.deflated(forged), len(forged), zlib.crc32(forged), 8)
    )
    big = directory / "over-20MB.xlsx"
    big.write_bytes(
        handmade.zip_bytes(
            {**hf.parts_of(base), "xl/media/image1.png": random.Random(20).randbytes(21 * hf.MB)},
            compression=0,
        )
    )
    many = directory / "10001-parts.xlsx"
    many.write_bytes(
        handmade.zip_bytes(
            {**hf.parts_of(base), **{f"xl/p/{i}.xml": "<a/>" for i in range(10_001)}}
        )
    )
    return [
        Case("empty", "清远市-表四.xlsx", b"", refused("file.empty", "重新选择文件上传")),
        Case(
            "random_bytes",
            "清远市-表四.xlsx",
            random.Random(1).randbytes(4096),
            refused("file.not_spreadsheet", ".xlsx"),
        ),
        Case(
            "truncated_zip",
            "清远市-表四.xlsx",
            base[: len(base) // 2],
            refused("file.corrupt", "另存为 .xlsx"),
        ),
        Case(
            "crc_corrupt", "清远市-表四.xlsx", bytes(crc), refused("file.corrupt", "另存为 .xlsx")
        ),
        Case(
            "html_named_xls",
            "清远市-表四.xls",
            html.encode(),
            refused("file.fake_excel", "网页（HTML）"),
        ),
        Case(
            "xml2003_named_xls",
            "清远市-表四.xls",
            xml2003.encode(),
            refused("file.fake_excel", "Excel 2003 XML"),
        ),
        Case(
            "pdf_named_xlsx",
            "清远市-表四.xlsx",
            b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n",
            refused("file.not_spreadsheet", "PDF"),
        ),
        Case(
            "encrypted_ooxml",
            "清远市-表四.xlsx",
            handmade.cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\0" * 64}),
            refused("file.encrypted", "清空密码"),
        ),
        Case(
            "encrypted_xls",
            "清远市-表四.xls",
            _encrypted_xls(),
            refused("file.encrypted", "清空密码"),
        ),
        Case(
            "zip_encryption_flag",
            "清远市-表四.xlsx",
            encrypted_flag,
            refused("file.encrypted", "清空密码"),
        ),
        Case(
            "duplicate_zip_entries",
            "清远市-表四.xlsx",
            hf.raw_zip(twice),
            refused("file.corrupt", "部件名称"),
        ),
        Case(
            "traversal_part_name",
            "清远市-表四.xlsx",
            hf.repack(base, add={"../../etc/cron.d/x": "* * * * * root id"}),
            refused("file.corrupt", "部件名称"),
        ),
        Case("too_many_parts", "清远市-表四.xlsx", many, refused("file.too_large", "10000")),
        Case("over_20mb", "清远市-表四.xlsx", big, refused("file.too_large", "超过上限 20 MB")),
    ]


def _encrypted_xls() -> bytes:
    stream = hf.workbook_stream(hf.layout_xls([hf.submission().layout]))
    # FILEPASS (RC4) right after the globals' BOF record
    bof_len = int.from_bytes(stream[2:4], "little")
    filepass = (
        (0x002F).to_bytes(2, "little") + (54).to_bytes(2, "little") + b"\1\0\1\0" + b"\0" * 50
    )
    cut = 4 + bof_len
    return handmade.cfb({"Workbook": stream[:cut] + filepass + stream[cut:]})


# ---------------------------------------------------------------- bombs


def _bomb_cases() -> list[Case]:
    base = clean()
    part = "xl/worksheets/sheet1.xml"
    head, tail = hf.parts_of(base)[part].split(b"</sheetData>")
    spaces = b" " * hf.MB
    sheet_bomb = hf.bomb(base, {part: (head, spaces, 130, b"</sheetData>" + tail)})
    items = {f"customXml/item{n}.xml": (b"<a>", spaces, 100, b"</a>") for n in range(3)}
    total_bomb = hf.bomb(base, items)
    lying = hf.bomb(base, {part: (head, spaces, 200, b"</sheetData>" + tail)}, lie=True)
    strings = hf.layout_xlsx(hf.submission().layout, shared=True)
    sst = hf.parts_of(strings)["xl/sharedStrings.xml"]
    lying_sst = sst.replace(b"<sst ", b'<sst uniqueCount="4294967295" count="4294967295" ', 1)
    many = (sst.replace(b"</sst>", b""), b"<si/>" * 200_000, 120, b"</sst>")  # 24 million
    return [
        Case("bomb_sheet_130MB", XLSX, sheet_bomb, refused("file.too_large", "128 MB")),
        Case("bomb_total_300MB", XLSX, total_bomb, refused("file.too_large", "256 MB")),
        Case("bomb_lying_header", XLSX, lying, refused("file.corrupt", "另存为 .xlsx")),
        Case(
            "shared_strings_count_lies",
            XLSX,
            hf.repack(strings, {"xl/sharedStrings.xml": lying_sst}),
            refused("file.corrupt", "共享字符串表声明的数量与实际不符"),
        ),
        Case(
            "bomb_24M_empty_strings",
            XLSX,
            hf.bomb(strings, {"xl/sharedStrings.xml": many}),
            refused("file.too_large", "共享字符串"),
        ),
    ]


# ---------------------------------------------------------------- DTDs and entities


def _dtd_cases() -> list[Case]:
    base = clean()

    def after_decl(doctype: str) -> Callable[[bytes], bytes]:
        def put(old: bytes) -> bytes:
            end = old.find(b"?>") + 2 if old.startswith(b"<?xml") else 0
            return old[:end] + doctype.encode() + old[end:]

        return put

    laughs_sst = hf.repack(
        base,
        {
            "xl/sharedStrings.xml": lambda old: after_decl(LAUGHS)(old).replace(
                b"<t>50</t>", b"<t>&lol9;</t>"
            )
        },
    )
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + ETC + "<a>&x;</a>").encode("utf-16-le")
    document = hf.parts_of(_docx())["word/document.xml"]
    return [
        Case(
            "billion_laughs_shared_strings",
            "清远市-表四.xlsx",
            laughs_sst,
            refused("file.dtd", "DTD"),
        ),
        Case(
            "xxe_sheet",
            "清远市-表四.xlsx",
            hf.repack(base, {"xl/worksheets/sheet1.xml": after_decl(ETC)}),
            refused("file.dtd", "DTD"),
        ),
        Case(
            "xxe_docprops",
            "清远市-表四.xlsx",
            hf.repack(base, {"docProps/core.xml": after_decl(ETC)}),
            refused("file.dtd", "DTD"),
        ),
        Case(
            "xxe_workbook",
            "清远市-表四.xlsx",
            hf.repack(base, {"xl/workbook.xml": after_decl(ETC)}),
            refused("file.dtd", "DTD"),
        ),
        Case(
            "xxe_docx",
            "清远市-表四.docx",
            hf.repack(_docx(), {"word/document.xml": after_decl(ETC)(document)}),
            refused("file.dtd", "DTD"),
        ),
        Case(
            "billion_laughs_docx",
            "清远市-表四.docx",
            hf.repack(_docx(), {"word/document.xml": after_decl(LAUGHS)(document)}),
            refused("file.dtd", "DTD"),
        ),
        Case(
            "dtd_utf16_without_bom",
            "清远市-表四.xlsx",
            hf.repack(base, add={"customXml/item1.xml": b" \0" + utf16}),
            refused("file.dtd", "DTD"),
        ),
    ]


def _docx() -> bytes:
    return hf.submission().docx()


# ---------------------------------------------------------------- the grid


def _grid_cases() -> list[Case]:
    lay = hf.submission().layout
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    wide = (
        '<row r="20">'
        + "".join(f'<c r="{column_letter(c)}20"><v>{c}</v></c>' for c in range(1, 16_385))
        + "</row>"
    )
    beyond = '<row r="20"><c r="XFE20"><v>1</v></c></row>'
    big_xls = Layout(name="表四", cells=dict(lay.cells))
    big_xls.put(65536, 256, 1)
    twice = hf.RawCell('<c r="{ref}"><v>50</v></c><c r="{ref}"><v>5000</v></c>')
    duplicate = Layout(name=SHEET, cells={**lay.cells, (5, 5): twice}, merges=lay.merges)
    return [
        Case(
            "a1_and_xfd1048576",
            "清远市-表四.xlsx",
            hf.layout_xlsx(lay, extra_rows=far),
            refused("file.range_too_large", "1048576 行、16384 列"),
        ),
        Case(
            "all_16384_columns",
            "清远市-表四.xlsx",
            hf.layout_xlsx(lay, extra_rows=wide),
            refused("file.range_too_large", "16384 列"),
        ),
        Case(
            "beyond_the_grid",
            "清远市-表四.xlsx",
            hf.layout_xlsx(lay, extra_rows=beyond),
            refused("file.out_of_grid", "XFE20"),
        ),
        Case(
            "xls_a1_and_iv65536",
            "清远市-表四.xls",
            hf.layout_xls([big_xls]),
            refused("file.range_too_large", "65536 行"),
        ),
        Case(
            "duplicate_cell_definitions",
            "清远市-表四.xlsx",
            hf.layout_xlsx(duplicate),
            refused("file.corrupt", "E5"),
        ),
    ]


# ---------------------------------------------------------------- read, with their warnings


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{hf.MAIN_NS}">'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def _with(lay: Layout, cells: dict[tuple[int, int], object], name: str | None = None) -> Layout:
    return Layout(
        name=name or lay.name,
        cells={**lay.cells, **cells},
        merges=list(lay.merges),
        visibility=lay.visibility,
    )


def _read_cases() -> list[Case]:
    sub = hf.submission()
    lay = sub.layout
    e5, e6 = _amount(sub, 0), _amount(sub, 1)
    amount_col = lay.columns["amount"]
    row0, row1 = lay.rows
    xls = hf.layout_xls([lay])
    macro_xls = handmade.cfb(
        {"Workbook": hf.workbook_stream(xls), "_VBA_PROJECT_CUR": b"\x01\x00VBA"}
    )
    from builders import text_sheet, workbook

    thousand = workbook(
        [lay, *(text_sheet(f"附表{i}", [[f"说明{i}"]]) for i in range(999))], engine="xlsxwriter"
    )
    totals = Submission("表四", rows=sub.rows, unit="清远市", quirks=sub.quirks | {"total_formula"})
    total_cell = a1(totals.layout.total_row, amount_col)
    unevaluable = hf.submission(**{"1.amount": "=VLOOKUP(1,A1:B2,2,FALSE)"})
    overflow = _with(lay, {(row1, amount_col): F("*".join(["K1"] * 3400)), (1, 11): 1e308})
    errors = _with(
        lay,
        {
            (row0, amount_col): hf.RawCell('<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
            (row1, amount_col): hf.RawCell('<c r="{ref}" t="e"><v>#N/A</v></c>'),
        },
    )
    nan_text = _with(lay, {(row0, amount_col): "NaN", (row1, amount_col): "-Infinity"})
    nan_numbers = _with(
        lay,
        {
            (row0, amount_col): hf.RawCell('<c r="{ref}"><v>NaN</v></c>'),
            (row1, amount_col): hf.RawCell('<c r="{ref}"><v>1e999</v></c>'),
        },
    )
    date_cell = hf.RawCell('<c r="{ref}" s="1"><v>45352</v></c>')  # 2024-03-01 (1900 system)
    date_1904 = hf.RawCell('<c r="{ref}" s="1"><v>43890</v></c>')  # 2024-03-01 (1904 system)
    long_ok = hf.submission(**{"0.work_content": "长" * 32_767})
    long_too = hf.submission(**{"0.work_content": "超" * 100_000})
    c0 = _with(
        lay,
        {
            (row0, lay.columns["remarks"]): hf.RawCell(
                '<c r="{ref}" t="inlineStr"><is><t>备注_x0001_控制_x0000_字符_x005F_x0041_</t></is></c>'
            ),
        },
    )
    draft = Submission("表四", rows=sub.rows, unit="清远市", sheet="旧版草稿").layout
    draft.visibility = "hidden"
    secret = Submission("表四", rows=sub.rows, unit="清远市", sheet="隐藏数据").layout
    secret.visibility = "veryHidden"
    ws = "表四"
    return [
        Case(
            "macros_xlsm",
            "清远市-表四.xlsm",
            hf.repack(clean(), add={"xl/vbaProject.bin": b"\xcc\x61" * 64}),
            Expected(issues=(issue("file.macros_ignored", sheet=None),)),
        ),
        Case(
            "macros_xls",
            "清远市-表四.xls",
            macro_xls,
            Expected(issues=(issue("file.macros_ignored", sheet=None),)),
        ),
        Case("thousand_sheets", "清远市-表四.xlsx", thousand, Expected()),
        Case("formulas_cached", "清远市-表四.xlsx", totals.xlsx("xlsxwriter"), Expected()),
        Case(
            "formulas_uncached",
            "清远市-表四.xlsx",
            totals.xlsx("openpyxl"),
            Expected(issues=(issue("formula.evaluated", total_cell),)),
        ),
        Case(
            "formula_unevaluable",
            "清远市-表四.xlsx",
            unevaluable.xlsx("openpyxl"),
            Expected(issues=(issue("formula.no_cached_value", e6),), rows=1, total="50"),
        ),
        Case(
            "formula_overflow",
            "清远市-表四.xlsx",
            hf.layout_xlsx(overflow),
            Expected(issues=(issue("formula.no_cached_value", e6),), rows=1, total="50"),
        ),
        Case(
            "error_cells",
            "清远市-表四.xlsx",
            hf.layout_xlsx(errors),
            Expected(
                issues=(issue("cell.error_value", e5), issue("cell.error_value", e6)),
                total="0",
                values=((e5, "#DIV/0!"), (e6, "#N/A")),
            ),
        ),
        Case(
            "nan_inf_text",
            "清远市-表四.xlsx",
            hf.layout_xlsx(nan_text),
            Expected(
                issues=(issue("amount.not_number", e5), issue("amount.not_number", e6)), total="0"
            ),
        ),
        Case(
            "nan_inf_numbers",
            "清远市-表四.xlsx",
            hf.layout_xlsx(nan_numbers),
            Expected(
                issues=(issue("amount.too_large", e5), issue("amount.too_large", e6)), total="0"
            ),
        ),
        Case(
            "date_in_amount",
            "清远市-表四.xlsx",
            hf.layout_xlsx(
                _with(lay, {(row1, amount_col): date_cell}), extra_parts={"xl/styles.xml": STYLES}
            ),
            Expected(
                issues=(issue("amount.not_number", e6),), total="50", values=((e6, "2024-03-01"),)
            ),
        ),
        Case(
            "date_1904_system",
            "清远市-表四.xlsx",
            hf.layout_xlsx(
                _with(lay, {(row1, amount_col): date_1904}),
                extra_parts={"xl/styles.xml": STYLES},
                workbook_pr='<workbookPr date1904="1"/>',
            ),
            Expected(
                issues=(issue("amount.not_number", e6),), total="50", values=((e6, "2024-03-01"),)
            ),
        ),
        Case(
            "text_32767_chars",
            "清远市-表四.xlsx",
            long_ok.xlsx("xlsxwriter"),
            Expected(issues=(issue("text.too_long", hf.cell_of(long_ok, 0, "work_content")),)),
        ),
        Case(
            "text_100000_chars",
            "清远市-表四.xlsx",
            hf.layout_xlsx(long_too.layout),
            Expected(issues=(issue("text.too_long", hf.cell_of(long_too, 0, "work_content")),)),
        ),
        Case(
            "c0_controls_and_escapes",
            XLSX,
            hf.layout_xlsx(c0),
            Expected(texts=("备注\x01控制\x00字符_x0041_",)),  # as Excel shows it, kept whole
        ),
        Case(
            "hidden_sheet_with_table",
            "清远市-表四.xlsx",
            workbook([_with(lay, {}, ws), draft]),
            Expected(issues=(issue("sheet.hidden_ignored", sheet="旧版草稿"),)),
        ),
        Case(
            "very_hidden_sheet_with_table",
            "清远市-表四.xlsx",
            workbook([_with(lay, {}, ws), secret]),
            Expected(issues=(issue("sheet.hidden_ignored", sheet="隐藏数据"),)),
        ),
    ]


# ---------------------------------------------------------------- neutralised: payloads and names


def _payload_cases() -> list[Case]:
    sub = payload_submission()
    cell = {place: sub.layout.cell(*place) for place in PAYLOAD_CELLS}
    amounts = [place for place in PAYLOAD_CELLS if place[1] == "amount"]
    # "+1" typed as a project name is a number in a text column
    in_text = issue("amount.in_text_column", cell[(1, "project")])
    expected = Expected(
        issues=(in_text, *(issue("amount.not_number", cell[p]) for p in amounts)),
        rows=4,
        total="80",
        values=tuple((cell[p], PAYLOAD_CELLS[p]) for p in amounts),
        texts=tuple(PAYLOAD_CELLS.values()),
    )
    return [
        Case(
            "payloads_shared_strings",
            "清远市-表四.xlsx",
            hf.layout_xlsx(sub.layout, shared=True),
            expected,
        ),
        Case("payloads_inline_strings", "清远市-表四.xlsx", hf.layout_xlsx(sub.layout), expected),
    ]


HOSTILE_NAMES = {
    "name_traversal": ("../../etc/passwd.xlsx", "passwd.xlsx"),
    # the NUL is removed (storage's rule), not cut at: the name is kept as sent, as data
    "name_nul_exe": ("report.xlsx\0.exe", "report.xlsx.exe"),
    "name_rtl_override": ("清远市\u202exslx.exe", "清远市xslx.exe"),
    "name_300_chars": ("表" * 300 + ".xlsx", "表" * 250 + ".xlsx"),
    "name_chinese_spaces": (" 清远市 表四 （第 2 版）.xlsx ", "清远市 表四 （第 2 版）.xlsx"),
}


def _name_cases() -> list[Case]:
    data = clean()
    return [  # each its own bytes (a zip comment), so the site keeps each as a new version
        Case(name, upload, hf.with_comment(data, name), Expected(stored_name=stored))
        for name, (upload, stored) in HOSTILE_NAMES.items()
    ]


def hundred_thousand_rows(path: Path, rows: int = 100_000) -> Path:
    """A legitimate 表一 of ``rows`` projects in ten short columns (inline strings, streamed)."""
    sub = Submission("表一", rows=[project("知识产权管理", "项目0", 1)], unit="清远市")
    lay = sub.layout
    first = lay.rows[0]
    head = {k: v for k, v in lay.cells.items() if k[0] < first}
    header = hf.sheet_part(Layout(name=SHEET, cells=head, merges=lay.merges))
    start, end = header.split("</sheetData>")
    cols = lay.columns
    with zipfile_for(path) as out:
        out.write(start.encode())
        for n in range(rows):
            r = first + n
            cells = (
                f'<c r="A{r}"><v>{n + 1}</v></c>'
                f'<c r="{column_letter(cols["category"])}{r}" t="inlineStr"><is><t>知识产权管理</t></is></c>'
                f'<c r="{column_letter(cols["work_content"])}{r}" t="inlineStr"><is><t>工作{n}</t></is></c>'
                f'<c r="{column_letter(cols["funding"])}{r}"><v>1.5</v></c>'
                f'<c r="{column_letter(cols["project"])}{r}" t="inlineStr"><is><t>项目{n}</t></is></c>'
                f'<c r="{column_letter(cols["count_amount"])}{r}" t="inlineStr"><is><t>1个×1.5万元</t></is></c>'
                f'<c r="{column_letter(cols["necessity"])}{r}" t="inlineStr"><is><t>必要</t></is></c>'
                f'<c r="{column_letter(cols["policy_basis"])}{r}" t="inlineStr"><is><t>《规划》</t></is></c>'
                f'<c r="{column_letter(cols["performance"])}{r}" t="inlineStr"><is><t>完成</t></is></c>'
                f'<c r="{column_letter(cols["remarks"])}{r}" t="inlineStr"><is><t>无</t></is></c>'
            )
            out.write(f'<row r="{r}">{cells}</row>'.encode())
        out.write(b"</sheetData>" + end.encode())
    return path


class zipfile_for:
    """Write the sheet part of a one-sheet .xlsx as a stream (``with zipfile_for(path) as out``)."""

    def __init__(self, path: Path) -> None:
        import zipfile

        self.path = path
        skeleton = handmade.xlsx("")
        self.zf = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, body in hf.parts_of(skeleton).items():
            if name != "xl/worksheets/sheet1.xml":
                self.zf.writestr(name, body)

    def __enter__(self):
        self.stream = self.zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        return self.stream

    def __exit__(self, *exc) -> None:
        self.stream.close()
        self.zf.close()


# ---------------------------------------------------------------- the corpus


def build_corpus(directory: Path) -> list[Case]:
    directory.mkdir(parents=True, exist_ok=True)
    big = hundred_thousand_rows(directory / "十万行-表一.xlsx")
    return [
        *_container_cases(directory),
        *_bomb_cases(),
        *_dtd_cases(),
        *_grid_cases(),
        *_read_cases(),
        *_payload_cases(),
        *_name_cases(),
        Case(
            "hundred_thousand_rows",
            "清远市-表一.xlsx",
            big,
            Expected(rows=100_000, total="150000", table="表一"),
            slow=True,
        ),
    ]


_built: dict[str, list[Case]] = {}


def cached_corpus(factory) -> list[Case]:
    """The corpus, built once per test session (``factory``: pytest's ``tmp_path_factory``)."""
    if "cases" not in _built:
        _built["cases"] = build_corpus(factory.mktemp("hostile"))
    return _built["cases"]


NAMES = [
    "empty",
    "random_bytes",
    "truncated_zip",
    "crc_corrupt",
    "html_named_xls",
    "xml2003_named_xls",
    "pdf_named_xlsx",
    "encrypted_ooxml",
    "encrypted_xls",
    "zip_encryption_flag",
    "duplicate_zip_entries",
    "traversal_part_name",
    "too_many_parts",
    "over_20mb",
    "bomb_sheet_130MB",
    "bomb_total_300MB",
    "bomb_lying_header",
    "shared_strings_count_lies",
    "bomb_24M_empty_strings",
    "billion_laughs_shared_strings",
    "xxe_sheet",
    "xxe_docprops",
    "xxe_workbook",
    "xxe_docx",
    "billion_laughs_docx",
    "dtd_utf16_without_bom",
    "a1_and_xfd1048576",
    "all_16384_columns",
    "beyond_the_grid",
    "xls_a1_and_iv65536",
    "duplicate_cell_definitions",
    "macros_xlsm",
    "macros_xls",
    "thousand_sheets",
    "formulas_cached",
    "formulas_uncached",
    "formula_unevaluable",
    "formula_overflow",
    "error_cells",
    "nan_inf_text",
    "nan_inf_numbers",
    "date_in_amount",
    "date_1904_system",
    "text_32767_chars",
    "text_100000_chars",
    "c0_controls_and_escapes",
    "hidden_sheet_with_table",
    "very_hidden_sheet_with_table",
    "payloads_shared_strings",
    "payloads_inline_strings",
    "name_traversal",
    "name_nul_exe",
    "name_rtl_override",
    "name_300_chars",
    "name_chinese_spaces",
    "hundred_thousand_rows",
]
SLOW = ("hundred_thousand_rows",)


def expected_exit(case: Case) -> int:
    """The command line's exit code: 2 unreadable, 1 some error, 0 warnings at most."""
    from budget_planner.validators.report.codes import Severity, code

    if case.expected.refused:
        return 2
    errors = [c for c, _, _ in case.expected.issues if code(c).severity is Severity.ERROR]
    return 1 if errors else 0


def check_report(report: dict, case: Case) -> None:
    """One report (DESIGN §5 shape) is exactly the case's expected outcome."""
    e = case.expected
    found = sorted({(i["code"], i["sheet"], i["cell"]) for i in report["issues"]}, key=str)
    assert found == e.report_issues(), case.name
    assert report["table"] == (None if e.refused else e.table), case.name
    assert (report["rows"], report["total"]) == (e.rows, e.total), case.name
    for i in report["issues"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in i["message"]), i  # a Chinese sentence
    if e.refused:
        (only,) = report["issues"]
        assert e.message in only["message"], (case.name, only["message"])
    for cell, value in e.values:
        assert value in [i["value"] for i in report["issues"] if i["cell"] == cell], (
            case.name,
            cell,
        )

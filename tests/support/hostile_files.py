"""Byte-level builders for the hostile corpus: a real 表四 written as sheet XML by hand, zip packages
rewritten part by part (and by hand where a header must lie), bombs streamed so that no test holds
their inflated size in memory, an .xls of a sheet (xlwt) and compound files.

Nothing here is committed as a binary: every file is made at test time from a ``Layout`` of
``builders`` or from a few lines of XML.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from decimal import Decimal
from xml.sax.saxutils import escape

import handmade
from builders import F, Layout, Submission, project

from budget_planner.validators.intake.grid import a1

MAIN_NS = handmade.MAIN_NS
MB = 1024 * 1024


def submission(**overrides: object) -> Submission:
    """清远市's clean 表四 of two projects (专利导航项目 50, 知识产权纠纷多元化解 30) with ``overrides``
    of row 0's and row 1's cells: keys ``"0.amount"``, ``"1.remarks"`` …"""
    rows = [
        project("知识产权高质量创造", "专利导航项目", 50),
        project("强化知识产权保护", "知识产权纠纷多元化解", 30),
    ]
    for key, value in overrides.items():
        index, column = key.split(".", 1)
        rows[int(index)][column] = value
    return Submission("表四", rows=rows, unit="清远市")


def cell_of(sub: Submission, index: int, column: str) -> str:
    return sub.layout.cell(index, column)


# ---------------------------------------------------------------- sheet XML by hand


def excel_text(text: str) -> str:
    """Text as Excel writes it into XML: escaped, a literal ``_xHHHH_`` kept by ``_x005F_``,
    control characters as ``_xHHHH_``."""
    text = re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", text)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m[0]):04X}_", text)
    return escape(text)


def _cell_xml(ref: str, value: object, inline: bool) -> str:
    if isinstance(value, F):
        cached = "" if value.cached is None else f"<v>{value.cached}</v>"
        return f'<c r="{ref}"><f>{escape(value.text)}</f>{cached}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, RawCell):
        return value.xml.format(ref=ref)
    text = excel_text(str(value))
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    if inline:
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    raise ValueError("shared strings are written by sheet_part")


class RawCell:
    """A cell written exactly as given (``{ref}`` is its reference)."""

    def __init__(self, xml: str) -> None:
        self.xml = xml


def sheet_part(
    lay: Layout, *, inline: bool = True, extra_rows: str = "", strings: list[str] | None = None
) -> str:
    """The worksheet XML of a layout; text as inline strings, or as indexes into ``strings``."""
    by_row: dict[int, list[tuple[int, object]]] = {}
    for (r, c), v in lay.cells.items():
        by_row.setdefault(r, []).append((c, v))
    rows = []
    for r in sorted(by_row):
        cells = []
        for c, v in sorted(by_row[r], key=lambda item: item[0]):
            if strings is not None and isinstance(v, str):
                strings.append(v)
                cells.append(f'<c r="{a1(r, c)}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                cells.append(_cell_xml(a1(r, c), v, inline))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    merges = "".join(
        f'<mergeCell ref="{a1(r0, c0)}:{a1(r1, c1)}"/>' for r0, c0, r1, c1 in lay.merges
    )
    merge_xml = f'<mergeCells count="{len(lay.merges)}">{merges}</mergeCells>' if merges else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}">'
        f"<sheetData>{''.join(rows)}{extra_rows}</sheetData>{merge_xml}</worksheet>"
    )


def shared_strings_part(strings: Iterable[str], head: str = "") -> str:
    items = "".join(
        f'<si><t xml:space="preserve">{excel_text(s)}</t></si>'
        if s != s.strip() or "\n" in s
        else f"<si><t>{excel_text(s)}</t></si>"
        for s in strings
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>{head}<sst xmlns="{MAIN_NS}">{items}</sst>'


def layout_xlsx(
    lay: Layout,
    *,
    shared: bool = False,
    extra_rows: str = "",
    extra_parts: dict[str, bytes | str] | None = None,
    workbook_pr: str = "",
) -> bytes:
    """One sheet of a layout as an .xlsx written by hand (inline or shared strings)."""
    strings: list[str] | None = [] if shared else None
    sheet = sheet_part(lay, extra_rows=extra_rows, strings=strings)
    parts: dict[str, bytes | str] = {}
    if strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings_part(strings)
        parts["xl/_rels/workbook.xml.rels"] = _workbook_rels(shared=True)
        parts["[Content_Types].xml"] = _content_types(shared=True)
    if workbook_pr:
        parts["xl/workbook.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
            f'xmlns:r="{handmade.REL_NS}">{workbook_pr}<sheets><sheet name="{lay.name}" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
    parts.update(extra_parts or {})
    return handmade.xlsx("", sheet_name=lay.name, sheet_xml=sheet, extra_parts=parts)


def _workbook_rels(shared: bool) -> str:
    rels = f'<Relationship Id="rId1" Type="{handmade.REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared:
        rels += f'<Relationship Id="rId2" Type="{handmade.REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{handmade.PKG_REL}">{rels}</Relationships>'


def _content_types(shared: bool) -> str:
    extra = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{handmade.SHEET_CT}"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>{extra}</Types>'
    )


# ---------------------------------------------------------------- zip packages


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def repack(
    data: bytes,
    replace: dict[str, bytes | str | Callable[[bytes], bytes]] | None = None,
    add: dict[str, bytes | str] | None = None,
) -> bytes:
    """The package with some parts replaced (bytes, text, or a function of the old bytes) or added."""
    parts: dict[str, bytes | str] = dict(parts_of(data))
    for name, new in (replace or {}).items():
        old = parts[name]
        parts[name] = new(old) if callable(new) else new  # type: ignore[arg-type]
    parts.update(add or {})
    return handmade.zip_bytes(parts)


def with_comment(data: bytes, comment: str) -> bytes:
    """The same package with a zip comment: other bytes, the same workbook."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.comment = comment.encode()
    return out.getvalue()


def raw_zip(entries: list[tuple[str, bytes, int, int, int]], flags: int = 0) -> bytes:
    """A zip written by hand: (name, deflated bytes, declared size, declared CRC, method) per entry,
    in order; duplicate names and any lie in the header are kept as given."""
    out = io.BytesIO()
    central = []
    for name, body, size, crc, method in entries:
        raw_name = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(body),
                size,
                len(raw_name),
                0,
            )
            + raw_name
            + body
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(body),
                size,
                len(raw_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw_name
        )
    start = out.tell()
    out.write(b"".join(central))
    end = out.tell()
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0
        )
    )
    return out.getvalue()


def deflated(data: bytes) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def entries_of(data: bytes) -> list[tuple[str, bytes, int, int, int]]:
    """A package as raw_zip entries (every part deflated, true sizes and CRCs)."""
    return [
        (name, deflated(body), len(body), zlib.crc32(body), zipfile.ZIP_DEFLATED)
        for name, body in parts_of(data).items()
    ]


def repeated_deflate(head: bytes, filler: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """(raw deflate stream, inflated size, CRC) of head + filler × times + tail, made cheaply: the
    filler is compressed once after a full flush, which resets the window, so its compressed bytes
    repeat exactly."""
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(filler) + co.flush(zlib.Z_FULL_FLUSH)
    end = co.compress(tail) + co.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(filler, crc)
    return (
        start + block * times + end,
        len(head) + len(filler) * times + len(tail),
        zlib.crc32(tail, crc),
    )


Stream = tuple[bytes, bytes, int, bytes]  # head, filler, times, tail


def bomb(base: bytes, parts: dict[str, Stream], *, lie: bool = False) -> bytes:
    """``base`` with ``parts`` replaced or added, each head + filler × times + tail: hundreds of
    megabytes inflated from kilobytes on disk. With ``lie`` the headers state the size and CRC of
    head + tail only, so a reader that trusts them stops early and one that inflates the whole
    stream gets it all."""
    entries = [
        (name, deflated(body), len(body), zlib.crc32(body), 8)
        for name, body in parts_of(base).items()
        if name not in parts
    ]
    for name, (head, filler, times, tail) in parts.items():
        stream, size, crc = repeated_deflate(head, filler, times, tail)
        if lie:
            size, crc = len(head + tail), zlib.crc32(head + filler[: len(tail)])
        entries.append((name, stream, size, crc, 8))
    return raw_zip(entries)


# ---------------------------------------------------------------- .xls


def layout_xls(lays: list[Layout]) -> bytes:
    """The sheets as an .xls (BIFF8, xlwt); formulas as their cached values."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for lay in lays:
        ws = book.add_sheet(lay.name)
        if lay.visibility != "visible":
            ws.visibility = 1 if lay.visibility == "hidden" else 2
        merged = {(r0, c0) for r0, c0, _, _ in lay.merges}
        for r0, c0, r1, c1 in lay.merges:
            value = lay.cells.get((r0, c0))
            ws.write_merge(r0 - 1, r1 - 1, c0 - 1, c1 - 1, "" if value is None else value)
        for (r, c), v in lay.cells.items():
            if (r, c) in merged:
                continue
            ws.write(r - 1, c - 1, v.cached if isinstance(v, F) else v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def workbook_stream(xls: bytes) -> bytes:
    from budget_planner.validators.intake.cfb import CompoundFile

    cfb = CompoundFile(xls)
    entry = cfb.find("Workbook")
    assert entry is not None
    return cfb.read_start(entry, entry.size)

"""The container gate for zip packages (.xlsx, .xlsm, .docx): standard library only.

Counts parts and checks their names; inflates every part from its own bytes (found through its local
header, as calamine's zip reader finds them) while counting, and holds it to its headers: stored or
deflated only, no two parts sharing bytes, the local name the directory's, and exactly the declared
size and CRC — a header that understates the size is caught at the first byte past it. Refuses any
DTD or entity declaration in an XML part (UTF-8 or UTF-16, with or without a BOM). Returns what kind
of document the package holds.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from budget_planner.validators.report.issues import unreadable

MB = 1024 * 1024

READ = 1024 * 1024
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ("xlsx", False),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (
        "xlsx",
        False,
    ),
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": ("xlsm", True),
    "application/vnd.ms-excel.template.macroenabled.main+xml": ("xlsm", True),
    "application/vnd.ms-excel.addin.macroenabled.main+xml": ("xlsm", True),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "docx",
        False,
    ),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": (
        "docx",
        False,
    ),
    "application/vnd.ms-word.document.macroenabled.main+xml": ("docx", True),
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": ("docx", True),
}
_CONTENT_TYPE = re.compile(rb'ContentType\s*=\s*["\']([^"\']+)["\']')
_DECL = (b"DOCTYPE", b"ENTITY")


def _bad_name(name: str) -> bool:
    if "\\" in name or "\0" in name or name.startswith("/") or ":" in name.split("/", 1)[0]:
        return True
    return any(seg in ("..", ".") for seg in name.split("/"))


_XML_NAMES = (".xml", ".rels", ".vml")
_DTD_UTF8 = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_UTF16LE = re.compile(
    b"<\x00!\x00(?:" + "DOCTYPE".encode("utf-16-le") + b"|" + "ENTITY".encode("utf-16-le") + b")",
    re.IGNORECASE,
)
_DTD_UTF16BE = re.compile(
    b"\x00<\x00!(?:" + "DOCTYPE".encode("utf-16-be") + b"|" + "ENTITY".encode("utf-16-be") + b")",
    re.IGNORECASE,
)
_SHEET_HEAD = 64 * 1024  # a worksheet's root element is looked for in its first bytes
_WORKSHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?worksheet\b")
_TAIL = 32  # bytes kept from the previous chunk, so a declaration cut in two is still seen


def _looks_like_xml(head: bytes) -> bool:
    body = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    return body[:1] == b"<" or not body


def _declares(text: bytes) -> bool:
    """Whether ``text`` holds <!DOCTYPE or <!ENTITY in any letter case, in UTF-8 (and the 8-bit
    encodings that keep ASCII) or UTF-16 of either byte order."""
    # memchr: a bomb of spaces, or any part without "!", costs no more than its inflating (each
    # pattern holds the byte "!" in every encoding looked for)
    if b"!" not in text or b"<" not in text:
        return False
    return bool(_DTD_UTF8.search(text) or _DTD_UTF16LE.search(text) or _DTD_UTF16BE.search(text))


class _DtdWatch:
    """Looks for <!DOCTYPE / <!ENTITY in an XML part as it is inflated: in UTF-8 (and the 8-bit
    encodings that keep ASCII) and in UTF-16 of either byte order, with or without a BOM."""

    def __init__(self, name: str) -> None:
        self.xml: bool | None = True if name.lower().endswith(_XML_NAMES) else None
        self.tail = b""

    def feed(self, chunk: bytes) -> bool:
        if self.xml is None:  # a part of another name: XML if it starts like XML
            self.xml = _looks_like_xml(chunk[:64])
        if not self.xml:
            return False
        if b"!" not in chunk and b"!" not in self.tail:  # memchr: no declaration here, no copy
            self.tail = chunk[-_TAIL:] if len(chunk) >= _TAIL else (self.tail + chunk)[-_TAIL:]
            return False
        text = self.tail + chunk
        self.tail = text[-_TAIL:]
        return _declares(text)


def check_zip(data: bytes, name: str, limits, kept=None) -> tuple[str, bool]:
    """(kind, macros) of a zip package that passes every check; UnreadableFile otherwise.
    ``kept``: a ``KeptSheets`` to fill with each worksheet part as inflated."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise unreadable("file.corrupt") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_parts:
            raise unreadable("file.too_large", "parts", count=len(infos), limit=limits.max_parts)
        seen: set[str] = set()
        for info in infos:
            if _bad_name(info.filename) or info.filename.lower() in seen:
                raise unreadable("file.corrupt", "bad_part_name")
            seen.add(info.filename.lower())
            if info.flag_bits & 0x1:
                raise unreadable("file.encrypted")
            if info.file_size > limits.max_part_size:
                raise unreadable("file.too_large", "part", limit_mb=limits.max_part_size / MB)
        if sum(i.file_size for i in infos) > limits.max_total_size:
            raise unreadable("file.too_large", "total", limit_mb=limits.max_total_size / MB)
        _inflate_all(data, infos, limits, kept)  # every part checked before any is read
        kind, macros = _kind(zf, seen)
    return kind, macros


def _kind(zf: zipfile.ZipFile, names: set[str]) -> tuple[str, bool]:
    has_vba = any(n.endswith("vbaproject.bin") for n in names)
    if "mimetype" in names:  # OpenDocument (.ods / .odt)
        raise unreadable("file.not_spreadsheet", "open_document")
    types = b""
    if "[content_types].xml" in names:
        real = next(n for n in zf.namelist() if n.lower() == "[content_types].xml")
        with zf.open(real) as f:
            types = f.read(READ)
    for found in _CONTENT_TYPE.findall(types):
        entry = _MAIN_TYPES.get(found.decode("ascii", "replace").lower())
        if entry is not None:
            kind, macros = entry
            if has_vba and kind == "xlsx":
                kind = "xlsm"
            return kind, macros or has_vba
        if b"sheet.binary" in found.lower():
            raise unreadable("file.not_spreadsheet", "xlsb")
    if "xl/workbook.xml" in names:
        return ("xlsm" if has_vba else "xlsx"), has_vba
    if "word/document.xml" in names:
        return "docx", has_vba
    if "xl/workbook.bin" in names:
        raise unreadable("file.not_spreadsheet", "xlsb")
    raise unreadable("file.not_spreadsheet")


def _inflate_all(data: bytes, infos: list[zipfile.ZipInfo], limits, kept=None) -> None:
    """Inflate every part from its own bytes, counting, and hold it to its headers: a part that
    inflates to more or less than it declares, overlaps another, or fails its CRC is corrupt.
    ``kept`` (a ``KeptSheets``): each part that starts like a worksheet is kept as it is inflated,
    looked at for the quick proof (``SheetFeed``)."""
    total = 0
    ends = _local_extents(data, infos)
    for info in infos:
        if info.is_dir():
            continue
        start, end = ends[id(info)]
        watch = _DtdWatch(info.filename)
        size = 0
        crc = 0
        feed = None
        for chunk in _inflate(data, start, end, info):
            if kept is not None and not size:
                feed = _sheet_feed(info.filename, chunk, limits)
            size += len(chunk)
            total += len(chunk)
            if size > info.file_size:  # the header understates the size: it lies
                raise unreadable("file.corrupt")
            if size > limits.max_part_size:
                raise unreadable("file.too_large", "part", limit_mb=limits.max_part_size / MB)
            if total > limits.max_total_size:
                raise unreadable("file.too_large", "total", limit_mb=limits.max_total_size / MB)
            if watch.feed(chunk):
                raise unreadable("file.dtd")
            crc = zlib.crc32(chunk, crc)
            if feed is not None:
                feed.push(chunk)
        if size != info.file_size or crc != info.CRC:
            raise unreadable("file.corrupt")
        if feed is not None:
            kept.parts[info.filename] = feed.close()


def _sheet_feed(name: str, head: bytes, limits):
    """A ``SheetFeed`` for a part that starts like a worksheet (which parts are worksheets is only
    known once the workbook is read: a part kept for nothing costs its memory only)."""
    if not name.lower().endswith(".xml") or not _WORKSHEET.search(head, 0, _SHEET_HEAD):
        return None
    from budget_planner.validators.intake.extract.sheetscan import SheetFeed

    return SheetFeed(limits)


def _local_extents(data: bytes, infos: list[zipfile.ZipInfo]) -> dict[int, tuple[int, int]]:
    """Where each part's compressed bytes lie, from its local header; parts must not overlap."""
    extents: dict[int, tuple[int, int]] = {}
    previous_end = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        at = info.header_offset
        if at < previous_end or data[at : at + 4] != b"PK\x03\x04" or at + 30 > len(data):
            raise unreadable("file.corrupt")
        name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
        start = at + 30 + name_len + extra_len
        try:
            central = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
        except UnicodeEncodeError:
            central = b""
        if data[at + 30 : at + 30 + name_len] != central:  # a name in two versions
            raise unreadable("file.corrupt", "bad_part_name")
        end = start + info.compress_size
        if end > len(data):
            raise unreadable("file.corrupt")
        extents[id(info)] = (start, end)
        previous_end = end
    return extents


def _inflate(data: bytes, start: int, end: int, info: zipfile.ZipInfo):
    """The part's bytes in chunks of at most READ; stored or deflated only (what Excel writes)."""
    raw = memoryview(data)[start:end]
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise unreadable("file.corrupt")
        for pos in range(0, len(raw), READ):
            yield bytes(raw[pos : pos + READ])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise unreadable("file.corrupt")
    inflater = zlib.decompressobj(-15)
    pos = 0
    pending: bytes | memoryview = b""
    try:
        while not inflater.eof:
            if not pending:
                if pos >= len(raw):
                    raise unreadable("file.corrupt")  # the stream is cut short
                pending, pos = raw[pos : pos + READ], pos + READ
            chunk = inflater.decompress(pending, READ)
            pending = inflater.unconsumed_tail
            if chunk:
                yield chunk
    except zlib.error as exc:
        raise unreadable("file.corrupt") from exc

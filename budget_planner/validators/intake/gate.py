"""The container gate: what kind of file this is, and whether it is safe to hand to a parser.

Standard library only, run before any parser (in the web process, cheap): sniff the magic bytes (not
the extension), refuse what is empty, too large, not a spreadsheet, a web page "named .xls",
corrupt, encrypted or carries a DTD; check zip packages part by part while inflating. Each refusal
is an UnreadableFile with one file.* code and one Chinese sentence naming the fix.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from budget_planner.errors import UnreadableFile
from budget_planner.validators.intake.cfb import MAGIC as CFB_MAGIC
from budget_planner.validators.intake.cfb import CfbError, CompoundFile
from budget_planner.validators.report.issues import unreadable

if TYPE_CHECKING:
    from budget_planner.validators.intake.extract.sheetscan import SheetXml

MB = 1024 * 1024
Kind = Literal["xlsx", "xlsm", "xls", "docx"]
EXCEL_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".xlt", ".xltx", ".xltm", ".et")
_FILEPASS, _BIFF_EOF = 0x002F, 0x000A


@dataclass(frozen=True)
class Limits:
    max_upload: int = 20 * MB  # the file as uploaded
    max_parts: int = 10_000  # parts in a zip package
    max_part_size: int = 128 * MB  # one part, inflated (declared and counted)
    max_total_size: int = 256 * MB  # all parts, inflated
    max_rows: int = 200_000  # cells holding values may spread over at most this many rows …
    max_cols: int = 1_000  # … and columns
    max_cells: int = 10_000_000  # … and rows × columns
    max_strings: int = 5_000_000  # shared strings of an .xlsx (calamine keeps them all in memory)


DEFAULT_LIMITS = Limits()


@dataclass
class KeptSheets:
    """The worksheet parts the gate kept as it inflated them, for the extractor in the same process:
    each part's XML by part name, looked at for the quick proof under these limits (the extractor
    uses them under the same limits only)."""

    limits: Limits
    parts: dict[str, SheetXml] = field(default_factory=dict)


@dataclass(frozen=True)
class Container:
    kind: Kind
    macros: bool = False  # a vbaProject part, a macro-enabled type or a VBA storage: warn, ignore
    kept: KeptSheets | None = field(default=None, compare=False, repr=False)


def check_container(
    data: bytes, name: str, limits: Limits = DEFAULT_LIMITS, *, keep_sheets: bool = False
) -> Container:
    """The kind of an upload that may be parsed; UnreadableFile (file.*) for anything else.

    ``keep_sheets``: also keep each worksheet part as inflated, its cells looked at for the quick proof
    (the extractor then does not inflate it again). Only for a file parsed in this same process:
    the web process leaves the scan to the guarded worker, whose limits bound it on a hostile
    sheet."""
    if not data:
        raise unreadable("file.empty")
    if len(data) > limits.max_upload:
        raise unreadable("file.too_large", size_mb=len(data) / MB, limit_mb=limits.max_upload / MB)
    if data[:4] == b"PK\x03\x04":
        from budget_planner.validators.intake.zipgate import check_zip

        kept = KeptSheets(limits) if keep_sheets else None
        kind, macros = check_zip(data, name, limits, kept)
        return Container(kind, macros, kept if kept is not None and kept.parts else None)  # type: ignore[arg-type]
    if data[:8] == CFB_MAGIC:
        return _check_cfb(data)
    if data[:2] == b"PK":  # an empty or spanned zip archive
        raise unreadable("file.corrupt")
    if len(data) >= 4 and CFB_MAGIC.startswith(data[:8]):  # cut off inside the header
        raise unreadable("file.corrupt")
    raise _not_a_workbook(data, name)


def _check_cfb(data: bytes) -> Container:
    try:
        cfb = CompoundFile(data)
        names = {n.lower() for n in cfb.names()}
        if "encryptioninfo" in names or "encryptedpackage" in names:
            raise unreadable("file.encrypted")
        book = cfb.find("Workbook") or cfb.find("Book")
        if book is not None:
            if _has_filepass(cfb.read_start(book, 256 * 1024)):
                raise unreadable("file.encrypted")
            return Container("xls", macros="_vba_project_cur" in names)
    except CfbError as exc:
        raise unreadable("file.corrupt") from exc
    if "worddocument" in names:
        raise unreadable("file.not_spreadsheet", "doc")
    raise unreadable("file.not_spreadsheet")


def _has_filepass(stream: bytes) -> bool:
    """A FILEPASS record in the workbook globals (BIFF): the .xls is encrypted."""
    pos = 0
    while pos + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, pos)
        if record == _FILEPASS:
            return True
        if record == _BIFF_EOF:
            return False
        pos += 4 + length
    return False


def _text_head(data: bytes) -> str | None:
    """The start of a text file, lower-cased, or None when the bytes are not text."""
    head = data[:4096]
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "ignore").lstrip().lower()
    if b"\0" in head:
        return None
    for codec in ("utf-8", "gb18030"):
        try:
            return head.decode(codec).lstrip().lower()
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the end of the sample
                return head[: exc.start].decode(codec, "ignore").lstrip().lower()
    return None


def _not_a_workbook(data: bytes, name: str) -> UnreadableFile:
    named_excel = name.lower().endswith(EXCEL_SUFFIXES)
    if data.startswith(b"%PDF"):
        return unreadable("file.not_spreadsheet", "pdf")
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\0", b"MM\0*")):
        return unreadable("file.not_spreadsheet", "image")
    if data.startswith(b"{\\rtf"):
        return unreadable("file.not_spreadsheet", "rtf")
    head = _text_head(data)
    if head is None:
        return unreadable("file.not_spreadsheet")
    if head.startswith("<?xml") and (
        "urn:schemas-microsoft-com:office:spreadsheet" in head or "excel.sheet" in head
    ):
        content: str | None = "xml"
    elif head.startswith(
        ("<html", "<!doctype html", "<table", "<meta", "<head", "<body", "<style", "<tr")
    ) or ("<html" in head[:1024]):
        content = "html"
    elif head.startswith("mime-version:"):
        content = "mht"
    else:
        content = None  # plain text (a CSV)
    if named_excel:
        return unreadable("file.fake_excel", content)
    return unreadable("file.not_spreadsheet", "text" if content is None else None)

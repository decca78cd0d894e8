"""The container gate for zip packages (.xlsx, .xlsm, .docx): standard library only.

Counts parts, checks their names, inflates every part while counting (the header can lie), and refuses
any DTD or entity declaration in an XML part. Returns what kind of document the package holds.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from budget_planner.errors import UnreadableFile
from budget_planner.validators import gate_messages as msg

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


class _DtdWatch:
    """Looks for <!DOCTYPE / <!ENTITY in a part as it is inflated (UTF-8 or UTF-16)."""

    def __init__(self) -> None:
        self.kind: str | None = (
            None  # "xml", "utf-16-le", "utf-16-be" or "other", from the first bytes
        )
        self.tail = b""

    def feed(self, chunk: bytes) -> bool:
        if self.kind is None:
            head = chunk[:4]
            if head[:2] == b"\xff\xfe" or head[:2] == b"<\x00":
                self.kind = "utf-16-le"
            elif head[:2] == b"\xfe\xff" or head[:2] == b"\x00<":
                self.kind = "utf-16-be"
            else:
                body = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
                self.kind = "xml" if body[:1] == b"<" or not body else "other"
        if self.kind == "other":
            return False
        if self.kind != "xml":
            chunk = chunk.decode(self.kind, "ignore").encode("utf-8")
        text = self.tail + chunk
        pos = text.find(b"<!")
        while pos >= 0:
            word = text[pos + 2 : pos + 9].upper()
            if word.startswith(_DECL):
                return True
            pos = text.find(b"<!", pos + 2)
        self.tail = text[-8:]
        return False


def check_zip(data: bytes, name: str, limits) -> tuple[str, bool]:
    """(kind, macros) of a zip package that passes every check; UnreadableFile otherwise."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableFile("file.corrupt", msg.CORRUPT) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_parts:
            raise UnreadableFile("file.too_large", msg.too_many_parts(len(infos), limits.max_parts))
        seen: set[str] = set()
        for info in infos:
            if _bad_name(info.filename) or info.filename.lower() in seen:
                raise UnreadableFile("file.corrupt", msg.BAD_PART_NAME)
            seen.add(info.filename.lower())
            if info.flag_bits & 0x1:
                raise UnreadableFile("file.encrypted", msg.ENCRYPTED)
            if info.file_size > limits.max_part_size:
                raise UnreadableFile("file.too_large", msg.part_too_large(limits))
        if sum(i.file_size for i in infos) > limits.max_total_size:
            raise UnreadableFile("file.too_large", msg.total_too_large(limits))
        kind, macros = _kind(zf, seen)
        _inflate_all(zf, infos, limits)
    return kind, macros


def _kind(zf: zipfile.ZipFile, names: set[str]) -> tuple[str, bool]:
    has_vba = any(n.endswith("vbaproject.bin") for n in names)
    if "mimetype" in names:  # OpenDocument (.ods / .odt)
        raise UnreadableFile("file.not_spreadsheet", msg.OPEN_DOCUMENT)
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
            raise UnreadableFile("file.not_spreadsheet", msg.XLSB)
    if "xl/workbook.xml" in names:
        return ("xlsm" if has_vba else "xlsx"), has_vba
    if "word/document.xml" in names:
        return "docx", has_vba
    if "xl/workbook.bin" in names:
        raise UnreadableFile("file.not_spreadsheet", msg.XLSB)
    raise UnreadableFile("file.not_spreadsheet", msg.NOT_SPREADSHEET)


def _inflate_all(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits) -> None:
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        size, watch = 0, _DtdWatch()
        try:
            with zf.open(info) as part:
                while chunk := part.read(READ):
                    size += len(chunk)
                    total += len(chunk)
                    if size > limits.max_part_size:
                        raise UnreadableFile("file.too_large", msg.part_too_large(limits))
                    if total > limits.max_total_size:
                        raise UnreadableFile("file.too_large", msg.total_too_large(limits))
                    if watch.feed(chunk):
                        raise UnreadableFile("file.dtd", msg.DTD)
        except UnreadableFile:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise UnreadableFile("file.corrupt", msg.CORRUPT) from exc
        except RuntimeError as exc:  # "File is encrypted", bad password
            raise UnreadableFile("file.encrypted", msg.ENCRYPTED) from exc

"""Sending bytes back: RFC 6266 file names (Chinese kept), never sniffed, never cached."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from urllib.parse import quote

from flask import Response

from budget_planner.storage.records import clean_file_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_BY_SUFFIX = {
    ".xlsx": XLSX,
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
}


_PLAIN_NAME = re.compile(r"[A-Za-z0-9._()+-]+")  # a fallback name needing no quoting at all
_PLAIN_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


def content_disposition(name: str, inline: bool = False) -> str:
    """``attachment; filename="….xlsx"; filename*=UTF-8''%E6%B8%85…`` (RFC 6266 / RFC 5987).

    The name is cleaned again (a name stored before the cleaning rules may hold a line break);
    the plain ``filename=`` fallback is a name of letters, digits and ``._()+-`` only, else
    ``download`` with the extension when that is plain too."""
    name = clean_file_name(name)
    suffix = PurePath(name).suffix
    if _PLAIN_NAME.fullmatch(name):
        fallback = name
    else:
        fallback = "download" + (suffix if _PLAIN_SUFFIX.fullmatch(suffix) else "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send(data: bytes, name: str, mime: str | None = None) -> Response:
    mime = mime or MIME_BY_SUFFIX.get(PurePath(name).suffix.lower(), "application/octet-stream")
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def zip_bytes(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip whose Chinese member names open correctly (UTF-8 flag set by zipfile)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()

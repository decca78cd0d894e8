"""The document properties' modified time (docProps/core.xml ``dcterms:modified``) of an OOXML file."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

_MODIFIED = re.compile(
    rb"<(?:[\w.-]+:)?modified\b[^>]*>\s*([^<]{4,40}?)\s*</(?:[\w.-]+:)?modified>"
)


def parse_w3cdtf(text: str) -> dt.datetime | None:
    """'2024-03-01T08:30:00Z' → an aware datetime (UTC when the text states no zone); None if unreadable."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def core_modified(zf: zipfile.ZipFile) -> dt.datetime | None:
    try:
        data = zf.read("docProps/core.xml")
    except KeyError:
        return None
    match = _MODIFIED.search(data)
    return parse_w3cdtf(match.group(1).decode("utf-8", "replace")) if match else None

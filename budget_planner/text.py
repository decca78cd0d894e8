"""The one canonical-text rule (DESIGN §2), used by every part that compares or stores text."""

from __future__ import annotations

import re
import unicodedata

_SPACE_LIKE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_LINE_SPACES = re.compile(r" *\n *")
_NEWLINES = re.compile(r"\n{2,}")
_ALL_WHITESPACE = re.compile(r"[\s\u00a0\u200b\u3000\ufeff]+")


def canonical(value: object) -> str:
    """Return text in canonical form: NFKC, odd spaces made plain, runs collapsed, ends stripped.

    Line breaks inside a cell are kept (as single ``\\n``); ``compact`` removes them for comparison.
    ``None`` becomes the empty string.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE_LIKE.sub(" ", text)
    text = _LINE_SPACES.sub("\n", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()


def compact(value: object) -> str:
    """Canonical text with all whitespace removed: how headers and 类型 are compared."""
    return _ALL_WHITESPACE.sub("", canonical(value))

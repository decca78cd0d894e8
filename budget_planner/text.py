"""The one canonical-text rule (DESIGN §2), used by every part that compares or stores text.

NFKC; non-breaking and ideographic spaces become spaces; runs collapse; ends stripped; line breaks
inside a cell are kept as single ``\\n``. ``compact`` removes all whitespace, for comparing headers
and 类型. The reader calls ``canonical`` on every text cell, so it takes the fast path where it can:
NFKC only on the characters that change under it (``unicodedata.normalize`` over a whole sentence
costs ~12 µs), and the space rules only when an odd space is present. A property test checks it equal
to the plain definition.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_SPACE_LIKE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_LINE_SPACES = re.compile(r" *\n *")
_NEWLINES = re.compile(r"\n{2,}")
_ODD_SPACE = re.compile(r"[\t\n\r\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]|  ")
_ALL_WHITESPACE = re.compile(r"[\s\u00a0\u200b\u3000\ufeff]+")

# the full-width punctuation of Chinese office text, replaced directly (str.replace is C-fast)
_COMMON = tuple(
    (ch, unicodedata.normalize("NFKC", ch)) for ch in "，（）：；！？\u3000％．／－\uff5e"
)


@cache
def _unstable() -> re.Pattern[str]:
    """Runs of BMP characters that NFKC changes (full-width forms, compatibility ideographs …)."""
    codes = [
        c
        for c in range(0x10000)
        if not 0xD800 <= c <= 0xDFFF and unicodedata.normalize("NFKC", chr(c)) != chr(c)
    ]
    ranges: list[tuple[int, int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    parts = "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
    return re.compile(f"[{parts}]+")


def _nfkc_run(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, touching only the characters that change."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    for ch, to in _COMMON:
        if ch in text:
            text = text.replace(ch, to)
    if unicodedata.is_normalized("NFKC", text):
        return text
    fixed = _unstable().sub(_nfkc_run, text)
    # combining sequences and astral characters: the whole text
    return (
        fixed if unicodedata.is_normalized("NFKC", fixed) else unicodedata.normalize("NFKC", text)
    )


def canonical(value: object) -> str:
    """Return text in canonical form; ``None`` becomes the empty string."""
    if value is None:
        return ""
    text = nfkc(value if type(value) is str else str(value))
    if _ODD_SPACE.search(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _SPACE_LIKE.sub(" ", text)
        text = _LINE_SPACES.sub("\n", text)
        text = _NEWLINES.sub("\n", text)
    return text.strip()


def compact(value: object) -> str:
    """Canonical text with all whitespace removed: how headers and 类型 are compared."""
    return _ALL_WHITESPACE.sub("", canonical(value))

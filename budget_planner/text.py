"""The one canonical-text rule (docs/domain.md), used by every part that compares or stores text.

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
# an odd space other than a line break (the double space, and a line break beside a space or
# another, are looked for with ``in``: an alternation here is twice as slow)
_ODD_SPACE = re.compile(r"[\t\r\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_ALL_WHITESPACE = re.compile(r"[\s\u00a0\u200b\u3000\ufeff]+")

# the full-width punctuation of Chinese office text, replaced directly (str.replace is C-fast)
_COMMON = tuple(
    (ch, unicodedata.normalize("NFKC", ch)) for ch in "，（）：；！？\u3000％．／－\uff5e"
)
_FREQUENT, _RARER = _COMMON[:5], _COMMON[5:]


def unstable_class() -> str:
    """The character class of the BMP characters that NFKC changes (full-width forms, compatibility
    ideographs …), computed from this Python's ``unicodedata``: ``_UNSTABLE_CLASS`` is this string,
    written out because computing it costs ~15 ms in every process (a test keeps them equal)."""
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
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


# unstable_class() for Python 3.11's Unicode 14 (regenerate when a new Python changes the tables)
_UNSTABLE_CLASS = (
    r"\u00a0\u00a8\u00aa\u00af\u00b2-\u00b5\u00b8-\u00ba\u00bc-\u00be\u0132-\u0133"
    r"\u013f-\u0140\u0149\u017f\u01c4-\u01cc\u01f1-\u01f3\u02b0-\u02b8\u02d8-\u02dd"
    r"\u02e0-\u02e4\u0340-\u0341\u0343-\u0344\u0374\u037a\u037e\u0384-\u0385\u0387"
    r"\u03d0-\u03d6\u03f0-\u03f2\u03f4-\u03f5\u03f9\u0587\u0675-\u0678\u0958-\u095f"
    r"\u09dc-\u09dd\u09df\u0a33\u0a36\u0a59-\u0a5b\u0a5e\u0b5c-\u0b5d\u0e33\u0eb3"
    r"\u0edc-\u0edd\u0f0c\u0f43\u0f4d\u0f52\u0f57\u0f5c\u0f69\u0f73\u0f75-\u0f79\u0f81"
    r"\u0f93\u0f9d\u0fa2\u0fa7\u0fac\u0fb9\u10fc\u1d2c-\u1d2e\u1d30-\u1d3a\u1d3c-\u1d4d"
    r"\u1d4f-\u1d6a\u1d78\u1d9b-\u1dbf\u1e9a-\u1e9b\u1f71\u1f73\u1f75\u1f77\u1f79\u1f7b"
    r"\u1f7d\u1fbb\u1fbd-\u1fc1\u1fc9\u1fcb\u1fcd-\u1fcf\u1fd3\u1fdb\u1fdd-\u1fdf\u1fe3"
    r"\u1feb\u1fed-\u1fef\u1ff9\u1ffb\u1ffd-\u1ffe\u2000-\u200a\u2011\u2017\u2024-\u2026"
    r"\u202f\u2033-\u2034\u2036-\u2037\u203c\u203e\u2047-\u2049\u2057\u205f\u2070-\u2071"
    r"\u2074-\u208e\u2090-\u209c\u20a8\u2100-\u2103\u2105-\u2107\u2109-\u2113\u2115-\u2116"
    r"\u2119-\u211d\u2120-\u2122\u2124\u2126\u2128\u212a-\u212d\u212f-\u2131\u2133-\u2139"
    r"\u213b-\u2140\u2145-\u2149\u2150-\u217f\u2189\u222c-\u222d\u222f-\u2230\u2329-\u232a"
    r"\u2460-\u24ea\u2a0c\u2a74-\u2a76\u2adc\u2c7c-\u2c7d\u2d6f\u2e9f\u2ef3\u2f00-\u2fd5"
    r"\u3000\u3036\u3038-\u303a\u309b-\u309c\u309f\u30ff\u3131-\u318e\u3192-\u319f"
    r"\u3200-\u321e\u3220-\u3247\u3250-\u327e\u3280-\u33ff\ua69c-\ua69d\ua770\ua7f2-\ua7f4"
    r"\ua7f8-\ua7f9\uab5c-\uab5f\uab69\uf900-\ufa0d\ufa10\ufa12\ufa15-\ufa1e\ufa20\ufa22"
    r"\ufa25-\ufa26\ufa2a-\ufa6d\ufa70-\ufad9\ufb00-\ufb06\ufb13-\ufb17\ufb1d\ufb1f-\ufb36"
    r"\ufb38-\ufb3c\ufb3e\ufb40-\ufb41\ufb43-\ufb44\ufb46-\ufbb1\ufbd3-\ufd3d\ufd50-\ufd8f"
    r"\ufd92-\ufdc7\ufdf0-\ufdfc\ufe10-\ufe19\ufe30-\ufe44\ufe47-\ufe52\ufe54-\ufe66"
    r"\ufe68-\ufe6b\ufe70-\ufe72\ufe74\ufe76-\ufefc\uff01-\uffbe\uffc2-\uffc7\uffca-\uffcf"
    r"\uffd2-\uffd7\uffda-\uffdc\uffe0-\uffe6\uffe8-\uffee"
)


@cache
def _unstable() -> re.Pattern[str]:
    """Runs of BMP characters that NFKC changes."""
    return re.compile(f"[{_UNSTABLE_CLASS}]+")


def _nfkc_run(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, touching only the characters that change."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    # the five of almost every sentence first: most text is settled after them, and the other
    # full-width forms need no look (present, they would leave the text unnormalised)
    for ch, to in _FREQUENT:
        text = text.replace(ch, to)  # one C scan when absent
    if unicodedata.is_normalized("NFKC", text):
        return text
    for ch, to in _RARER:
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
    # every odd space is unprintable (Zs, Cc, Cf): isprintable() clears most text at C speed; a
    # line break alone (a cell of several lines) is kept as it is, so only its company is looked at
    if "  " in text or (not text.isprintable() and _space_rules_apply(text)):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _SPACE_LIKE.sub(" ", text)
        text = _LINE_SPACES.sub("\n", text)
        text = _NEWLINES.sub("\n", text)
    return text.strip()


def _space_rules_apply(text: str) -> bool:
    """Whether canonical's space rules change ``text`` (which has no double space): an odd space,
    or a line break beside a space or another line break."""
    return bool(_ODD_SPACE.search(text) or "\n\n" in text or " \n" in text or "\n " in text)


def compact(value: object) -> str:
    """Canonical text with all whitespace removed: how headers and 类型 are compared."""
    return _ALL_WHITESPACE.sub("", canonical(value))


def file_name(path: str) -> str:
    """A file as a person names it in a workbook: its name, without the folders it was read from
    (``/srv/上报/清远市/表四.xlsx`` → ``表四.xlsx``; Windows separators too)."""
    return re.split(r"[\\/]", path)[-1] if path else path

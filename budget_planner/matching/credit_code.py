"""The 统一社会信用代码 (GB 32100-2015) an applicant writes on its 申报书: 18 characters, the last a
check character over the first 17. A code is compared only when it is well-formed: a typed code whose
check character fails is a typo, and says nothing about who the applicant is.
"""

from __future__ import annotations

import re

from budget_planner.text import canonical

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SEPARATORS = re.compile(r"[\s\-—_]+")
_SHAPE = re.compile(f"[{_ALPHABET}]{{18}}")


def check_character(body: str) -> str:
    """The check character of the first 17 characters of a code."""
    total = sum(_ALPHABET.index(ch) * w for ch, w in zip(body, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def credit_code(value: object) -> str | None:
    """The code as written (spaces, dashes, lower case and full-width forms allowed), or ``None``
    when there is none or it is not a well-formed code."""
    code = _SEPARATORS.sub("", canonical(value)).upper()
    if not _SHAPE.fullmatch(code) or check_character(code[:17]) != code[17]:
        return None
    return code

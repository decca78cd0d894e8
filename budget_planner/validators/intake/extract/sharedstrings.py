"""The shared-strings part, checked before calamine reads it.

calamine reserves room for as many strings as the part's ``uniqueCount`` says (4294967295 makes it
ask for 96 GB and abort the process) and keeps every string in memory, so a part that states more
strings than it holds is refused as corrupt, and one holding more than ``max_strings`` as too large.
"""

from __future__ import annotations

import re
import zipfile

from budget_planner.validators.report.issues import unreadable

PART = "xl/sharedstrings.xml"  # calamine looks the part up by this name, in any letter case
CHUNK = 4 * 1024 * 1024
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_SI = re.compile(rb"<" + _P + rb"si[\s/>]")
_UNIQUE = re.compile(rb"<" + _P + rb"sst\b[^>]*?\suniqueCount\s*=\s*[\"']\s*([0-9]+)")


def _count(text: bytes, start: int, end: int) -> int:
    """The <si> elements in text[start:end]: a plain byte count unless tags carry a prefix."""
    if b":si" in text:
        return sum(1 for _ in _SI.finditer(text, start, end))
    return text.count(b"<si", start, end)


def check_shared_strings(zf: zipfile.ZipFile, limits) -> None:
    part = next((n for n in zf.namelist() if n.lower() == PART), None)
    if part is None:
        return
    count, stated, carry = 0, None, b""
    with zf.open(part) as stream:
        while chunk := stream.read(CHUNK):
            text = carry + chunk
            if stated is None and (found := _UNIQUE.search(text[:4096])):
                stated = int(found[1][:20])
            cut = max(len(text) - 16, 0)  # a tag cut at the end is counted with the next chunk
            cut = text.rfind(b"<", cut) if b"<" in text[cut:] else len(text)
            count += _count(text, 0, cut)
            carry = text[cut:]
            if count > limits.max_strings:
                raise unreadable("file.too_large", "strings", limit=limits.max_strings)
    count += _count(carry, 0, len(carry))
    if count > limits.max_strings:
        raise unreadable("file.too_large", "strings", limit=limits.max_strings)
    if stated is not None and stated > count:
        raise unreadable("file.corrupt", "strings_miscounted")

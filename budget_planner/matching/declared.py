"""What a 申报书's 新增 / 延续 box says (issue 19): the reader takes the text beside the box's label
(``tables.toml``: ``[[budget.also_read]] key = "new_or_continued"``) and this reads the tick.

Staff write the box many ways: ``☑延续 □新增``, ``新增□ 延续√``, ``延续``, ``（√）新增``. A word is
chosen when a tick stands right before or after it; a word alone, with no box at all, is chosen too;
anything else (both ticked, neither, a box with no word) says nothing. Whether the boxes stand
before or after the words is read from the text's first character.
"""

from __future__ import annotations

from budget_planner.text import canonical

NEW, CONTINUED = "新增", "延续"
TICKS = frozenset("☑☒✓✔√■▣●◉█▇Xx×")
BOXES = frozenset("□☐○◯")
_AROUND = frozenset(" ()（）[]【】:：")


def _ticked(text: str, start: int, end: int, before: bool) -> bool | None:
    """True: a tick beside the word; False: an empty box beside it; None: neither. ``before``:
    the text puts its boxes before the words (``☑延续 □新增``), else after them (``延续√``)."""
    strip = "".join(_AROUND)
    side = text[:start].rstrip(strip)[-1:] if before else text[end:].lstrip(strip)[:1]
    if side in TICKS:
        return True
    if side in BOXES:
        return False
    return None


def declared_kind(value: object) -> str | None:
    """新增, 延续, or None when the box says neither clearly."""
    text = canonical(value)
    if not text:
        return None
    first = text.lstrip("".join(_AROUND))[:1]
    before = first in TICKS or first in BOXES
    found: dict[str, bool | None] = {}
    for word in (NEW, CONTINUED):
        at = text.find(word)
        if at >= 0:
            found[word] = _ticked(text, at, at + len(word), before)
    ticked = [w for w, t in found.items() if t is True]
    if len(ticked) == 1:
        return ticked[0]
    if ticked:
        return None
    if len(found) == 1:
        [(word, mark)] = found.items()
        return word if mark is None else None
    return None

"""Long lists shown a page at a time (a 60,000-row table must not make a 30 MB page).

    page = paginate(items, requested_page(), size=PAGE_SIZE)
    page.items, page.number, page.pages, page.total, page.start (1-based index of the first item)

Templates show the links with ``pager(page, url_for_page)`` from ``_macros.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import request

PAGE_SIZE = 200  # rows of a reconciliation table or a list of changes
CHANGES_INLINE = 50  # changes of one version shown on a history page (the rest a click away)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    pages: int
    total: int
    size: int

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0


def requested_page() -> int:
    found = request.args.get("page", type=int)
    return found if found is not None and found > 0 else 1


def paginate(items: Sequence[T], number: int = 1, size: int = PAGE_SIZE) -> Page[T]:
    """The ``number``-th page (clamped to the last) of ``items``."""
    pages = max(1, -(-len(items) // size))
    number = min(max(number, 1), pages)
    first = (number - 1) * size
    return Page(items[first : first + size], number, pages, len(items), size)

"""The 政策依据 index of a round (issue 19): every document cited in 《》 in the rows' 政策依据, with
the projects citing it and their money.

A citation is the outermost 《…》: ``《国家知识产权局关于印发《推动知识产权高质量发展年度工作指引(2020)》的通知》``
is one document, whose title holds another's (the province's 表四 presets write them so, and also with
``<…>`` inside). A 《 never closed cites nothing itself, but a 《…》 complete inside it still counts, so
that a cell has a citation exactly when the reader's ``policy_basis.no_document`` check finds one.
Titles are grouped by their compact text with the inner brackets and quotes made alike
(``<共建…方案>`` and ``《共建…方案》``; “十四五” and "十四五").

A project citing several documents is listed under each, so the documents' totals add up to more
than the round's: the index says so (``adds_up``, ``note``), and also counts the projects that cite
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from budget_planner.matching.rows import ProjectRef
from budget_planner.money import plain
from budget_planner.templates.spec import load_specs
from budget_planner.text import canonical, compact

_OPEN, _CLOSE = "《", "》"
_ALIKE = str.maketrans(
    {"<": "《", ">": "》", "〈": "《", "〉": "》", "“": '"', "”": '"', "‘": "'", "’": "'"}
)


def cited_documents(text: object) -> list[str]:
    """The documents a 政策依据 text cites, outermost 《》 only, in order, each once."""
    text = canonical(text)
    spans: list[tuple[int, int]] = []
    opened: list[int] = []
    for n, ch in enumerate(text):
        if ch == _OPEN:
            opened.append(n)
        elif ch == _CLOSE and opened:
            spans.append((opened.pop(), n))
    titles: list[str] = []
    seen: set[str] = set()
    for start, end in sorted(spans):
        if any(s < start and end < e for s, e in spans):
            continue  # inside a longer citation: part of its title
        title = text[start + 1 : end].strip()
        key = document_key(title)
        if key and key not in seen:
            seen.add(key)
            titles.append(title)
    return titles


def document_key(title: object) -> str:
    """How titles are grouped: compact, inner brackets and quotes made alike."""
    return compact(title).translate(_ALIKE)


def policy_text(table: str, values: Mapping[str, object]) -> str:
    """A row's 政策依据: the text of its table's columns that should cite documents (the spec's
    ``cites_document`` check: 项目设置政策依据, 表二's 后补助依据), joined by lines."""
    columns = [c.key for c in load_specs().table(table).columns if "cites_document" in c.checks]
    return "\n".join(canonical(values.get(k)) for k in columns if canonical(values.get(k)))


@dataclass(frozen=True)
class CitedDocument:
    title: str  # as first written
    rows: tuple[ProjectRef, ...]
    total: Decimal  # the money of the rows citing it, each row once


@dataclass(frozen=True)
class PolicyIndex:
    documents: tuple[CitedDocument, ...]  # the most money first, then by title
    round_total: Decimal  # every row's money once
    documents_total: Decimal  # the documents' totals added up
    several: tuple[ProjectRef, ...]  # rows citing more than one document
    uncited: tuple[ProjectRef, ...]  # rows citing none

    @property
    def adds_up(self) -> bool:
        return self.documents_total == self.round_total

    @property
    def note(self) -> str:
        """Why the documents' totals are not the round's, in Chinese ('' when nothing needs saying)."""
        why = []
        if self.several:
            why.append(f"{len(self.several)} 个项目引用多份文件，在每份文件下各计一次")
        if self.uncited:
            why.append(f"{len(self.uncited)} 个项目未引用文件，不在任何文件下")
        if not why:
            return ""
        relation = "等于" if self.adds_up else "不等于"
        return (
            f"各文件金额之和 {plain(self.documents_total)} 万元{relation}本轮合计 "
            f"{plain(self.round_total)} 万元：{'；'.join(why)}"
        )


def policy_index(rows: Iterable[ProjectRef]) -> PolicyIndex:
    """The index of the documents the rows cite in their ``policy_basis``."""
    titles: dict[str, str] = {}
    citing: dict[str, list[ProjectRef]] = {}
    round_total = Decimal(0)
    several, uncited = [], []
    for row in rows:
        round_total += row.amount or Decimal(0)
        cited = cited_documents(row.policy_basis)
        if not cited:
            uncited.append(row)
        elif len(cited) > 1:
            several.append(row)
        for title in cited:
            key = document_key(title)
            titles.setdefault(key, title)
            citing.setdefault(key, []).append(row)
    documents = [
        CitedDocument(
            titles[key], tuple(members), sum((r.amount or Decimal(0) for r in members), Decimal(0))
        )
        for key, members in citing.items()
    ]
    documents.sort(key=lambda d: (-d.total, document_key(d.title)))
    return PolicyIndex(
        documents=tuple(documents),
        round_total=round_total,
        documents_total=sum((d.total for d in documents), Decimal(0)),
        several=tuple(several),
        uncited=tuple(uncited),
    )

"""A consolidated round's findings for finance (issue 19, docs/years.md): 重复申报, 延续 marks, the
申报书s whose 新增 / 延续 box disagrees with last year (``continuation.mismatch``), and the 政策依据
index. Core code over a ``Consolidation`` (and last year's plan, when there is one): the site's
pages, its API and workbook, and ``budget-planner aggregate`` call ``find_projects`` alike, so they
say the same. A finding never blocks an upload.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from budget_planner.aggregate.consolidate import Consolidation, Record
from budget_planner.aggregate.years import LastYearPlan
from budget_planner.matching import (
    Continuation,
    DoubleRequest,
    PolicyIndex,
    ProjectRef,
    continuation,
    double_requests,
    policy_index,
    policy_text,
    round_presets,
)
from budget_planner.matching.declared import CONTINUED, NEW, declared_kind
from budget_planner.money import from_yuan, plain
from budget_planner.templates.spec import BUDGET, COLLECTION_TABLES
from budget_planner.validators.report.codes import message

DECLARED_FIELD = "new_or_continued"  # the 申报书's 新增 / 延续 box (tables.toml, budget.also_read)
CREDIT_CODE_FIELD = "credit_code"  # the applicant's 统一社会信用代码 on its 申报书 (the same)
LAST_YEAR = "上年"  # the round id last year's rows carry (they are never this round's)


@dataclass(frozen=True)
class Mismatch:
    """A 申报书 whose 新增 / 延续 box says otherwise than last year's round."""

    row: ProjectRef
    declared: str  # 新增 or 延续
    found: Continuation | None
    message: str
    code: str = "continuation.mismatch"


@dataclass
class ProjectFindings:
    doubles: list[DoubleRequest]
    continuations: list[Continuation]  # this year's table rows continuing last year's
    policy: PolicyIndex
    mismatches: list[Mismatch] = field(default_factory=list)
    last_year: LastYearPlan | None = None

    def continued(self, key: str) -> Continuation | None:
        """The 延续 mark of a row of this year, by project key."""
        return next((c for c in self.continuations if c.row.key == key), None)


def lineage_id(round_id: str, unit: str, table: str, excel_row: object) -> str:
    """A table row's place as lineage names it: round/unit/table/Excel row."""
    return f"{round_id}/{unit}/{table}/{excel_row or ''}"


def lineage_of(rec: Record, round_id: str = "") -> frozenset[str]:
    """The ids a row shares with the rows it stands for (issue 18, docs/forwarding.md): its own
    place in ``round_id``, and for a city's forwarded row the place of its county source (the
    lineage kept by 生成上报版本, set in ``rec["lineage"]`` by whoever read it from storage), so
    ``matching.exclusions.linked_by_forwarding`` keeps the two from being called 重复申报."""
    own = (
        {lineage_id(round_id, rec["unit"], rec["table"], rec["excel_row"])}
        if round_id and rec.get("excel_row")
        else set()
    )
    return frozenset({*own, *(rec.get("lineage") or ())})


def where(rec: Record) -> str:
    """Where a row is, as finance looks for it: 清远市 表四 第12行 (a 预算表 by its project)."""
    if rec["table"] == BUDGET:
        return f"{rec['unit']} 预算表（{rec['project'] or ''}）"
    row = f" 第{rec['excel_row']}行" if rec.get("excel_row") else ""
    return f"{rec['unit']} {rec['table']}{row}"


def project_refs(cons: Consolidation) -> list[ProjectRef]:
    """This round's rows (表一–表四 and the 预算表s) as the matcher sees them, in counted order."""
    refs = []
    for n, rec in enumerate(cons.records):
        if rec["table"] not in (*COLLECTION_TABLES, BUDGET) or not rec["project"]:
            continue
        amount = rec["amount_yuan"]
        table = rec["table"]
        refs.append(
            ProjectRef(
                round_id=cons.round.id,
                unit=rec["unit"],
                table=table,
                name=rec["project"],
                amount=None if amount is None else from_yuan(amount),
                category=rec["category"] or rec["category_text"] or "",
                policy_basis="" if table == BUDGET else policy_text(table, rec),
                credit_code=rec.get(CREDIT_CODE_FIELD) or "",
                lineage=lineage_of(rec, cons.round.id),
                key=rec["key"],
                source=where(rec),
                id=n,
            )
        )
    return refs


def last_year_refs(last: LastYearPlan) -> list[ProjectRef]:
    return [
        ProjectRef(
            round_id=LAST_YEAR,
            unit=line.unit,
            table=line.table,
            name=line.project,
            amount=line.requested,
            approved=line.approved,
            category=line.category,
            key=line.key,
            source=f"{last.year}年 {line.unit} {line.table}",
            id=("last", n),
        )
        for n, line in enumerate(last.lines)
    ]


def find_projects(cons: Consolidation, last_year: LastYearPlan | None = None) -> ProjectFindings:
    """The round's findings; with last year's plan also 延续 and the requests made again by
    another unit after last year (重复申报 across years)."""
    this = project_refs(cons)
    old = last_year_refs(last_year) if last_year is not None else []
    presets = round_presets(cons.round)
    # last year's rows are there to be asked for again, not to be checked among themselves
    doubles = double_requests([*this, *old], presets, new_round=cons.round.id)
    continuations: list[Continuation] = []
    mismatches: list[Mismatch] = []
    if last_year is not None:
        # each row's 延续 looked for once, among its own unit's rows of last year only
        found = _continuations(this, old)
        continuations = [
            c for ref, c in zip(this, found, strict=True) if ref.table != BUDGET and c is not None
        ]
        mismatches = _mismatches(cons, this, found, last_year)
    tables = [r for r in this if r.table != BUDGET]
    return ProjectFindings(doubles, continuations, policy_index(tables), mismatches, last_year)


def _continuations(
    this: Sequence[ProjectRef], old: Sequence[ProjectRef]
) -> list[Continuation | None]:
    """Each row's 延续 (``matching.continuation``), given only its unit's rows of last year (the
    rows it would pick from itself, in the same order): the rows grouped by unit once, not scanned
    whole for every row."""
    by_unit: dict[str, list[ProjectRef]] = {}
    for ref in old:
        by_unit.setdefault(ref.unit, []).append(ref)
    return [continuation(ref, by_unit.get(ref.unit, ())) for ref in this]


def _mismatches(
    cons: Consolidation,
    this: Sequence[ProjectRef],
    continued: Sequence[Continuation | None],
    last: LastYearPlan,
) -> list[Mismatch]:
    records: Mapping[object, Record] = {n: rec for n, rec in enumerate(cons.records)}
    found = []
    for ref, match in zip(this, continued, strict=True):
        if ref.table != BUDGET:
            continue
        declared = declared_kind(records[ref.id].get(DECLARED_FIELD))
        if declared is None:
            continue
        if (declared == CONTINUED) == (match is not None):
            continue
        fields = {"unit": ref.unit, "project": ref.name, "declared": declared}
        last_title = f"{last.year}年" if last.year else LAST_YEAR
        if declared == NEW and match is not None:
            found_text = message(
                "continuation.mismatch",
                "declared_new",
                last_title=last_title,
                last_project=match.last_year.name,
                last_requested=_amount(match.last_year.amount),
                last_approved=_amount(match.last_year.approved),
            )
        else:
            found_text = message(
                "continuation.mismatch", "declared_continued", last_title=last_title
            )
        text = message("continuation.mismatch", found=found_text, **fields)
        found.append(Mismatch(ref, declared, match, text))
    return found


def _amount(amount: Decimal | None) -> str:
    return plain(amount) or "—"

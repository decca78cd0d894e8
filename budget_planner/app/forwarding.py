"""生成上报版本 (issue 18, docs/forwarding.md): a city's return to the province built from its own
rows and its counties' approved tables, written as a workbook, validated and stored like any
upload (one version per table, in one transaction with the rows' lineage).

    forward(s, round_id, city, *, actor, parse=None) -> Forwarded
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from budget_planner.errors import UsageError
from budget_planner.export.forwarded_book import write_forwarded_book
from budget_planner.storage.forwarding import Plan, forwarding_plan
from budget_planner.storage.lineage import Placed, record_lineage
from budget_planner.storage.rounds import config_of
from budget_planner.storage.scope import Actor
from budget_planner.storage.uploads import StoredTable, store_upload_tables
from budget_planner.validators.check.pipeline import Parse, validate_bytes

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

FILE_NAME = "{unit}-{year}年度上报版本.xlsx"


@dataclass
class Forwarded:
    plan: Plan
    stored: list[StoredTable]
    file_name: str

    @property
    def changed(self) -> bool:
        """Whether a new version was made (the same rows as last time answer with that version)."""
        return any(s.new for s in self.stored)


def forward(
    session: Session,
    round_id: str,
    unit_name: str,
    *,
    actor: Actor | None,
    parse: Parse | None = None,
) -> Forwarded:
    """Build the city's return from its counties and store it as its new version in the
    province round (refused when no county table is approved yet)."""
    plan = forwarding_plan(session, round_id, unit_name, actor=actor)
    if not plan.forwarded:
        raise UsageError(
            f"{plan.county_round.title}还没有审核通过的下级单位表格，无法生成上报版本；"
            "请先审核通过各县市区报送的表格"
        )
    city = plan.city
    tables = {t: [line.values for line in lines] for t, lines in plan.tables.items()}
    book = write_forwarded_book(
        plan.round.year,
        city.full_name,
        tables,
        [values for values, _ in plan.budgets],
        as_of=plan.as_of,
    )
    placed = [
        Placed(*book.rows[(t, n)], line.source)
        for t, lines in plan.tables.items()
        for n, line in enumerate(lines)
        if line.source is not None
    ]
    placed += [Placed(book.budgets[n], None, source) for n, (_, source) in enumerate(plan.budgets)]
    name = FILE_NAME.format(unit=city.short_name, year=plan.round.year)
    checked = validate_bytes(book.data, name, config_of(plan.round), city.short_name, parse=parse)

    def keep_lineage(s: Session, stored: list[StoredTable]) -> None:
        record_lineage(s, [item.version for item in stored if item.new], placed)

    stored = store_upload_tables(
        session,
        round_id=round_id,
        unit_short_name=city.short_name,
        data=book.data,
        original_name=name,
        checked=checked,
        user=actor,
        after=keep_lineage,
    )
    return Forwarded(plan, stored, name)

"""Last year's round (issue 19, docs/years.md). In its first year an office has no earlier round in
the service: its 审核 imports last year's 分配方案 (``aggregate.plan_reader``), which becomes a
closed round of the same collecting unit, ``year - 1``, with the plan's projects
(``imported_plan_lines``) and control numbers (``control_numbers``). Later years find the stored
round of the year before: a round's previous year is the same collector's round of ``year - 1``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.aggregate.years import LastYearLine, LastYearPlan
from budget_planner.errors import UsageError
from budget_planner.money import plain
from budget_planner.storage import models, roles
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import ControlNumber, ImportedPlan, ImportedPlanLine, RoundStatus
from budget_planner.storage.rounds import config_of, find_unit
from budget_planner.storage.scope import Actor, load_actor
from budget_planner.storage.types import utcnow
from budget_planner.storage.uploads import _ensure_blob
from budget_planner.storage.workflow import WorkflowRole

IMPORTED_MARK = "（上年分配方案导入）"


def round_of_year(session: Session, collector_id: int, year: int) -> models.Round | None:
    """A collecting unit's round of a year (the newest, should there be several)."""
    query = (
        sa.select(models.Round)
        .where(models.Round.collector_id == collector_id, models.Round.year == year)
        .order_by(models.Round.created_at.desc())
    )
    return session.scalars(query).first()


def previous_round(session: Session, stored: models.Round) -> models.Round | None:
    """The same collecting unit's round of the year before, if the service holds one."""
    return round_of_year(session, stored.collector_id, stored.year - 1)


def imported(session: Session, round_id: str) -> ImportedPlan | None:
    return session.get(ImportedPlan, round_id)


def imported_plan(session: Session, stored: models.Round) -> LastYearPlan:
    """An imported round's plan, as the file gave it."""
    plan = session.get(ImportedPlan, stored.id)
    assert plan is not None
    lines = tuple(
        LastYearLine(
            line.unit.short_name,
            line.table_id,
            line.category,
            line.project,
            line.requested,
            line.approved,
            line.source,
        )
        for line in plan.lines
    )
    controls = {
        unit: amount
        for unit, amount in session.execute(
            sa.select(models.Unit.short_name, ControlNumber.amount)
            .join(models.Unit, models.Unit.id == ControlNumber.unit_id)
            .where(ControlNumber.round_id == stored.id)
        )
    }
    return LastYearPlan(stored.title, stored.year, lines, controls, plan.file_name)


def _imported_round_id(this: models.Round, year: int) -> str:
    """guangdong-2024 → guangdong-2023; any other id gets the year after it."""
    stem = re.sub(rf"-{this.year}$", "", this.id)
    return f"{stem}-{year}"


def _config_text(this: models.Round, round_id: str, year: int, title: str) -> str:
    """This year's round file with last year's id, year and title (its units and tables kept)."""
    lines = this.config_toml.splitlines()
    out, top = [], True
    for line in lines:
        if line.startswith("["):
            top = False
        if top and re.match(r"^(id|year|title)\s*=", line):
            key = line.split("=", 1)[0].strip()
            value = {"id": f'"{round_id}"', "year": str(year), "title": _toml(title)}[key]
            line = f"{key} = {value}"
        out.append(line)
    return "\n".join(out) + "\n"


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_plan(
    session: Session,
    round_id: str,
    plan: LastYearPlan,
    data: bytes,
    file_name: str,
    *,
    actor: Actor | None,
    year: int | None = None,
) -> models.Round:
    """Store last year's plan as a closed round of this round's collector, ``year`` (this round's
    year - 1 by default). Importing again replaces the lines and control numbers; a stored round of
    that year that was not imported is refused (its own figures are last year's). All or nothing."""
    with write_transaction(session):
        user = load_actor(session, actor)
        this = session.get(models.Round, round_id)
        if this is None:
            raise UsageError(f"找不到轮次 {round_id}")
        roles.require(session, user, round_id, WorkflowRole.REVIEWER)
        year = year if year is not None else this.year - 1
        if year >= this.year:
            raise UsageError(f"上年分配方案的年度应早于本轮次（{this.year} 年）")
        units, unknown = {}, []
        for name in plan.units:
            unit = find_unit(session, round_id, name, scope=None)
            if unit is None:
                unknown.append(name)
            else:
                units[name] = unit
        if unknown:
            kind = config_of(this).unit_kind
            raise UsageError(
                f"上年分配方案中的单位不是本轮次的{kind}，未导入任何内容："
                + "、".join(f"“{u}”" for u in unknown)
            )
        earlier = round_of_year(session, this.collector_id, year)
        if earlier is not None and session.get(ImportedPlan, earlier.id) is None:
            raise UsageError(f"已有 {year} 年的轮次“{earlier.title}”，不需要导入上年分配方案")
        title = (plan.title or f"{year}年度{this.title.removeprefix(str(this.year) + '年度')}") + (
            "" if IMPORTED_MARK in plan.title else IMPORTED_MARK
        )
        stored = earlier or models.Round(
            id=_imported_round_id(this, year), collector_id=this.collector_id
        )
        stored.year, stored.title, stored.issuer = year, title, this.issuer
        stored.deadline = dt.date(year, 12, 31)
        stored.status = RoundStatus.CLOSED.value
        stored.config_toml = _config_text(this, stored.id, year, title)
        if earlier is None:
            session.add(stored)
            session.flush()
            for member in this.members:
                stored.members.append(
                    models.RoundMember(unit_id=member.unit_id, position=member.position)
                )
        _store_lines(session, stored, plan, units, data, file_name, user)
        record(
            session,
            user,
            Action.PLAN_IMPORTED,
            round_id=stored.id,
            unit_id=this.collector_id,
            detail=f"导入上年分配方案“{file_name}”：{len(plan.lines)} 个项目，"
            f"{len(plan.controls)} 个控制数，申报 {plain(_sum(plan, 'requested'))} 万元，"
            f"核定 {plain(_sum(plan, 'approved'))} 万元",
        )
    return stored


def _sum(plan: LastYearPlan, what: str) -> Decimal:
    return sum((getattr(line, what) or Decimal(0) for line in plan.lines), Decimal(0))


def _store_lines(
    session: Session,
    stored: models.Round,
    plan: LastYearPlan,
    units: dict[str, models.Unit],
    data: bytes,
    file_name: str,
    user: models.User | None,
) -> None:
    session.execute(sa.delete(ImportedPlanLine).where(ImportedPlanLine.round_id == stored.id))
    session.execute(sa.delete(ControlNumber).where(ControlNumber.round_id == stored.id))
    sha = _ensure_blob(session, data)
    header = session.get(ImportedPlan, stored.id)
    if header is None:
        header = ImportedPlan(round_id=stored.id)
    header.file_name = file_name
    header.blob_sha256 = sha
    header.by_name = user.username if user else "命令行"
    header.at = utcnow()
    session.add(header)
    session.flush()
    for position, line in enumerate(plan.lines):
        session.add(
            ImportedPlanLine(
                round_id=stored.id,
                unit_id=units[line.unit].id,
                position=position,
                table_id=line.table,
                category=line.category,
                project=line.project,
                requested=line.requested,
                approved=line.approved,
                source=line.where[:255],
            )
        )
    for name, amount in plan.controls.items():
        session.add(
            ControlNumber(
                round_id=stored.id,
                unit_id=units[name].id,
                amount=amount,
                by_name=header.by_name,
                at=header.at,
            )
        )
    session.flush()

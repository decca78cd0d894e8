"""The steps ``budget-planner demo`` takes in each of its rounds (``web/demo.py`` decides which):
control numbers read from the examples folder, the example files uploaded by their units' accounts
(or by the round's 审核 on a unit's behalf), submitted and reviewed as a plan says, 核定金额 entered
by the round's 财务 and published, and the statuses reached."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Protocol

from budget_planner.errors import UsageError
from budget_planner.storage import models, repository
from budget_planner.templates.round import Round, load_round
from budget_planner.templates.spec import CONTROLLED_TABLE
from budget_planner.validators.check.pipeline import Upload, validate_uploads

ADMIN, FINANCE = "admin", "finance"  # the province's 审核 and 财务 (the demo's accounts)
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".docx"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
RETURN_COMMENT = "请核对各项目金额，并在项目绩效列写明可量化的绩效目标后重新提交。"
CUT_REASON = "按控制数统筹压缩规模"


class Notes(Protocol):
    notes: list[str]


def control_numbers(session, round_: Round, files: list[Path], info: Notes) -> None:
    from budget_planner.aggregate.control import read_control

    for path in files:
        control = read_control(path.read_bytes(), path.name, round_)
        for unit, amount in control.amounts.items():
            repository.set_control_number(session, round_.id, unit, amount, actor=None)
        info.notes.append(f"控制数：{path.name}（{len(control.amounts)} 个单位）")


def upload_examples(
    session,
    round_: Round,
    files: list[Path],
    users: dict[str, models.User],
    info: Notes,
    reviewer: str = ADMIN,
) -> int:
    """Each example file uploaded by its unit's demo account, or by the round's 审核 on the unit's
    behalf, in the order the workbooks were last saved (an older draft becomes version 1); how
    many were."""
    admin = repository.get_user(session, reviewer)
    payloads = [(p.read_bytes(), p.name) for p in files]
    checked_all = validate_uploads([Upload(d, n) for d, n in payloads], round_)
    oldest_first = sorted(
        zip(payloads, checked_all, strict=True),
        key=lambda item: (
            min((c.modified for c in item[1] if c.modified), default=_EPOCH),
            item[0][1],
        ),
    )
    stored = 0
    for (data, name), checked in oldest_first:
        unit = next((c.report.unit for c in checked if c.report.unit), None)
        if unit is None:
            info.notes.append(f"未导入：{name}（无法识别填报单位）")
            continue
        repository.store_upload(
            session,
            round_id=round_.id,
            unit_short_name=unit,
            data=data,
            original_name=name,
            checked=checked,
            user=users.get(unit, admin),
        )
        stored += 1
    return stored


def walk_statuses(session, round_id: str, plans: dict[str, str], reviewer: str = ADMIN) -> None:
    """The newest clean version of every thread is submitted (except where the plan keeps it a
    draft), then approved or returned by the round's 审核 as the plan says; versions with errors
    stay as they are."""
    admin = repository.get_user(session, reviewer)
    for thread in repository.submissions(session, round_id, scope=None):
        newest = thread.versions[-1]
        plan = plans.get(thread.unit.short_name, "submit")
        if newest.has_errors or plan == "draft":
            continue
        owner = session.get(models.User, newest.uploaded_by_id) or admin
        repository.submit(session, newest.id, owner)
        if plan == "approve":
            repository.review(session, newest.id, admin, "approve")
        elif plan == "return":
            repository.review(session, newest.id, admin, "return", RETURN_COMMENT)


def allocations(
    session, round_id: str, info: Notes, plans: dict[str, str], by: str = FINANCE
) -> None:
    """The round's 财务 enters 核定金额 for the approved units' 表四: what each project asked for,
    the largest cut by a tenth (within the control number, as the site requires); then 发布."""
    finance = repository.get_user(session, by)
    for short, plan in plans.items():
        unit = repository.find_unit(session, round_id, short, scope=None)
        if plan != "approve" or unit is None:
            continue
        projects = repository.requested_projects(session, round_id, unit.id)
        asked = {
            k: p.amount for k, p in projects.items() if p.table == CONTROLLED_TABLE and p.amount
        }
        if not asked:
            continue
        largest = max(asked, key=lambda k: asked[k])
        amounts = {k: (a * 9 / 10 if k == largest else a) for k, a in asked.items()}
        try:
            repository.set_allocations(
                session, round_id, short, amounts, actor=finance, reasons={largest: CUT_REASON}
            )
        except repository.AllocationRefused:
            continue  # over the control number: left for finance to decide in the demo
        info.notes.append(f"核定金额：{short}{CONTROLLED_TABLE} {len(amounts)} 个项目")
    try:
        publication = repository.publish(session, round_id, actor=finance)
    except UsageError:
        return  # nothing approved yet (no examples)
    info.notes.append(f"发布核定金额：{len(publication.lines)} 个项目（各单位可见）")


def summary(session, round_id: str) -> dict[str, list[str]]:
    matrix = repository.completeness(session, round_id, scope=None)
    assert matrix is not None
    found: dict[str, list[str]] = defaultdict(list)
    for row in matrix.rows:
        for table, cell in row.cells.items():
            if cell.submission_id is not None:
                found[cell.label].append(f"{row.short_name}{table}")
    return dict(found)


def load(session, name: str) -> Round:
    """A shipped round loaded into the tree (attached to its collecting unit) and opened."""
    round_ = load_round(name)
    toml_text = (
        resources.files("budget_planner.templates.rounds")
        .joinpath(f"{name}.toml")
        .read_text("utf-8")
    )
    repository.load_round_into_db(session, round_, toml_text)
    repository.open_round(session, round_.id)
    return round_


def files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(control-number files, submissions) of an examples folder."""
    found = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    controls = [p for p in found if "控制数" in p.name]
    submissions = [p for p in found if p.suffix.lower() in SUFFIXES and p not in controls]
    return controls, submissions

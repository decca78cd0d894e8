"""Storing an upload: bytes by SHA-256, one numbered version per table found, in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from budget_planner.errors import UsageError
from budget_planner.storage.audit import Action, record
from budget_planner.storage.db import write_transaction
from budget_planner.storage.grants import filing_refusal
from budget_planner.storage.models import (
    Attachment,
    Blob,
    Round,
    Status,
    Submission,
    Unit,
    Version,
)
from budget_planner.storage.other_unit import UploadRefused, named_unit, other_units_table
from budget_planner.storage.queries import CountReason, counted_for
from budget_planner.storage.records import (
    clean_file_name,
    money_or_none,
    project_rows_of,
    slot_of,
    sniff_mime,
)
from budget_planner.storage.roles import round_roles
from budget_planner.storage.rounds import config_of, find_unit
from budget_planner.storage.scope import (
    Actor,
    NotFound,
    PermissionDenied,
    Scope,
    WorkflowConflict,
    load_actor,
)
from budget_planner.storage.transitions import refresh_status
from budget_planner.storage.types import utcnow
from budget_planner.storage.workflow import (
    TAKES_SCAN,
    VersionState,
    WorkflowRole,
    machine_states,
)
from budget_planner.templates.spec import ALL_TABLES
from budget_planner.validators.check.pipeline import Checked
from budget_planner.validators.report.codes import code


def _insert(session: Session, model: type, **values: Any) -> None:
    """INSERT … ON CONFLICT DO NOTHING: two requests racing for the same row both succeed."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())


def _ensure_blob(session: Session, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    _insert(session, Blob, sha256=sha, data=data, size=len(data), created_at=utcnow())
    return sha


def _locked_submission(
    session: Session, round_id: str, unit_id: int, table_id: str, slot: str
) -> Submission:
    """The unit × table thread, created if new, locked (PostgreSQL row lock) until commit."""
    _insert(
        session,
        Submission,
        round_id=round_id,
        unit_id=unit_id,
        table_id=table_id,
        slot=slot,
        status=Status.DRAFT.value,
        locked=False,
        updated_at=utcnow(),
    )
    query = (
        sa.select(Submission)
        .where(
            Submission.round_id == round_id,
            Submission.unit_id == unit_id,
            Submission.table_id == table_id,
            Submission.slot == slot,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()


def newest_version(session: Session, submission_id: int, *, live: bool = False) -> Version | None:
    """The thread's newest version (``live``: the newest not deleted)."""
    query = sa.select(Version).where(Version.submission_id == submission_id)
    if live:
        query = query.where(Version.state != VersionState.DELETED.value)
    return session.scalars(query.order_by(Version.number.desc()).limit(1)).first()


def _check_uploader(
    session: Session, user: Actor | None, round_id: str, unit_name: str, on_behalf: bool | None
) -> tuple[Any, Unit, bool]:
    """Who may upload for the unit: its 报送单位 (its own account, in a round it is a member of),
    or the round's 审核 on its behalf (what arrived by e-mail)."""
    actor = load_actor(session, user)
    stored_round = session.get(Round, round_id)
    if stored_round is None:
        raise NotFound("轮次")
    in_round = round_roles(session, actor, round_id)
    if not in_round.visible:
        raise NotFound("轮次")
    if not in_round.roles & {WorkflowRole.SUBMITTER, WorkflowRole.REVIEWER}:
        raise PermissionDenied("只有报送单位或本轮次的审核才能上传文件")
    unit = find_unit(session, round_id, unit_name, scope=Scope.all_units())
    if unit is None:
        raise NotFound("单位")
    mine = in_round.on(unit.id)
    if not mine:
        raise NotFound("单位")
    behalf = actor is None or WorkflowRole.SUBMITTER not in mine
    if behalf and WorkflowRole.REVIEWER not in mine:
        raise PermissionDenied("只有本轮次的审核才能代为上传")
    if on_behalf is not None and on_behalf != behalf:
        raise UsageError("只有本轮次的审核可以代为上传；报送单位只能上传本单位的文件")
    if not behalf:
        refused = filing_refusal(session, stored_round, unit.id)
        if refused is not None:
            raise WorkflowConflict(f"{refused}（不能上传）")
    return actor, unit, behalf


@dataclass(frozen=True)
class StoredTable:
    """One table of an upload as kept: its version, and whether this upload made it.

    ``new`` is False when the bytes equalled the newest version, which answered instead — decided
    under the submission's lock, so two people sending the same file at once are told apart (a
    time comparison by the caller cannot: the other's version may be younger than its request).
    """

    version: Version
    new: bool
    note: str = ""  # why the scan sent with it was not attached (the version is submitted …)


def store_upload(
    session: Session,
    *,
    round_id: str,
    unit_short_name: str,
    data: bytes,
    original_name: str,
    checked: Sequence[Checked],
    user: Actor | None,
    on_behalf: bool | None = None,
    attachment: tuple[bytes, str] | None = None,
) -> list[Version]:
    """Keep one upload (see ``store_upload_tables``); the versions, one per table kept."""
    stored = store_upload_tables(
        session,
        round_id=round_id,
        unit_short_name=unit_short_name,
        data=data,
        original_name=original_name,
        checked=checked,
        user=user,
        on_behalf=on_behalf,
        attachment=attachment,
    )
    return [s.version for s in stored]


def store_upload_tables(
    session: Session,
    *,
    round_id: str,
    unit_short_name: str,
    data: bytes,
    original_name: str,
    checked: Sequence[Checked],
    user: Actor | None,
    on_behalf: bool | None = None,
    attachment: tuple[bytes, str] | None = None,
    after: Callable[[Session, list[StoredTable]], None] | None = None,
) -> list[StoredTable]:
    """Keep one upload: its bytes, one version per table found, their reports and project rows.

    All of it commits together or not at all. An upload whose bytes equal the newest version of
    a unit × table answers with that version (A, B, A makes three versions; A, A makes one). An
    upload never demotes a submitted or approved version: it is kept beside it as a draft (flagged
    ``after_approval`` when an approval counts) until it is submitted. A file with no recognisable
    table is not kept (the rejection is audited) and gives an empty list. A unit account's file
    whose metadata or 填报单位 names another unit is refused whole: nothing is stored, the refusal
    is audited and ``UploadRefused`` raised. ``on_behalf`` is derived from the user's role (an
    admin uploading for a unit); when given, it must agree. ``after`` runs in the same transaction
    once the versions are made (生成上报版本 keeps its rows' lineage there).
    """
    name = clean_file_name(original_name)
    refused: str | None = None
    with write_transaction(session):
        actor, unit, behalf = _check_uploader(session, user, round_id, unit_short_name, on_behalf)
        foreign = other_units_table(checked) if not behalf else None
        if foreign is not None:
            told = named_unit(foreign, unit.short_name)
            known = find_unit(session, round_id, told, scope=None)
            told = known.short_name if known is not None else told
            refused = (
                f"{name}填写的单位是{told}，不是本单位（{unit.short_name}）的文件，未保存；"
                "请上传本单位的文件"
            )
            record(
                session,
                actor,
                Action.UPLOAD_REFUSED,
                round_id=round_id,
                unit_id=unit.id,
                detail=f"{name}：文件填写的单位是{told}",
            )
            storable = []
        else:
            storable = [c for c in checked if c.table is not None and c.report.table in ALL_TABLES]
        if refused is None and not storable:
            codes = sorted({code(i.code).title for c in checked for i in c.report.errors})
            record(
                session,
                actor,
                Action.UPLOAD_REJECTED,
                round_id=round_id,
                unit_id=unit.id,
                detail=f"{name}：{'、'.join(codes) or '未找到可识别的表'}",
            )
        versions = (
            _store_tables(session, storable, round_id, unit, data, name, attachment, actor, behalf)
            if storable
            else []
        )
        if after is not None and versions:
            after(session, versions)
    if refused is not None:  # raised once its audit entry is committed
        raise UploadRefused(refused)
    return versions


def _store_tables(
    session: Session,
    storable: list[Checked],
    round_id: str,
    unit: Unit,
    data: bytes,
    name: str,
    attachment: tuple[bytes, str] | None,
    actor: Any,
    behalf: bool,
) -> list[StoredTable]:
    """One version per table (or the newest live one, when the bytes are the same), audited."""
    sha = _ensure_blob(session, data)
    scan = None
    if attachment is not None:
        scan_sha = _ensure_blob(session, attachment[0])
        scan = (scan_sha, clean_file_name(attachment[1]), sniff_mime(attachment[0]))
    now = utcnow()
    versions: list[StoredTable] = []
    renewed: set[int] = set()
    for item in storable:
        table_id = str(item.report.table)
        slot = slot_of(item.table, table_id)
        submission = _locked_submission(session, round_id, unit.id, table_id, slot)
        newest = newest_version(session, submission.id)
        same = newest_version(session, submission.id, live=True)
        label = f"{table_id}{'“' + slot + '”' if slot else ''}"
        if same is not None and same.blob_sha256 == sha and submission.id not in renewed:
            note = ""
            state = machine_states(submission.versions)[same.id]
            if scan is not None and state not in TAKES_SCAN:
                then = (
                    "请撤回提交后重新上传"
                    if state is VersionState.SUBMITTED
                    else f"如需更换请联系{_office(session, round_id)}"
                )
                note = f"第 {same.number} 版{state.label}，盖章扫描件未附加到它上；{then}"
            else:
                _attach(session, same, scan)
            versions.append(StoredTable(same, new=False, note=note))
            record(
                session,
                actor,
                Action.UPLOAD_UNCHANGED,
                round_id=round_id,
                unit_id=unit.id,
                version_id=same.id,
                detail=f"{label}：{name} 与第 {same.number} 版相同，未新建版本",
            )
            continue
        version = _new_version(
            session, item, submission, newest, unit, sha, name, actor, behalf, now
        )
        _attach(session, version, scan)
        renewed.add(submission.id)
        versions.append(StoredTable(version, new=True))
        checked = "有错误" if version.has_errors else "无错误"
        flag = "，在审核通过后上传" if version.after_approval else ""
        record(
            session,
            actor,
            Action.UPLOAD_ON_BEHALF if behalf else Action.UPLOAD,
            round_id=round_id,
            unit_id=unit.id,
            version_id=version.id,
            detail=f"{label}第 {version.number} 版：{name}（{checked}{flag}）",
        )
    return versions


def _new_version(
    session: Session,
    item: Checked,
    submission: Submission,
    newest: Version | None,
    unit: Unit,
    sha: str,
    name: str,
    actor: Any,
    behalf: bool,
    now: Any,
) -> Version:
    report = item.report
    counted = counted_for(submission, list(submission.versions))
    after_approval = counted is not None and counted.reason is CountReason.APPROVED
    modified = item.modified
    if modified is not None and modified.tzinfo is None:
        modified = modified.replace(tzinfo=now.tzinfo)
    version = Version(
        submission_id=submission.id,
        number=newest.number + 1 if newest is not None else 1,
        blob_sha256=sha,
        original_name=name,
        sheet=report.sheet,
        uploaded_by_id=actor.id if actor is not None else None,
        uploaded_by_name=actor.username if actor is not None else "命令行",
        on_behalf=behalf,
        uploaded_at=now,
        document_modified=modified,
        report_json=report.to_dict(),
        has_errors=not report.ok,
        total=money_or_none(report.total),
        rows_count=report.rows,
        after_approval=after_approval,
    )
    assert item.table is not None
    version.rows = project_rows_of(unit.short_name, submission.table_id, item.table)
    version.state = (VersionState.ERRORS if version.has_errors else VersionState.DRAFT).value
    submission.versions.append(version)
    session.flush()
    refresh_status(submission, now)  # a new upload never demotes a submitted or approved version
    return version


def _office(session: Session, round_id: str) -> str:
    """省局 / 市局: who collects the round, as its members name it."""
    stored = session.get(Round, round_id)
    return config_of(stored).collector.office if stored is not None else "征集单位"


def _attach(session: Session, version: Version, scan: tuple[str, str, str] | None) -> None:
    if scan is None:
        return
    sha, name, mime = scan
    if any(a.blob_sha256 == sha for a in version.attachments):
        return
    version.attachments.append(Attachment(blob_sha256=sha, original_name=name, mime=mime))
    session.flush()

"""The audit log: who did what, when, to which unit and version. Entries are only ever added."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.storage.audit_words import readable
from budget_planner.storage.db import write_transaction
from budget_planner.storage.models import AuditLog, Submission, Unit, User, Version
from budget_planner.storage.roles import account_units, scope_in
from budget_planner.storage.scope import Actor, Scope, is_account, plain_scope
from budget_planner.storage.types import utcnow
from budget_planner.storage.workflow import WorkflowRole


class Action(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGIN_THROTTLED = "login.throttled"
    LOGOUT = "logout"
    PASSWORD_CHANGED = "password.changed"
    PASSWORD_RESET = "password.reset"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    UNIT_ADDED = "unit.added"
    UNIT_UPDATED = "unit.updated"
    ROUND_LOADED = "round.loaded"
    ROUND_OPENED = "round.opened"
    ROUND_CLOSED = "round.closed"
    UPLOAD = "upload"
    UPLOAD_ON_BEHALF = "upload.on_behalf"
    UPLOAD_UNCHANGED = "upload.unchanged"
    UPLOAD_REJECTED = "upload.rejected"
    UPLOAD_REFUSED = "upload.refused"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    DELETE = "version.deleted"
    APPROVE = "approve"
    RETURN = "return"
    REVOKE = "revoke"
    LATE_GRANTED = "late.granted"
    USER_UNLOCKED = "user.unlocked"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    PUBLISHED = "allocation.published"
    CONTROL_NUMBER = "control_number.set"
    ALLOCATION = "allocation.set"
    DOWNLOAD = "download"
    TOKEN_ISSUED = "token.issued"
    TOKEN_REVOKED = "token.revoked"
    DEADLINE_CHANGED = "deadline.changed"
    REMINDED = "reminder.sent"
    PLAN_IMPORTED = "plan.imported"

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.value, self.value)


ACTION_LABELS = {
    "login": "登录",
    "login.failed": "登录失败",
    "login.throttled": "登录受限（失败次数过多）",
    "logout": "退出登录",
    "password.changed": "修改密码",
    "password.reset": "重置密码",
    "user.created": "创建账号",
    "user.updated": "修改账号",
    "unit.added": "新增单位",
    "unit.updated": "修改单位信息",
    "round.loaded": "导入轮次",
    "round.opened": "开放征集",
    "round.closed": "关闭征集",
    "upload": "上传",
    "upload.on_behalf": "代为上传",
    "upload.unchanged": "重复上传（与最新版本相同）",
    "upload.rejected": "上传未保存（无法识别的文件）",
    "upload.refused": "上传被拒绝（其他单位的文件）",
    "submit": "提交",
    "withdraw": "撤回提交",
    "version.deleted": "撤销版本",
    "approve": "审核通过",
    "return": "退回修改",
    "revoke": "撤销通过",
    "late.granted": "准予补报",
    "user.unlocked": "解除登录锁定",
    "user.disabled": "停用账号",
    "user.enabled": "启用账号",
    "allocation.published": "发布核定金额",
    "control_number.set": "设置控制数",
    "allocation.set": "核定金额",
    "download": "下载",
    "token.issued": "生成 API 令牌",
    "token.revoked": "作废 API 令牌",
    "deadline.changed": "修改报送截止日期",
    "reminder.sent": "催报",
    "plan.imported": "导入上年分配方案",
}


def record(
    session: Session,
    user: User | Actor | None,
    action: Action | str,
    *,
    detail: str = "",
    username: str | None = None,
    round_id: str | None = None,
    unit_id: int | None = None,
    version_id: int | None = None,
    at: dt.datetime | None = None,
) -> AuditLog:
    """Add an entry to the session's current transaction (the caller commits).

    What the session holds is flushed first, so the rows the entry refers to exist. An entry is about
    the account's own unit unless told otherwise, except a round's entry by an account holding
    审核 or 财务 (the collecting office's own acts, such as opening the round).
    """
    session.flush()
    collecting = bool(getattr(user, "reviewer", False) or getattr(user, "finance", False))
    if unit_id is None and user is not None and (round_id is None or not collecting):
        unit_id = user.unit_id  # what an account does concerns its unit
    entry = AuditLog(
        at=at or utcnow(),
        user_id=user.id if user is not None else None,
        username=username or (user.username if user is not None else "命令行"),
        action=str(action),
        round_id=round_id,
        unit_id=unit_id,
        version_id=version_id,
        detail=detail,
    )
    session.add(entry)
    return entry


def audit(
    session: Session,
    user: User | Actor | None,
    action: Action | str,
    *,
    detail: str = "",
    username: str | None = None,
    round_id: str | None = None,
    unit_id: int | None = None,
    version_id: int | None = None,
) -> AuditLog:
    """Write one entry in its own transaction (for the web's own events: logout, downloads).

    ``user`` may be None with ``username`` naming who tried (a failed login).
    """
    with write_transaction(session):
        entry = record(
            session,
            user,
            action,
            detail=detail,
            username=username,
            round_id=round_id,
            unit_id=unit_id,
            version_id=version_id,
        )
    return entry


LOGIN_ACTIONS = ("login", "login.failed", "login.throttled", "logout")


def visible(session: Session, scope: object, round_id: str | None) -> sa.ColumnElement[bool]:
    """The entries a scope reads: of a round, those about the units it reaches there (all of the
    round's, for its 审核 and 财务); of no round (accounts, sign-ins), those about the accounts of
    the units it looks after (``Scope.accounts``). Every entry for the command line (None)."""
    if is_account(scope):
        seen = (
            scope_in(session, scope, round_id)
            if round_id is not None
            else Scope(None, frozenset(), None, account_units(session, scope))  # type: ignore[arg-type]
        )
    else:
        plain = plain_scope(scope)
        assert plain is not None
        seen = plain.within(round_id)
    if seen.everything and seen.accounts is None:
        return sa.true()
    in_round: sa.ColumnElement[bool] = AuditLog.round_id.is_not(None)
    if seen.round_id is not None:
        in_round = AuditLog.round_id == seen.round_id
    if seen.units is not None and not (seen.roles or set()) & {
        WorkflowRole.REVIEWER,
        WorkflowRole.FINANCE,
    }:
        in_round = sa.and_(in_round, seen.filter(AuditLog.unit_id))
    roundless: sa.ColumnElement[bool] = AuditLog.round_id.is_(None)
    if seen.accounts is not None:
        roundless = sa.and_(
            roundless,
            AuditLog.unit_id.in_(sorted(seen.accounts)) if seen.accounts else sa.false(),
        )
    return sa.or_(in_round, roundless)


def audit_log(
    session: Session,
    round_id: str | None = None,
    *,
    scope: object,
    actions: tuple[str, ...] = (),
    limit: int | None = None,
    roundless: bool = False,
    without: tuple[str, ...] = (),
) -> list[AuditLog]:
    """Entries, newest first, as far as the scope reaches (``visible``).

    ``round_id`` limits to one round (``roundless``: and the entries of no round — accounts,
    password resets, unlocks); ``actions`` keeps only those, ``without`` leaves those out."""
    query = sa.select(AuditLog).where(visible(session, scope, round_id))
    if round_id is not None:
        this_round = AuditLog.round_id == round_id
        query = query.where(
            sa.or_(this_round, AuditLog.round_id.is_(None)) if roundless else this_round
        )
    if actions:
        query = query.where(AuditLog.action.in_(actions))
    if without:
        query = query.where(AuditLog.action.not_in(without))
    query = query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True)
class AuditLine:
    """An entry as a person reads it: the unit's name and the version (表四第 2 版), not ids."""

    at: dt.datetime
    username: str
    action: str  # the Chinese label
    unit: str
    version: str
    detail: str
    code: str = ""  # the action's code (``login.failed`` …)


def audit_lines(
    session: Session,
    round_id: str | None,
    *,
    scope: object,
    limit: int | None = None,
    roundless: bool = False,
    actions: tuple[str, ...] = (),
    without: tuple[str, ...] = (),
) -> list[AuditLine]:
    """``audit_log`` with unit names and version labels (newest first)."""
    entries = audit_log(
        session,
        round_id,
        scope=scope,
        limit=limit,
        roundless=roundless,
        actions=actions,
        without=without,
    )
    unit_ids = {e.unit_id for e in entries if e.unit_id is not None}
    version_ids = {e.version_id for e in entries if e.version_id is not None}
    units = dict(
        session.execute(sa.select(Unit.id, Unit.short_name).where(Unit.id.in_(unit_ids))).all()
    )
    versions = {
        vid: f"{table}{'“' + slot + '”' if slot else ''}第 {number} 版"
        for vid, table, slot, number in session.execute(
            sa.select(Version.id, Submission.table_id, Submission.slot, Version.number)
            .join(Submission, Submission.id == Version.submission_id)
            .where(Version.id.in_(version_ids))
        )
    }
    return [
        AuditLine(
            at=e.at,
            username=e.username,
            action=ACTION_LABELS.get(e.action, e.action),
            unit=units.get(e.unit_id, "") if e.unit_id is not None else "",
            version=versions.get(e.version_id, "") if e.version_id is not None else "",
            detail=readable(e.detail),
            code=e.action,
        )
        for e in entries
    ]

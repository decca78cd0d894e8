"""The tables, as typed SQLAlchemy 2 models. The schema itself is made only by the Alembic migration.

Names are English; statuses, roles and decisions are stored as short English codes whose Chinese
labels live in the enums below. Money is ``Money`` (Decimal), times are ``UTCDateTime`` (aware).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from budget_planner.aggregate.status import TABLE_STATUS_LABELS, TableStatus
from budget_planner.storage.types import CleanJSON, CleanText, Money, UTCDateTime, utcnow
from budget_planner.storage.workflow import VersionState

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"draft": "未开放", "open": "征集中", "closed": "已关闭"}[self.value]


class Holding(StrEnum):
    """What an account may hold within its unit (``User.reviewer`` / ``User.finance``): the
    workflow's 审核 and 财务, used in the rounds its unit collects (``storage/roles.py``)."""

    REVIEWER = "reviewer"
    FINANCE = "finance"

    @property
    def label(self) -> str:
        return {"reviewer": "审核", "finance": "财务"}[self.value]


# where a unit × table stands (its labels are the site's words: ``aggregate.status``)
Status = TableStatus
STATUS_LABELS = TABLE_STATUS_LABELS


class Decision(StrEnum):
    APPROVE = "approve"
    RETURN = "return"
    REVOKE = "revoke"  # an approval withdrawn (撤销通过), with its reason

    @property
    def label(self) -> str:
        return {"approve": "通过", "return": "退回修改", "revoke": "撤销通过"}[self.value]


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Round(Base):
    """A collection round: collected by one unit (``collector``) from its members."""

    __tablename__ = "rounds"
    __table_args__ = (sa.CheckConstraint(_in("status", RoundStatus), name="status"),)

    id: Mapped[str] = mapped_column(CleanText(64), primary_key=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(CleanText(200))
    issuer: Mapped[str] = mapped_column(CleanText(200), default="")
    deadline: Mapped[dt.date]
    status: Mapped[str] = mapped_column(CleanText(16), default=RoundStatus.DRAFT.value)
    config_toml: Mapped[str] = mapped_column(CleanText())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    collector_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)

    collector: Mapped[Unit] = relationship(foreign_keys=[collector_id])
    members: Mapped[list[RoundMember]] = relationship(
        order_by="RoundMember.position", cascade="all, delete-orphan"
    )
    units: Mapped[list[Unit]] = relationship(
        secondary="round_members", order_by="RoundMember.position", viewonly=True
    )


class Unit(Base):
    """A unit of the lasting tree (province → 地市 → 县市区 / 园区): rounds come and go, a unit and
    its accounts stay. Short names are unique among siblings."""

    __tablename__ = "units"
    __table_args__ = (
        sa.Index("uq_units_parent_id_short_name", "parent_id", "short_name", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # among its siblings
    short_name: Mapped[str] = mapped_column(CleanText(100))
    full_name: Mapped[str] = mapped_column(CleanText(200))
    contact: Mapped[str] = mapped_column(CleanText(100), default="")
    phone: Mapped[str] = mapped_column(CleanText(100), default="")

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")


class RoundMember(Base):
    """A unit the round collects from, in the round's order."""

    __tablename__ = "round_members"

    round_id: Mapped[str] = mapped_column(
        sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    unit: Mapped[Unit] = relationship()


class User(Base):
    """An account of a unit. It may hold 审核 and/or 财务 within its unit (or neither); what it
    is in a given round follows from the tree (``storage/roles.py``)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(CleanText(100), unique=True)
    password_hash: Mapped[str] = mapped_column(CleanText(255))
    # None only for an account migrated from before the tree without a unit to go to
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    reviewer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # 审核
    finance: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # 财务
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    api_token_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True, unique=True)
    api_token_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit | None] = relationship()

    @property
    def holdings(self) -> tuple[Holding, ...]:
        return tuple(h for h in Holding if getattr(self, h.value))


class Blob(Base):
    """Uploaded bytes, whole and unchanged, shared by every version with the same SHA-256."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary(), deferred=True)
    size: Mapped[int] = mapped_column(sa.BigInteger())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Submission(Base):
    """One unit × table (× 项目名称 for a 预算表, in ``slot``): the thread its versions belong to."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "unit_id", "table_id", "slot"),
        sa.CheckConstraint(_in("status", Status), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    table_id: Mapped[str] = mapped_column(CleanText(16))
    slot: Mapped[str] = mapped_column(CleanText(200), default="")
    status: Mapped[str] = mapped_column(CleanText(16), default=Status.DRAFT.value)
    locked: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    versions: Mapped[list[Version]] = relationship(
        back_populates="submission", order_by="Version.number"
    )

    @property
    def standing(self) -> TableStatus:
        """Where the thread stands: the status of the version that counts (``queries.counted_for``),
        MISSING when every version was deleted. ``status`` caches it for SQL readers, except that
        MISSING, which version one's CHECK constraint does not know, is cached as ``draft``."""
        from budget_planner.storage.queries import counted_for

        counted = counted_for(self, list(self.versions))
        return counted.status if counted is not None else TableStatus.MISSING


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (sa.UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id", ondelete="CASCADE"))
    number: Mapped[int]
    blob_sha256: Mapped[str] = mapped_column(sa.ForeignKey("blobs.sha256"), index=True)
    original_name: Mapped[str] = mapped_column(CleanText(255))
    sheet: Mapped[str | None] = mapped_column(CleanText(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_by_name: Mapped[str] = mapped_column(CleanText(100))
    on_behalf: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    document_modified: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    report_json: Mapped[dict[str, Any]] = mapped_column(CleanJSON())
    has_errors: Mapped[bool]
    total: Mapped[Decimal | None] = mapped_column(Money())
    rows_count: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # when approved
    after_approval: Mapped[bool] = mapped_column(default=False)  # uploaded beside an approval
    # the workflow state (storage/workflow.py): draft, errors, submitted, approved, returned,
    # superseded, deleted (a soft delete: the bytes are kept)
    state: Mapped[str] = mapped_column(
        CleanText(16), default=VersionState.DRAFT.value, server_default=VersionState.DRAFT.value
    )
    # 修改说明: what the unit changed, given when it submits again after a return
    note: Mapped[str] = mapped_column(CleanText(), default="", server_default="")
    # 逾期提交: submitted after the round's deadline; kept once set (a later deadline change or
    # approval does not clear it)
    submitted_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    submission: Mapped[Submission] = relationship(back_populates="versions")
    blob: Mapped[Blob] = relationship()
    rows: Mapped[list[ProjectRow]] = relationship(order_by="ProjectRow.position")
    attachments: Mapped[list[Attachment]] = relationship()
    reviews: Mapped[list[Review]] = relationship(order_by="Review.at")


class Attachment(Base):
    """The stamped scan (盖章扫描件) sent with an upload."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    blob_sha256: Mapped[str] = mapped_column(sa.ForeignKey("blobs.sha256"), index=True)
    original_name: Mapped[str] = mapped_column(CleanText(255))
    mime: Mapped[str] = mapped_column(CleanText(100))

    blob: Mapped[Blob] = relationship()


class ProjectRow(Base):
    """One project row of a version (or the single project of a 预算表) with its project key."""

    __tablename__ = "project_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    sheet: Mapped[str] = mapped_column(CleanText(255))
    excel_row: Mapped[int | None]
    amount_cell: Mapped[str | None] = mapped_column(CleanText(16))
    category: Mapped[str] = mapped_column(CleanText(100), default="")
    name: Mapped[str] = mapped_column(CleanText())
    key: Mapped[str] = mapped_column(CleanText(), index=True)
    amount: Mapped[Decimal | None] = mapped_column(Money())
    values_json: Mapped[dict[str, Any]] = mapped_column(CleanJSON())


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (sa.CheckConstraint(_in("decision", Decision), name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(CleanText(16))
    comment: Mapped[str] = mapped_column(CleanText(), default="")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(CleanText(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ControlNumber(Base):
    """A unit's allocation ceiling for the round (下放资金控制数)."""

    __tablename__ = "control_numbers"
    __table_args__ = (sa.UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Money())
    by_name: Mapped[str] = mapped_column(CleanText(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Allocation(Base):
    """The approved amount (核定金额) of one project, by project key: it survives resubmissions."""

    __tablename__ = "allocations"
    __table_args__ = (sa.UniqueConstraint("round_id", "unit_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(CleanText(500))
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(CleanText(), default="", server_default="")  # 核减理由
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(CleanText(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Publication(Base):
    """Finance's 发布: a snapshot of the round's allocation plan, the only one units see."""

    __tablename__ = "publications"
    __table_args__ = (sa.UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    number: Mapped[int]
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(CleanText(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    lines: Mapped[list[PublishedAllocation]] = relationship(
        order_by="PublishedAllocation.id", cascade="all, delete-orphan"
    )


class PublishedAllocation(Base):
    """One project's 核定金额 as published (what the unit sees until the next 发布)."""

    __tablename__ = "published_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        sa.ForeignKey("publications.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(CleanText(500))
    table_id: Mapped[str] = mapped_column(CleanText(16))
    category: Mapped[str] = mapped_column(CleanText(100), default="")
    project: Mapped[str] = mapped_column(CleanText())
    requested: Mapped[Decimal | None] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(CleanText(), default="")


class LateGrant(Base):
    """补报: one unit may upload and submit after 关闭征集, until the end of ``until`` (Beijing)."""

    __tablename__ = "late_grants"
    __table_args__ = (sa.UniqueConstraint("round_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    until: Mapped[dt.date]
    by_name: Mapped[str] = mapped_column(CleanText(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(CleanText(100))
    action: Mapped[str] = mapped_column(CleanText(40), index=True)
    round_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("rounds.id", ondelete="SET NULL"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("versions.id", ondelete="SET NULL")
    )
    detail: Mapped[str] = mapped_column(CleanText(), default="")


class ReminderSent(Base):
    """A reminder (催报) sent to one unit: when, by whom, how (``copied``: the message copied from
    the page; ``exported``: the list exported as a workbook)."""

    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(
        sa.ForeignKey("rounds.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    how: Mapped[str] = mapped_column(CleanText(16))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(CleanText(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OneTimeSheet(Base):
    """A one-time password sheet waiting for its single download (``storage/one_time.py``): only
    sealed with a key that is in the download link, never on the server; deleted when downloaded
    or expired."""

    __tablename__ = "one_time_sheets"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # SHA-256 of the link's key
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(CleanText(255))
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LoginThrottle(Base):
    """Failed sign-ins of one username or one client address (``storage/throttle.py``)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(CleanText(200), primary_key=True)  # user:… or addr:…
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # sign-ins of this key whose password is being checked now (claimed, not yet settled)
    pending: Mapped[int] = mapped_column(default=0, server_default="0")
    pending_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in (or anonymous) browser session kept in the database (``storage/sessions.py``):
    every app server reads the same sessions, and ending one is deleting its row."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # SHA-256 of the cookie's id
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[str] = mapped_column(sa.Text())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class SiteSecret(Base):
    """A secret every app server of the site must share (the key that signs the forms' CSRF
    tokens), made once by the first server that needs it when none is configured
    (``storage/site_secrets.py``)."""

    __tablename__ = "site_secrets"

    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ParseInFlight(Base):
    """One upload of a user being parsed now (``storage/inflight.py``): at most a few per user,
    counted here so that every app server agrees."""

    __tablename__ = "parses_in_flight"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    host: Mapped[str | None] = mapped_column(CleanText(255))  # the server process holding it
    pid: Mapped[int | None]


class ImportedPlan(Base):
    """Last year's 分配方案 imported as a closed round (issue 19, ``storage/last_year.py``): the
    round's projects are its lines, its control numbers are the round's ``control_numbers``."""

    __tablename__ = "imported_plans"

    round_id: Mapped[str] = mapped_column(
        sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    file_name: Mapped[str] = mapped_column(CleanText(255))
    blob_sha256: Mapped[str] = mapped_column(sa.ForeignKey("blobs.sha256"), index=True)
    by_name: Mapped[str] = mapped_column(CleanText(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    lines: Mapped[list[ImportedPlanLine]] = relationship(
        order_by="ImportedPlanLine.position", cascade="all, delete-orphan"
    )


class ImportedPlanLine(Base):
    """One project of an imported plan, as the plan gives it (万元)."""

    __tablename__ = "imported_plan_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(
        sa.ForeignKey("imported_plans.round_id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    table_id: Mapped[str] = mapped_column(CleanText(16))
    category: Mapped[str] = mapped_column(CleanText(100), default="")
    project: Mapped[str] = mapped_column(CleanText())
    requested: Mapped[Decimal | None] = mapped_column(Money())
    approved: Mapped[Decimal | None] = mapped_column(Money())
    source: Mapped[str] = mapped_column(CleanText(255), default="")  # 分配方案!D12

    unit: Mapped[Unit] = relationship()


class ForwardedRow(Base):
    """Lineage (issue 18, docs/forwarding.md): a row of a city's version made by 生成上报版本 and
    the county version, row and cell it came from. The province opens that county file and cell
    read-only from the city's row; nothing else of the county round is open to it."""

    __tablename__ = "forwarded_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project_rows.id", ondelete="CASCADE"), unique=True
    )
    source_round_id: Mapped[str] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    source_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    source_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    source_row_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("project_rows.id", ondelete="SET NULL"), index=True
    )
    sheet: Mapped[str] = mapped_column(CleanText(255))
    cell: Mapped[str | None] = mapped_column(CleanText(16))  # the county's amount cell (E12)
    excel_row: Mapped[int | None]
    requested: Mapped[Decimal | None] = mapped_column(Money())  # the county's 申报金额
    approved: Mapped[Decimal | None] = mapped_column(Money())  # the city's 核定金额, when set

    row: Mapped[ProjectRow] = relationship(foreign_keys=[row_id])
    source_version: Mapped[Version] = relationship(foreign_keys=[source_version_id])
    source_unit: Mapped[Unit] = relationship()

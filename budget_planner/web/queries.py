"""Reads the web needs beyond the storage API: select() over storage's models, scope applied."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from budget_planner.storage.models import Role, Submission, Unit, User, Version
from budget_planner.storage.scope import as_scope


def sibling_reports(session: Session, version: Version, *, scope: object) -> list[dict[str, Any]]:
    """The reports of every table stored from the same upload as ``version`` (same bytes, same unit,
    same moment): one file holding 表一–表四 is annotated as a whole."""
    query = (
        sa.select(Version.report_json)
        .join(Submission, Submission.id == Version.submission_id)
        .where(
            Version.blob_sha256 == version.blob_sha256,
            Version.uploaded_at == version.uploaded_at,
            Submission.unit_id == version.submission.unit_id,
            as_scope(scope).filter(Submission.unit_id),
        )
        .order_by(Version.id)
    )
    return list(session.scalars(query))


def accounts(session: Session) -> list[User]:
    """Every account: admin, finance, then the units' in the round's order."""
    order = sa.case({Role.ADMIN.value: 0, Role.FINANCE.value: 1}, value=User.role, else_=2)
    query = (
        sa.select(User)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .order_by(order, Unit.position, User.username)
    )
    return list(session.scalars(query))


def get_user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)

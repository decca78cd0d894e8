"""Submitting a version, and the admin's review: approve, or return it with a comment.

Both are workflow actions (``storage.transitions.act``), kept under their old names for callers
that speak of a decision.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from budget_planner.storage.models import Decision, Review, Version
from budget_planner.storage.scope import Actor
from budget_planner.storage.transitions import act


def submit(session: Session, version_id: int, user: Actor | None) -> Version:
    """The unit (or admin on its behalf) declares this version its submission."""
    return act(session, version_id, user, "submit")


def review(
    session: Session,
    version_id: int,
    user: Actor | None,
    decision: Decision | str,
    comment: str = "",
) -> Review:
    """Approve a submitted version (it counts from now on) or return it with a comment."""
    version = act(session, version_id, user, Decision(decision).value, comment=comment)
    return version.reviews[-1]

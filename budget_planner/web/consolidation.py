"""The current round consolidated within the signed-in user's scope (``app.consolidation``)."""

from __future__ import annotations

from budget_planner.app.consolidation import Consolidated, consolidate_stored
from budget_planner.web import db, rounds
from budget_planner.web.access import scope


def current() -> Consolidated:
    """The current round consolidated within the signed-in user's scope."""
    stored, config = rounds.required()
    return consolidate_stored(db.session(), stored.id, config, scope=scope())

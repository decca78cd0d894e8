"""The Flask site: ``create_app(test_config=None)`` builds it (see app.py)."""

from budget_planner.web.app import create_app

__all__ = ["create_app"]

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "support"))  # the tests' helper modules


@pytest.fixture(scope="session")
def province_round():
    from budget_planner.templates.round import load_round

    return load_round()


@pytest.fixture(scope="session")
def specs():
    from budget_planner.templates.spec import load_specs

    return load_specs()


@pytest.fixture
def app(tmp_path, monkeypatch):
    """A site on a fresh SQLite database in a tmp instance folder (modules may override it)."""
    from webclient import make_app

    return make_app(tmp_path, monkeypatch)


@pytest.fixture
def site(app):
    """A test client with the login helpers of ``webclient.Site``."""
    from webclient import Site

    return Site(app)

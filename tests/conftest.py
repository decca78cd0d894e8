from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "support"))  # the tests' helper modules

# `aggregate` keeps reports in the user's cache folder by default: never the real one in a test run
# (processes the tests start inherit this too); a test of the cache gives its own --cache folder
_CACHE = tempfile.mkdtemp(prefix="bp-test-cache-")
os.environ["BUDGET_PLANNER_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


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

"""The command line: thin click commands over the core; heavy libraries are imported inside commands.

``base`` holds the group; ``files`` (templates, validate, aggregate), ``site`` (demo, serve),
``admin`` (db, round, accounts), ``years`` (round import-plan) and ``tree`` (units) add their
commands to it on import.
"""

from budget_planner.cli import admin, files, site, tree, years  # noqa: F401  (they register commands)
from budget_planner.cli.base import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()

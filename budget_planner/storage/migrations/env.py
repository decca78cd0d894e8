"""Alembic environment: runs on the connection ``storage.db.upgrade`` hands over (no alembic.ini).

Run from the command line, it connects to ``DATABASE_URL`` or the SQLite file in ``./instance``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import context

from budget_planner.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    from budget_planner.storage.db import resolve_url

    context.configure(
        url=resolve_url(config.get_main_option("sqlalchemy.url"), Path("instance")),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from budget_planner.storage.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"), Path("instance"))
        with engine.begin() as own:
            _run(own)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

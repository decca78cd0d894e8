"""What every database command shares: ``--instance`` and ``--database-url``, and a session on a
database migrated to the newest schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

DB_OPTIONS = (
    click.option(
        "--instance",
        "instance_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("instance"),
        show_default=True,
        help="实例目录（默认 SQLite 数据库所在位置）。",
    ),
    click.option(
        "--database-url",
        envvar="DATABASE_URL",
        default=None,
        help="数据库地址，如 postgresql://用户@主机/库名；默认读取环境变量 DATABASE_URL，"
        "未设置时使用实例目录中的 SQLite。",
    ),
)


def db_options(command):
    for option in reversed(DB_OPTIONS):
        command = option(command)
    return command


@contextmanager
def database(instance_dir: Path, database_url: str | None) -> Iterator:
    """A session on a database migrated to the newest schema; the engine is closed afterwards."""
    from budget_planner.storage.db import make_engine, make_session_factory, upgrade

    engine = make_engine(database_url, instance_dir)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()

"""Engines, sessions, migrations and the write-transaction rule.

SQLite (the default, in the instance folder) runs in WAL mode with ``synchronous=FULL`` and foreign
keys on; SQLAlchemy, not the sqlite3 module, emits BEGIN, so a write transaction can take the write
lock up front (``BEGIN IMMEDIATE``) and never fails half-way on a stale read snapshot. PostgreSQL is
reached through ``DATABASE_URL`` with psycopg 3.

Several app servers may start at once over one database: a migration runs under a lock (on
PostgreSQL a transaction-level advisory lock for the schema, on SQLite the write lock taken up
front), so the second server waits for the first and then finds the schema already current.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_FILE = "budget_planner.sqlite3"
BUSY_TIMEOUT_MS = 15_000
MIGRATIONS = Path(__file__).with_name("migrations")
_IMMEDIATE = "budget_planner_immediate"
# the advisory lock a migration holds on PostgreSQL: (this number, a hash of the schema's name)
MIGRATION_LOCK = 0x42504D47  # "BPMG"


def resolve_url(url: str | None, instance_dir: Path) -> str:
    """The URL given, else ``DATABASE_URL``, else SQLite in the instance folder (psycopg 3 for PG)."""
    url = url or os.environ.get("DATABASE_URL") or ""
    if not url:
        return f"sqlite:///{Path(instance_dir).resolve() / SQLITE_FILE}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None, instance_dir: Path = Path("instance")) -> Engine:
    resolved = resolve_url(url, instance_dir)
    if resolved.startswith("sqlite"):
        return _sqlite_engine(resolved, instance_dir)
    return create_engine(resolved, pool_pre_ping=True)


def _sqlite_engine(url: str, instance_dir: Path) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, not the sqlite3 module
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (a page renders what it just saved)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """One public mutation: its own transaction, committed at the end or rolled back on any error.

    Whatever the session held before (a request's reads, say) is committed first, so the write
    starts on a fresh transaction (and reloads what it reads); on SQLite it takes the write lock at
    once (``BEGIN IMMEDIATE``).
    """
    if session.in_transaction():
        session.commit()
    session.expire_all()  # read everything afresh inside the write transaction
    session.connection(execution_options={_IMMEDIATE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Any]:
    """A connection in one transaction for a migration. On SQLite, foreign keys are off meanwhile
    (set before the transaction begins, as SQLite requires), so that a table rebuilt by copying it
    does not take the rows referring to it along through ON DELETE CASCADE; every reference is
    checked before the commit (``PRAGMA foreign_key_check``), and a broken one undoes it all.

    One migration at a time: SQLite's write lock is taken when the transaction begins (``BEGIN
    IMMEDIATE``); PostgreSQL's advisory lock for this schema is held until the commit, so a server
    starting meanwhile waits and then reads the revision the first one left."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            connection.commit()  # nothing may be open when the pragma changes
            raw.execute("PRAGMA foreign_keys=OFF")
            connection.execution_options(**{_IMMEDIATE: True})
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:lock, hashtext(current_schema()))"),
                        {"lock": MIGRATION_LOCK},
                    )
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"迁移后有 {len(broken)} 处外键引用失效：{broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default): the only way tables are made."""
    from alembic import command

    for attempt in range(_SQLITE_BUSY_RETRIES + 1):
        try:
            with _migrating(engine) as connection:
                command.upgrade(alembic_config(connection), revision)
            return
        except OperationalError as exc:  # the whole upgrade is one transaction: undone, so retried
            if not _sqlite_busy(engine, exc) or attempt == _SQLITE_BUSY_RETRIES:
                raise
            time.sleep(0.2 * (attempt + 1))


_SQLITE_BUSY_RETRIES = 5


def _sqlite_busy(engine: Engine, exc: OperationalError) -> bool:
    """SQLite answered "database is locked" at once instead of waiting (a connection opened while
    another server's upgrade was making the file): the upgrade is tried again."""
    return engine.dialect.name == "sqlite" and "database is locked" in str(exc.orig)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    with _migrating(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision the migrations know (what ``upgrade()`` brings a database to)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()

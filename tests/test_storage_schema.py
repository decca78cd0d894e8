"""The schema: made by the migration, equal to the models, exact money, aware times, clean text."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from test_storage_support import BACKENDS, new_database

from budget_planner.storage import db as storage_db
from budget_planner.storage.models import Base, ControlNumber, Round, RoundMember, Unit
from budget_planner.storage.types import strip_controls

pytest_plugins = ["test_storage_support"]

TABLES = {
    "allocations",
    "attachments",
    "audit_log",
    "blobs",
    "control_numbers",
    "forwarded_rows",
    "imported_plan_lines",
    "imported_plans",
    "late_grants",
    "login_throttle",
    "parses_in_flight",
    "one_time_sheets",
    "reminders_sent",
    "project_rows",
    "publications",
    "published_allocations",
    "reviews",
    "round_members",
    "site_secrets",
    "rounds",
    "submissions",
    "units",
    "users",
    "versions",
    "web_sessions",
}


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path):
    """An empty database of its own, for the migration itself."""
    url, drop = new_database(request.param, tmp_path)
    eng = storage_db.make_engine(url, tmp_path)
    yield eng
    eng.dispose()
    drop()


def test_migration_builds_the_schema_the_models_describe(fresh):
    assert storage_db.current_revision(fresh) is None
    storage_db.upgrade(fresh)
    assert storage_db.current_revision(fresh) == "0014" == storage_db.head_revision()
    assert set(sa.inspect(fresh).get_table_names()) == TABLES | {"alembic_version"}
    with fresh.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    storage_db.upgrade(fresh)  # a second run is a no-op
    assert storage_db.current_revision(fresh) == "0014"


def test_servers_starting_together_migrate_one_at_a_time(fresh):
    """Two servers started at the same moment on an empty database: both come up, the schema is
    made once (the second waits for the first's lock, then finds nothing left to do)."""
    url = fresh.url.render_as_string(hide_password=False)
    together = threading.Barrier(3)
    failures: list[BaseException] = []

    def start_server() -> None:
        engine = storage_db.make_engine(url)
        try:
            together.wait(10)
            storage_db.upgrade(engine)
        except BaseException as exc:  # handed to the test
            failures.append(exc)
        finally:
            engine.dispose()

    servers = [threading.Thread(target=start_server, daemon=True) for _ in range(3)]
    for server in servers:
        server.start()
    for server in servers:
        server.join(60)
    assert failures == []
    assert storage_db.current_revision(fresh) == storage_db.head_revision()
    assert set(sa.inspect(fresh).get_table_names()) == TABLES | {"alembic_version"}
    with fresh.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_model_drift_is_noticed(fresh):
    """The comparison can fail: a column the migration lacks shows up as a difference."""
    storage_db.upgrade(fresh)
    drifted = sa.MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["units"].append_column(sa.Column("email", sa.String(100)))
    with fresh.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), drifted)
    assert [(d[0], d[3].name) for d in diff] == [("add_column", "email")]


def test_downgrade_removes_every_table(fresh):
    storage_db.upgrade(fresh)
    storage_db.downgrade(fresh)
    assert set(sa.inspect(fresh).get_table_names()) <= {"alembic_version"}


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    eng = storage_db.make_engine(None, tmp_path / "instance")
    assert str(eng.url) == f"sqlite:///{(tmp_path / 'instance').resolve()}/budget_planner.sqlite3"
    with eng.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    eng.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 15000,
    }


def test_a_sqlite_url_gets_its_folder(tmp_path):
    eng = storage_db.make_engine(f"sqlite:///{tmp_path}/deploy/data/bp.sqlite3", tmp_path)
    storage_db.upgrade(eng)
    eng.dispose()
    assert (tmp_path / "deploy" / "data" / "bp.sqlite3").is_file()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h:5432/d", "postgresql+psycopg://u@h:5432/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////srv/bp.sqlite3", "sqlite:////srv/bp.sqlite3"),
    ],
)
def test_database_urls_map_to_psycopg_3(given, expected, tmp_path):
    assert storage_db.resolve_url(given, tmp_path) == expected


def test_database_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db/budget")
    assert storage_db.resolve_url(None, tmp_path) == "postgresql+psycopg://postgres@db/budget"


def _round(db) -> Round:
    """A round of 广东省 with one member, 清远市 (``stored.units[0]``)."""
    province = Unit(short_name="广东省", full_name="广东省市场监督管理局")
    qingyuan = Unit(short_name="清远市", full_name="清远市市场监督管理局", parent=province)
    stored = Round(
        id="r",
        year=2024,
        title="测试轮次",
        deadline=dt.date(2023, 12, 15),
        config_toml="",
        collector=province,
    )
    stored.members.append(RoundMember(unit=qingyuan, position=0))
    db.add(stored)
    db.commit()
    db.refresh(stored)
    return stored


@pytest.mark.parametrize("amount", ["0.0001", "0.3", "1234.5", "99999999999999.9999", "-50", "0"])
def test_money_round_trips_exactly(db, amount):
    stored = _round(db)
    at = dt.datetime(2023, 12, 1, 8, 30, tzinfo=dt.UTC)
    db.add(
        ControlNumber(
            round_id=stored.id,
            unit_id=stored.units[0].id,
            amount=Decimal(amount),
            by_name="t",
            at=at,
        )
    )
    db.commit()
    db.expunge_all()
    back = db.scalars(sa.select(ControlNumber)).one()
    assert isinstance(back.amount, Decimal)
    assert back.amount == Decimal(amount)
    assert back.amount.as_tuple().exponent == -4


def test_money_is_rounded_to_one_yuan_half_up(db):
    stored = _round(db)
    at = dt.datetime(2023, 12, 1, tzinfo=dt.UTC)
    db.add(
        ControlNumber(
            round_id=stored.id,
            unit_id=stored.units[0].id,
            amount=Decimal("0.00005"),
            by_name="t",
            at=at,
        )
    )
    db.commit()
    db.expunge_all()
    assert db.scalars(sa.select(ControlNumber.amount)).one() == Decimal("0.0001")


def test_a_float_is_never_stored_as_money(db):
    stored = _round(db)
    at = dt.datetime(2023, 12, 1, tzinfo=dt.UTC)
    db.add(
        ControlNumber(
            round_id=stored.id, unit_id=stored.units[0].id, amount=0.3, by_name="t", at=at
        )
    )
    with pytest.raises(sa.exc.StatementError, match="Decimal"):
        db.commit()
    db.rollback()


def test_times_come_back_aware_in_utc(db):
    stored = _round(db)
    beijing = dt.timezone(dt.timedelta(hours=8))
    at = dt.datetime(2023, 12, 15, 23, 59, 59, 123456, tzinfo=beijing)
    db.add(
        ControlNumber(
            round_id=stored.id, unit_id=stored.units[0].id, amount=Decimal(1), by_name="t", at=at
        )
    )
    db.commit()
    db.expunge_all()
    back = db.scalars(sa.select(ControlNumber.at)).one()
    assert back.tzinfo is not None and back.utcoffset() == dt.timedelta(0)
    assert back == at
    assert back.isoformat() == "2023-12-15T15:59:59.123456+00:00"


def test_a_naive_time_is_refused(db):
    stored = _round(db)
    db.add(
        ControlNumber(
            round_id=stored.id,
            unit_id=stored.units[0].id,
            amount=Decimal(1),
            by_name="t",
            at=dt.datetime(2023, 12, 1),
        )
    )
    with pytest.raises(sa.exc.StatementError, match="时区"):
        db.commit()
    db.rollback()


def test_control_characters_are_stripped_before_the_database(db):
    stored = Round(
        id="r",
        year=2024,
        title="清远\x00市\x07报送\t表\n二",
        deadline=dt.date(2023, 12, 15),
        config_toml="",
        collector=Unit(short_name="广东省", full_name="广东省市场监督管理局"),
    )
    db.add(stored)
    db.commit()
    db.expunge_all()
    assert db.scalars(sa.select(Round.title)).one() == "清远市报送\t表\n二"
    assert strip_controls("a\x00b\x1fc\x0bd\re") == "abcd\re"

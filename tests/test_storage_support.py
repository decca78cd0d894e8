"""Fixtures and builders for the storage tests (imported by each ``test_storage_*`` module).

Every storage test runs on SQLite, and on PostgreSQL too when ``DATABASE_URL`` names one: the
PostgreSQL run works in a fresh schema of its own (dropped at the end), so runs never collide.
The schema comes from the Alembic migration, never from ``create_all``.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa
from builders import make_table4, project
from parsed_tables import make_table

from budget_planner.storage import accounts
from budget_planner.storage.db import make_engine, make_session_factory, upgrade
from budget_planner.storage.models import Base, Unit, User
from budget_planner.templates.round import load_round
from budget_planner.validators.check.pipeline import Checked, validate_bytes
from budget_planner.validators.intake.extract import read_workbook
from budget_planner.validators.report.issues import Issue, Report

CHEAP_HASH = (
    "pbkdf2:sha256:1000"  # the real default (scrypt) is checked once, in the accounts tests
)


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres:")) else None


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(postgres_url() is None, reason="DATABASE_URL 未指向 PostgreSQL"),
    ),
]


def new_database(backend: str, tmp_dir: Path) -> tuple[str, object]:
    """A fresh, empty database: a SQLite file, or a new PostgreSQL schema. Returns (url, cleanup)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex}.sqlite3'}", lambda: None
    base = postgres_url()
    assert base is not None
    schema = f"bp_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base, tmp_dir)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in base else "?"

    def drop() -> None:
        engine = make_engine(base, tmp_dir)
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request, tmp_path_factory):
    """One migrated database per backend for the whole run."""
    url, drop = new_database(request.param, tmp_path_factory.mktemp("storage"))
    eng = make_engine(url, tmp_path_factory.getbasetemp())
    upgrade(eng)
    yield eng
    eng.dispose()
    drop()


@pytest.fixture
def db(engine, monkeypatch):
    """A session on an emptied database (every table cleared before the test)."""
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", CHEAP_HASH)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    session = make_session_factory(engine)()
    yield session
    session.close()


# ---------------------------------------------------------------- a populated round


def shipped_toml(name: str = "guangdong-2024") -> str:
    return (
        resources.files("budget_planner.templates.rounds")
        .joinpath(f"{name}.toml")
        .read_text("utf-8")
    )


@dataclass
class World:
    round_id: str
    admin: User
    finance: User
    qingyuan: User  # the 清远市 unit account
    guangzhou: User  # the 广州市 unit account
    units: dict[str, Unit]


@pytest.fixture
def world(db) -> World:
    """The province round loaded and open, an admin, a finance reviewer and two unit accounts."""
    from budget_planner.storage import repository as repo

    round_ = load_round()
    stored = repo.load_round_into_db(db, round_, shipped_toml())
    repo.open_round(db, round_.id)
    units = {u.short_name: u for u in repo.units(db, round_.id, scope=None)}
    province = stored.collector  # 广东省: its accounts hold 审核 and 财务 in the round
    admin = repo.create_user(
        db, "省局", "管理员密码123", province, reviewer=True, must_change_password=False
    )
    finance = repo.create_user(db, "财务", "财务密码1234", province, finance=True)
    qingyuan = repo.create_user(db, "清远市", "清远密码1234", units["清远市"])
    guangzhou = repo.create_user(db, "广州市", "广州密码1234", units["广州市"])
    return World(round_.id, admin, finance, qingyuan, guangzhou, units)


# ---------------------------------------------------------------- uploads shaped like real ones

CATEGORY = "知识产权高质量创造"


def table4_rows(projects: dict[str, object], category: str = CATEGORY) -> list[dict[str, object]]:
    return [project(category, name, amount) for name, amount in projects.items()]


def checked_table4(
    rows: list[dict[str, object]],
    *,
    unit: str = "清远市",
    file: str = "清远市-表四.xlsx",
    issues: list[Issue] | None = None,
) -> list[Checked]:
    """A hand-built validation result for a 表四 (for what no real workbook can hold, such as
    control characters); a negative amount gets ``amount.negative`` at its cell, as validation does.
    """
    table = make_table("表四", rows, unit=unit, file=file)
    found = list(issues or [])
    total = Decimal(0)
    for row in table.project_rows:
        amount = row.value("amount")
        if isinstance(amount, Decimal):
            total += amount
            if amount < 0:
                found.append(
                    Issue(
                        "amount.negative",
                        "金额不能为负数",
                        sheet=table.sheet,
                        cell=row.cell("amount"),
                        row=row.excel_row,
                        column="金额",
                        value=str(amount),
                    )
                )
    report = Report(
        file=file,
        table="表四",
        unit=unit,
        sheet=table.sheet,
        rows=len(table.project_rows),
        total=total,
        issues=found,
    )
    return [Checked(report=report, table=table)]


def validate(data: bytes, name: str, unit: str = "清远市") -> list[Checked]:
    """What the validation pipeline says about a file (parsed in-process)."""
    return validate_bytes(data, name, load_round(), unit, parse=read_workbook)


def upload_table4(
    projects: dict[str, object], *, unit: str = "清远市", file: str = "清远市-表四.xlsx"
) -> tuple[bytes, list[Checked]]:
    """A real 表四 workbook (tests/support/builders.py) and what the validation pipeline says about it."""
    data = make_table4(unit, table4_rows(projects))
    return data, validate(data, file, unit)


def store(
    db,
    world: World,
    data: bytes,
    checked: list[Checked],
    *,
    user=None,
    unit="清远市",
    name="清远市-表四.xlsx",
    **kw,
):
    from budget_planner.storage import repository as repo

    return repo.store_upload(
        db,
        round_id=world.round_id,
        unit_short_name=unit,
        data=data,
        original_name=name,
        checked=checked,
        user=user or world.qingyuan,
        **kw,
    )

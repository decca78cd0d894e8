"""Migration 0007 (issue 17): a database holding today's schema (0006) and its data comes through
the move to the lasting unit tree without loss — every version, review, allocation, publication,
grant, audit entry and account is found again, on the merged units of the tree, and the storage
API reads it as the old code did. It also runs back."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
import sqlalchemy as sa
from legacy_db import put
from sqlalchemy.orm import Session
from test_storage_support import BACKENDS, new_database, shipped_toml

from budget_planner.storage import accounts
from budget_planner.storage import db as storage_db
from budget_planner.storage import repository as repo
from budget_planner.storage.models import (
    Allocation,
    AuditLog,
    LateGrant,
    PublishedAllocation,
    Review,
    Round,
    Unit,
    User,
    Version,
)

AT = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)
PASSWORD = "迁移前的密码-2024"


def _old_toml(name: str) -> str:
    """A round file as stored before the tree: no ``[collector]`` (only the issuer)."""
    text = shipped_toml(name)
    start = text.index("[collector]")
    return text[:start] + text[text.index("[requirements", start) :]


def _round(
    engine, round_id: str, year: int, toml: str, issuer: str, title: str, status: str = "open"
) -> None:
    put(
        engine,
        "rounds",
        id=round_id,
        year=year,
        title=title,
        issuer=issuer,
        deadline=dt.date(year - 1, 12, 15),
        status=status,
        config_toml=toml,
        created_at=AT.replace(year=year - 1),
    )


def _unit(engine, round_id: str, position: int, short: str, contact: str = "") -> int:
    return put(
        engine,
        "units",
        round_id=round_id,
        position=position,
        short_name=short,
        full_name=f"{short}市场监督管理局（知识产权局）",
        contact=contact,
        phone="",
    )


def _version(engine, submission: int, number: int, sha: str, total: str, state: str) -> int:
    return put(
        engine,
        "versions",
        submission_id=submission,
        number=number,
        blob_sha256=sha,
        original_name=f"清远市-表四-第{number}版.xlsx",
        sheet="Sheet1",
        uploaded_by_name="清远市",
        on_behalf=False,
        uploaded_at=AT,
        report_json={"ok": True, "issues": [], "total": total},
        has_errors=False,
        total=Decimal(total),
        rows_count=1,
        submitted_at=AT,
        approved_at=AT if state == "approved" else None,
        after_approval=False,
        state=state,
    )


@pytest.fixture(params=BACKENDS)
def at_0006(request, tmp_path):
    """A database at 0006 holding what that code stored: the province's 2023 and 2024 rounds (each
    with its own 清远市 and 韶关市 rows, as units belonged to rounds), Hengyang's round, versions
    approved and returned, reviews, 核定金额, a publication, a 补报 grant, control numbers, audit
    entries, and accounts of every old role — one unit account still on the 2023 round's unit."""
    url, drop = new_database(request.param, tmp_path)
    engine = storage_db.make_engine(url, tmp_path)
    storage_db.upgrade(engine, "0006")
    province_issuer = "广东省市场监督管理局（知识产权局）"
    _round(
        engine, "guangdong-2023", 2024 - 1, _old_toml("guangdong-2024"), province_issuer, "2023年度"
    )
    _round(engine, "guangdong-2024", 2024, _old_toml("guangdong-2024"), province_issuer, "2024年度")
    hengyang_issuer = "衡阳市市场监督管理局（知识产权局）"
    # a round of another office, closed: the old site worked on the province's open round
    _round(
        engine, "hengyang-2024", 2024, _old_toml("hengyang-2024"), hengyang_issuer, "衡阳", "closed"
    )
    ids = {
        "qy23": _unit(engine, "guangdong-2023", 0, "清远市", "旧联系人"),
        "sg23": _unit(engine, "guangdong-2023", 1, "韶关市"),
        "sg24": _unit(engine, "guangdong-2024", 0, "韶关市"),
        "qy24": _unit(engine, "guangdong-2024", 1, "清远市", "新联系人"),
        "ly24": _unit(engine, "hengyang-2024", 0, "耒阳市"),
    }
    sha = hashlib.sha256(b"x").hexdigest()
    put(engine, "blobs", sha256=sha, data=b"x", size=1, created_at=AT)
    hashed = accounts.hash_password(PASSWORD)
    users = {}
    for name, role, unit in (
        ("admin", "admin", None),
        ("finance", "finance", None),
        ("清远市", "unit", ids["qy24"]),
        ("韶关市", "unit", ids["sg23"]),  # created in 2023, never moved
        ("耒阳市", "unit", ids["ly24"]),
    ):
        users[name] = put(
            engine,
            "users",
            username=name,
            password_hash=hashed,
            role=role,
            unit_id=unit,
            must_change_password=False,
            active=True,
            created_at=AT,
        )
    versions = {}
    for round_id, unit, states in (
        ("guangdong-2023", ids["qy23"], ["approved"]),
        ("guangdong-2024", ids["qy24"], ["returned", "approved"]),
        ("guangdong-2024", ids["sg24"], ["submitted"]),
    ):
        thread = put(
            engine,
            "submissions",
            round_id=round_id,
            unit_id=unit,
            table_id="表四",
            slot="",
            status=states[-1],
            locked=states[-1] == "approved",
            updated_at=AT,
        )
        for number, state in enumerate(states, 1):
            version = _version(engine, thread, number, sha, f"{40 + number}", state)
            versions[(round_id, unit, number)] = version
            put(
                engine,
                "project_rows",
                version_id=version,
                position=0,
                sheet="Sheet1",
                excel_row=6,
                amount_cell="E6",
                category="知识产权高质量创造",
                name="专利导航项目",
                key="清远市|表四|知识产权高质量创造|专利导航项目",
                amount=Decimal(f"{40 + number}"),
                values_json={},
            )
            if state in ("approved", "returned"):
                put(
                    engine,
                    "reviews",
                    version_id=version,
                    decision="approve" if state == "approved" else "return",
                    comment="" if state == "approved" else "请补充绩效",
                    by_id=users["admin"],
                    by_name="admin",
                    at=AT,
                )
    key = "清远市|表四|知识产权高质量创造|专利导航项目"
    for round_id, owner, amount in (
        ("guangdong-2023", "qy23", "30"),
        ("guangdong-2024", "qy24", "40"),
    ):
        put(
            engine,
            "allocations",
            round_id=round_id,
            unit_id=ids[owner],
            key=key,
            amount=Decimal(amount),
            reason="压缩规模",
            by_id=users["finance"],
            by_name="finance",
            at=AT,
        )
        put(
            engine,
            "control_numbers",
            round_id=round_id,
            unit_id=ids[owner],
            amount=Decimal(100),
            by_name="finance",
            at=AT,
        )
    publication = put(
        engine, "publications", round_id="guangdong-2023", number=1, by_name="finance", at=AT
    )
    put(
        engine,
        "published_allocations",
        publication_id=publication,
        unit_id=ids["qy23"],
        key=key,
        table_id="表四",
        category="知识产权高质量创造",
        project="专利导航项目",
        requested=Decimal(41),
        amount=Decimal(30),
        reason="压缩规模",
    )
    put(
        engine,
        "late_grants",
        round_id="guangdong-2024",
        unit_id=ids["sg24"],
        until=dt.date(2024, 1, 5),
        by_name="admin",
        at=AT,
    )
    entries: list[tuple[str | None, str, str]] = [
        ("guangdong-2023", "qy23", "upload"),
        ("guangdong-2024", "qy24", "approve"),
        (None, "sg23", "user.created"),
    ]
    for in_round, about, action in entries:
        put(
            engine,
            "audit_log",
            at=AT,
            username="admin",
            action=action,
            round_id=in_round,
            unit_id=ids[about],
            detail="",
        )
    yield engine, ids, versions, users
    engine.dispose()
    drop()


def test_every_version_review_allocation_and_account_is_found_on_the_tree(at_0006):
    engine, ids, versions, users = at_0006
    storage_db.upgrade(engine)
    assert storage_db.current_revision(engine) == storage_db.head_revision()
    with Session(engine) as db:
        # one lasting 清远市 and one 韶关市 under 广东省; 耒阳市 under 衡阳市, a root of its own
        province = db.scalars(sa.select(Unit).where(Unit.short_name == "广东省")).one()
        hengyang = db.scalars(sa.select(Unit).where(Unit.short_name == "衡阳市")).one()
        assert (province.parent_id, province.full_name) == (
            None,
            "广东省市场监督管理局（知识产权局）",
        )
        qingyuan = db.scalars(sa.select(Unit).where(Unit.short_name == "清远市")).one()
        shaoguan = db.scalars(sa.select(Unit).where(Unit.short_name == "韶关市")).one()
        assert (qingyuan.id, shaoguan.id) == (ids["qy23"], ids["sg23"])  # the older rows kept
        assert qingyuan.parent_id == shaoguan.parent_id == province.id
        assert qingyuan.contact == "新联系人"  # the newest round's contacts
        laiyang = db.get(Unit, ids["ly24"])
        assert laiyang is not None and laiyang.parent_id == hengyang.id
        assert db.get(Unit, ids["qy24"]) is None and db.get(Unit, ids["sg24"]) is None
        assert db.scalar(sa.select(sa.func.count()).select_from(Unit)) == 5
        # the rounds: collected by their issuer's unit, members in their own order
        rounds = {r.id: r for r in db.scalars(sa.select(Round))}
        assert {r: s.collector.short_name for r, s in rounds.items()} == {
            "guangdong-2023": "广东省",
            "guangdong-2024": "广东省",
            "hengyang-2024": "衡阳市",
        }
        assert [u.short_name for u in rounds["guangdong-2023"].units] == ["清远市", "韶关市"]
        assert [u.short_name for u in rounds["guangdong-2024"].units] == ["韶关市", "清远市"]
        # every version, on its thread of the merged unit, state and total as stored
        found = {
            (v.submission.round_id, v.submission.unit.short_name, v.number): (v.state, v.total)
            for v in db.scalars(sa.select(Version))
        }
        assert found == {
            ("guangdong-2023", "清远市", 1): ("approved", Decimal(41)),
            ("guangdong-2024", "清远市", 1): ("returned", Decimal(41)),
            ("guangdong-2024", "清远市", 2): ("approved", Decimal(42)),
            ("guangdong-2024", "韶关市", 1): ("submitted", Decimal(41)),
        }
        assert all(db.get(Version, v) is not None for v in versions.values())
        reviews = {(r.version_id, r.decision, r.comment) for r in db.scalars(sa.select(Review))}
        assert reviews == {
            (versions[("guangdong-2023", ids["qy23"], 1)], "approve", ""),
            (versions[("guangdong-2024", ids["qy24"], 1)], "return", "请补充绩效"),
            (versions[("guangdong-2024", ids["qy24"], 2)], "approve", ""),
        }
        assert {(a.round_id, a.unit_id, a.amount) for a in db.scalars(sa.select(Allocation))} == {
            ("guangdong-2023", qingyuan.id, Decimal(30)),
            ("guangdong-2024", qingyuan.id, Decimal(40)),
        }
        assert [p.unit_id for p in db.scalars(sa.select(PublishedAllocation))] == [qingyuan.id]
        assert [g.unit_id for g in db.scalars(sa.select(LateGrant))] == [shaoguan.id]
        assert {(e.round_id, e.unit_id) for e in db.scalars(sa.select(AuditLog))} == {
            ("guangdong-2023", qingyuan.id),
            ("guangdong-2024", qingyuan.id),
            (None, shaoguan.id),
        }
        # every account, on its unit, holding what its old role did, its password unchanged
        people = {u.username: u for u in db.scalars(sa.select(User))}
        homes = {n: (u.unit.short_name if u.unit else None, u.holdings) for n, u in people.items()}
        assert homes == {
            "admin": ("广东省", (repo.Holding.REVIEWER,)),
            "finance": ("广东省", (repo.Holding.FINANCE,)),
            "清远市": ("清远市", ()),
            "韶关市": ("韶关市", ()),
            "耒阳市": ("耒阳市", ()),
        }
        assert {u.id for u in people.values()} == set(users.values())
        assert all(repo.check_password(u, PASSWORD) for u in people.values())

        # and the site's functions read it: roles per round from the tree, what counts, the scope
        admin, sg = people["admin"], people["韶关市"]
        assert repo.round_roles(db, admin, "guangdong-2024").reviewer
        assert not repo.round_roles(db, admin, "hengyang-2024").visible
        assert [r.id for r, _ in repo.account_rounds(db, sg)] == [
            "guangdong-2024",
            "guangdong-2023",
        ]
        counted = repo.counted_versions(db, "guangdong-2024", scope=admin)
        assert sorted((c.submission.unit.short_name, c.version.number) for c in counted) == [
            ("清远市", 2),
            ("韶关市", 1),
        ]
        assert [
            c.submission.unit.short_name
            for c in repo.counted_versions(db, "guangdong-2024", scope=sg)
        ] == ["韶关市"]
        assert repo.late_grants(db, "guangdong-2024") == {"韶关市": dt.date(2024, 1, 5)}


def test_the_migration_runs_back(at_0006):
    engine, _ids, versions, _users = at_0006
    storage_db.upgrade(engine)
    storage_db.downgrade(engine, "0006")
    assert storage_db.current_revision(engine) == "0006"
    with engine.connect() as conn:
        units = conn.execute(sa.text("SELECT round_id, short_name FROM units")).all()
        assert sorted(units) == sorted(
            [
                ("guangdong-2023", "清远市"),
                ("guangdong-2023", "韶关市"),
                ("guangdong-2024", "清远市"),
                ("guangdong-2024", "韶关市"),
                ("hengyang-2024", "耒阳市"),
            ]
        )
        threads = conn.execute(
            sa.text(
                "SELECT s.round_id, u.round_id, u.short_name FROM submissions s"
                " JOIN units u ON u.id = s.unit_id"
            )
        ).all()
        assert all(mine == its for mine, its, _name in threads) and len(threads) == 3
        roles = dict(conn.execute(sa.text("SELECT username, role FROM users")).all())
        assert roles == {
            "admin": "admin",
            "finance": "finance",
            "清远市": "unit",
            "韶关市": "unit",
            "耒阳市": "unit",
        }
        assert conn.execute(sa.text("SELECT count(*) FROM versions")).scalar() == len(versions)
    storage_db.upgrade(engine)  # and forward again
    assert storage_db.current_revision(engine) == storage_db.head_revision()

"""The site under test (flaskr's conftest pattern, as importable fixtures and helpers).

A test module makes its fixtures from these functions (``app``: ``make_app(tmp_path, monkeypatch)``,
``site``: ``Site(app)``, clients by username, signed in). Every app gets its own SQLite database in the test's tmp folder (never ``DATABASE_URL``: CI points that at
PostgreSQL), the province round loaded and open, and these accounts (password ``PASSWORD``):
admin and finance of 广东省 (holding 审核 and 财务), two accounts of 清远市 (qingyuan, qingyuan2)
and one of 韶关市 (shaoguan); with ``county=True`` also 清远市's county round and its accounts.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import TestResponse, encode_multipart

ROUND_ID = "guangdong-2024"
COUNTY_ROUND_ID = "qingyuan-2024"  # 清远市 collecting from its 县市区, open beside the province's
PASSWORD = "secret-pass-1"
ACCOUNTS = {  # username → (unit, what it holds there: 审核 "reviewer", 财务 "finance")
    "admin": ("广东省", ("reviewer",)),
    "finance": ("广东省", ("finance",)),
    "qingyuan": ("清远市", ()),
    "qingyuan2": ("清远市", ()),
    "shaoguan": ("韶关市", ()),
}
# the county round's people: 清远市's 审核 (a submitter in the province's round, the reviewer of
# its own) and 财务, and two 县市区
COUNTY_ACCOUNTS = {
    "qingyuan_lead": ("清远市", ("reviewer",)),
    "qingyuan_finance": ("清远市", ("finance",)),
    "qingcheng": ("清城区", ()),
    "yingde": ("英德市", ()),
}
UNIT_ACCOUNT = {"清远市": "qingyuan", "韶关市": "shaoguan"}  # one account of each unit
CONTROL = {"清远市": Decimal("100"), "韶关市": Decimal("60")}
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def site_config(tmp_path: Path, **more) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        **more,
    }


def round_toml(round_id: str) -> str:
    return (
        resources.files("budget_planner.templates.rounds")
        .joinpath(f"{round_id}.toml")
        .read_text("utf-8")
    )


def load_rounds(session, *round_ids: str) -> None:
    """Load each shipped round into the tree and open it."""
    from budget_planner.storage import repository
    from budget_planner.templates.round import load_round

    for round_id in round_ids:
        repository.load_round_into_db(session, load_round(round_id), round_toml(round_id))
        repository.open_round(session, round_id)


def make_accounts(session, accounts: dict[str, tuple[str, tuple[str, ...]]]) -> None:
    from budget_planner.storage import repository

    for username, (unit_name, holds) in accounts.items():
        unit = repository.find_one(session, unit_name)
        assert unit is not None, unit_name
        repository.create_user(
            session,
            username,
            PASSWORD,
            unit,
            reviewer="reviewer" in holds,
            finance="finance" in holds,
            must_change_password=False,
        )


def seed(
    app: Flask,
    accounts: dict[str, tuple[str, tuple[str, ...]]] = ACCOUNTS,
    county: bool = False,
) -> None:
    """The province round (open), control numbers for 清远市 and 韶关市, and the accounts; with
    ``county``, 清远市's county round open beside it and its accounts (``COUNTY_ACCOUNTS``)."""
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        load_rounds(session, ROUND_ID, *((COUNTY_ROUND_ID,) if county else ()))
        for unit, amount in CONTROL.items():
            repository.set_control_number(session, ROUND_ID, unit, amount, actor=None)
        make_accounts(session, {**accounts, **(COUNTY_ACCOUNTS if county else {})})


def make_app(tmp_path: Path, monkeypatch, county: bool = False, **config) -> Flask:
    """A seeded site in ``tmp_path`` (a test module's ``app`` fixture calls this)."""
    from budget_planner.storage import accounts
    from budget_planner.validators.intake.extract import read_workbook
    from budget_planner.web import create_app

    monkeypatch.setattr(accounts, "PASSWORD_METHOD", "pbkdf2:sha256:1000")  # fast hashing in tests
    config.setdefault("VALIDATION_PARSE", read_workbook)  # in-process; None: the worker pool
    made = create_app(site_config(tmp_path, **config))
    seed(made, county=county)
    return made


@dataclass
class SiteClient:
    """A browser: it reads the CSRF token from the page as a form would carry it."""

    http: FlaskClient
    username: str | None = None

    def get(self, url: str, **kw) -> TestResponse:
        return self.http.get(url, **kw)

    def csrf(self) -> str:
        page = self.http.get("/password" if self.username else "/login")
        found = _CSRF.search(page.get_data(as_text=True))
        assert found, "no CSRF token on the page"
        return found.group(1)

    def post(self, url: str, data: dict | None = None, token: bool = True, **kw) -> TestResponse:
        data = dict(data or {})
        if token:
            data["csrf_token"] = self.csrf()
        return self.shown(self.http.post(url, data=data, **kw))

    def shown(self, response: TestResponse) -> TestResponse:
        """A POST answered with a page comes as 303 to that page (web/after_post.py): followed,
        as a browser follows it."""
        location = response.headers.get("Location", "")
        if response.status_code == 303 and "shown=" in location:
            return self.http.get(location)
        return response

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        response = self.post("/login", {"username": username, "password": password})
        if response.status_code == 302 and "/login" not in response.headers["Location"]:
            self.username = username
        return response

    def logout(self) -> TestResponse:
        response = self.post("/logout")
        self.username = None
        return response

    def upload(
        self,
        files: list[tuple[bytes, str]],
        attachment: tuple[bytes, str] | None = None,
        unit: str | None = None,
        token: bool = True,
    ) -> TestResponse:
        """Post the upload form (admin: on behalf of ``unit``) as a browser encodes it."""
        fields: list[tuple[str, object]] = [
            ("files", FileStorage(io.BytesIO(d), filename=n)) for d, n in files
        ]
        if attachment is not None:
            fields.append(("attachment", FileStorage(io.BytesIO(attachment[0]), attachment[1])))
        url = "/upload"
        if unit is not None:
            fields.append(("unit", unit))
            url = "/admin/upload"
        if token:
            fields.append(("csrf_token", self.csrf()))
        # encoded in memory: the test client's own temporary file is left open when the site
        # refuses the body unread (413)
        boundary, body = encode_multipart(MultiDict(fields))
        return self.shown(
            self.http.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
        )


class Site:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._clients: dict[str, SiteClient] = {}

    def __getitem__(self, username: str) -> SiteClient:
        if username not in self._clients:
            client = SiteClient(self.app.test_client())
            assert client.login(username).status_code == 302
            self._clients[username] = client
        return self._clients[username]

    def anonymous(self) -> SiteClient:
        return SiteClient(self.app.test_client())

    def session(self):
        """A database session (inside an app context the caller enters)."""
        from budget_planner.web import db

        return db.session()


# ---------------------------------------------------------------- files and a populated round

SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # the stamped scan (a PDF by its magic)


def table4(unit: str = "清远市", first: object = 50, second: object = 30, **kw) -> bytes:
    """A clean 表四 of two projects (专利导航项目 and 知识产权纠纷多元化解), as a unit fills it."""
    from builders import make_table, project

    rows = [
        project("知识产权高质量创造", "专利导航项目", first),
        project("强化知识产权保护", "知识产权纠纷多元化解", second),
    ]
    return make_table("表四", unit, rows, **kw)


@dataclass
class World:
    """Each unit's own objects, by unit short name: what an account may and may not reach."""

    unit_id: dict[str, int]
    submission_id: dict[str, int]
    version_id: dict[str, int]
    attachment_id: dict[str, int]
    user_id: dict[str, int]
    round_of: dict[str, str] = field(default_factory=dict)  # the round the unit's objects are in
    row_id: dict[str, int] = field(default_factory=dict)  # the first project row of its 表四


COUNTY_UNIT_ACCOUNT = {"清城区": "qingcheng", "英德市": "yingde"}  # in 清远市's county round


def populate(site: Site, county: bool = False) -> World:
    """清远市 and 韶关市 each upload a clean 表四 with a stamped scan in the province's round; with
    ``county``, 清城区 and 英德市 do the same in 清远市's county round."""
    from budget_planner.storage import repository

    uploads = [(unit, name, ROUND_ID) for unit, name in UNIT_ACCOUNT.items()]
    if county:
        uploads += [(unit, name, COUNTY_ROUND_ID) for unit, name in COUNTY_UNIT_ACCOUNT.items()]
    for unit, username, _round_id in uploads:
        response = site[username].upload([(table4(unit), f"{unit}-表四.xlsx")], (SCAN, "盖章.pdf"))
        assert response.status_code == 200, response.get_data(as_text=True)
    world = World({}, {}, {}, {}, {})
    with site.app.app_context():
        session = site.session()
        for unit, username, round_id in uploads:
            found = repository.find_unit(session, round_id, unit, scope=None)
            assert found is not None
            (thread,) = repository.submissions(session, round_id, scope=None, unit_id=found.id)
            (version,) = thread.versions
            (scan,) = version.attachments
            world.unit_id[unit] = found.id
            world.submission_id[unit] = thread.id
            world.version_id[unit] = version.id
            world.attachment_id[unit] = scan.id
            world.row_id[unit] = version.rows[0].id
            world.round_of[unit] = round_id
            account = repository.get_user(session, username)
            assert account is not None
            world.user_id[unit] = account.id
    return world

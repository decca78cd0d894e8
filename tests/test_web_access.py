"""Every route × every role, generated from the URL map: a new endpoint without an entry here fails.

A unit account is also sent to every other unit's URL (its versions, submissions, scans, unit page,
and templates by ``?unit=``): all are refused with 404, as if they did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import url_for
from test_storage_support import BACKENDS, new_database
from webclient import ROUND_ID, Site, make_app, populate

SIGNED_IN = ("admin", "finance", "unit")
PROVINCE = ("admin", "finance")  # the provincial office's pages: every unit's data


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    """The site on SQLite, and on PostgreSQL (a schema of its own) when DATABASE_URL names one."""
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


@pytest.fixture
def site(app):
    return Site(app)


@dataclass(frozen=True)
class Expect:
    method: str
    roles: tuple[str, ...]  # who may use it; "anyone" for the login page
    ok: int = 200  # what an allowed, in-scope request answers
    admin_ok: int | None = None  # when admin is answered differently


EXPECT = {
    "auth.login": Expect("GET", ("anyone",)),
    "auth.logout": Expect("POST", SIGNED_IN, 302),
    "auth.change_password": Expect("GET", SIGNED_IN),
    "dashboard.index": Expect("GET", SIGNED_IN),
    "dashboard.unit": Expect("GET", SIGNED_IN),
    "downloads.index": Expect("GET", SIGNED_IN),
    "downloads.template": Expect("GET", SIGNED_IN),
    "downloads.template_set": Expect("GET", SIGNED_IN),
    "downloads.version_file": Expect("GET", SIGNED_IN),
    "downloads.annotated": Expect("GET", SIGNED_IN),
    "downloads.attachment": Expect("GET", SIGNED_IN),
    "uploads.index": Expect("GET", ("unit", "admin"), 200, admin_ok=302),  # admin → 代为上传
    "review.version": Expect("GET", SIGNED_IN),
    "review.submission": Expect("GET", SIGNED_IN),
    "review.act": Expect("POST", ("unit",), 302),  # 撤回 (withdraw): the unit's own action
    "review.decide": Expect("POST", ("admin",), 302),
    "review.api_version": Expect("GET", SIGNED_IN),
    "admin.index": Expect("GET", ("admin",)),
    "admin.open_round": Expect("POST", ("admin",), 302),
    "admin.close_round": Expect("POST", ("admin",)),  # the confirmation page
    "admin.grant_late": Expect("POST", ("admin",), 302),
    "admin.create_accounts": Expect("POST", ("admin",)),  # the confirmation page
    "admin.reset_password": Expect("POST", ("admin",)),  # the confirmation page
    "admin.unlock": Expect("POST", ("admin",), 302),
    "admin.set_active": Expect("POST", ("admin",), 302),
    "admin.upload": Expect("GET", ("admin",)),
    "admin.audit": Expect("GET", ("admin",)),
    "history.unit": Expect("GET", SIGNED_IN),
    "history.receipt": Expect("GET", SIGNED_IN),
    "history.changes": Expect("GET", SIGNED_IN),
    "reminders.index": Expect("GET", PROVINCE),
    "reminders.workbook": Expect("GET", PROVINCE),
    "reconcile.index": Expect("GET", PROVINCE),
    "reconcile.control": Expect("POST", PROVINCE, 302),
    "reconcile.control_file": Expect("POST", PROVINCE, 302),  # no file chosen: back with a note
    "reconcile.unit": Expect("GET", PROVINCE),
    "reconcile.publish": Expect("POST", PROVINCE, 302),  # nothing to publish: back with a note
    "exports.index": Expect("GET", PROVINCE),
    "exports.consolidated": Expect("GET", PROVINCE),
    "exports.allocation_plan": Expect("GET", PROVINCE),
    "exports.audit_log": Expect("GET", ("admin",)),
    "account.token": Expect("GET", SIGNED_IN),
    "account.new_token": Expect("POST", SIGNED_IN),
    "account.revoke_token": Expect("POST", SIGNED_IN, 302),
    "api.status": Expect("GET", SIGNED_IN),
    "api.upload": Expect("POST", ("unit", "admin"), 400),  # no file sent: a JSON error
    "api.act": Expect("POST", ("unit", "admin")),  # submit (admin: on the unit's behalf)
    "api.submission": Expect("GET", SIGNED_IN),
    "api.allocations": Expect("GET", SIGNED_IN),
    "api.aggregate": Expect("GET", PROVINCE),
}
# endpoints that take the unit from the query string (admin and finance choose; a unit may not)
UNIT_BY_QUERY = {"downloads.index", "downloads.template", "downloads.template_set"}
POST_DATA = {
    "review.decide": {"decision": "approve", "comment": ""},
    "admin.set_active": {"active": "1"},
}
# the workflow action each generic endpoint is called with: api.act (before review.*) submits,
# review.act then withdraws the submission (a unit's action; 审核 may never withdraw: 403)
ACTION_ARG = {"api.act": "submit", "review.act": "withdraw"}
ROLE_OF = {"admin": "admin", "finance": "finance", "qingyuan": "unit", "shaoguan": "unit"}
UNIT_OF = {"qingyuan": "清远市", "shaoguan": "韶关市"}
OTHER = {"清远市": "韶关市", "韶关市": "清远市"}


def is_api(endpoint: str) -> bool:
    return endpoint.startswith(("api.", "review.api"))


def endpoints(app) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.endpoint
    )


def test_every_endpoint_has_an_expectation(app):
    assert {r.endpoint for r in endpoints(app)} == set(EXPECT)


def url(app, rule, world, unit: str) -> str:
    """The rule's URL with ``unit``'s objects (KeyError for an argument no one thought about)."""
    ids = {
        "version_id": world.version_id,
        "submission_id": world.submission_id,
        "attachment_id": world.attachment_id,
        "unit_id": world.unit_id,
        "user_id": world.user_id,
    }
    args = {}
    for name in rule.arguments:
        if name == "table_id":
            args[name] = "表四"
        elif name == "action":
            args[name] = ACTION_ARG[rule.endpoint]
        else:
            args[name] = ids[name][unit]
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def call(client, expect: Expect, target: str, endpoint: str):
    if expect.method == "GET":
        return client.get(target)
    return client.post(target, POST_DATA.get(endpoint, {}))


def expected(expect: Expect, role: str) -> int:
    if role not in expect.roles:
        return 403
    if role == "admin" and expect.admin_ok is not None:
        return expect.admin_ok
    return expect.ok


# POSTs that end the session or change what the others see go last
LAST = ["admin.close_round", "admin.reset_password", "auth.logout"]


def ordered(app) -> list:
    rules = endpoints(app)
    return sorted(rules, key=lambda r: LAST.index(r.endpoint) + 1 if r.endpoint in LAST else 0)


@pytest.mark.parametrize("username", ["admin", "finance", "qingyuan", "shaoguan"])
def test_every_route_for_every_role(app, site, username):
    world = populate(site)
    role = ROLE_OF[username]
    own = UNIT_OF.get(username, "清远市")
    client = site[username]
    wrong = []
    for rule in ordered(app):
        expect = EXPECT[rule.endpoint]
        # signed in, the login page sends one on to the dashboard
        want = 302 if rule.endpoint == "auth.login" else expected(expect, role)
        got = call(client, expect, url(app, rule, world, own), rule.endpoint).status_code
        if got != want:
            wrong.append((rule.endpoint, got, want))
    assert wrong == []


@pytest.mark.parametrize("username", ["qingyuan", "shaoguan"])
def test_a_unit_reaches_no_other_units_data(app, site, username):
    world = populate(site)
    other = OTHER[UNIT_OF[username]]
    client = site[username]
    reached = []
    for rule in endpoints(app):
        expect = EXPECT[rule.endpoint]
        if "unit" not in expect.roles and "anyone" not in expect.roles:
            continue  # refused with 403 whatever the ids (the matrix above)
        target = url(app, rule, world, other)
        if rule.endpoint in UNIT_BY_QUERY:
            target += f"?unit={other}"
        elif not rule.arguments:
            continue  # no ids in it: nothing of another unit to ask for
        response = call(client, expect, target, rule.endpoint)
        if response.status_code != 404:
            reached.append((rule.endpoint, response.status_code))
        else:
            assert "页面不存在" in response.get_data(as_text=True) or is_api(rule.endpoint)
    assert reached == []
    # and nothing changed: the other unit's 表四 was not submitted by the attempt
    assert "已提交" not in site["admin"].get(f"/submissions/{world.submission_id[other]}").text


def test_anonymous_is_sent_to_login(app, site):
    world = populate(site)
    client = site.anonymous()
    wrong = []
    for rule in endpoints(app):
        expect = EXPECT[rule.endpoint]
        response = call(client, expect, url(app, rule, world, "清远市"), rule.endpoint)
        if rule.endpoint == "auth.login":
            want = 200
        elif is_api(rule.endpoint):
            want = 401
        else:
            want = 302
        if response.status_code != want or (
            want == 302 and "/login" not in response.headers["Location"]
        ):
            wrong.append((rule.endpoint, response.status_code))
    assert wrong == []


def test_api_errors_are_json(app, site):
    populate(site)
    anonymous = site.anonymous().get("/api/v1/versions/1")
    assert anonymous.status_code == 401
    assert anonymous.json == {
        "error": {"status": 401, "title": "请先登录", "message": "请先登录后再访问。"}
    }
    missing = site["qingyuan"].get("/api/v1/versions/999")
    assert missing.status_code == 404 and missing.json["error"]["title"] == "页面不存在"


def test_api_gives_the_report_of_ones_own_version(app, site):
    world = populate(site)
    body = site["qingyuan"].get(f"/api/v1/versions/{world.version_id['清远市']}").json
    assert (body["unit"], body["table"], body["number"], body["status"], body["state"]) == (
        "清远市",
        "表四",
        1,
        "draft",
        "draft",
    )
    assert body["report"]["total"] == "80" and body["report"]["ok"] is True
    assert body["file"] == "清远市-表四.xlsx"
    assert ROUND_ID  # the round the fixtures loaded

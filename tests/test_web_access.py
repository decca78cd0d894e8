"""Every route × every role in both demo rounds, generated from the URL map: a new endpoint without
an entry here fails.

Two rounds are open at once, as in the demo: the province's (广东省 collecting from its 地市) and
清远市's county round (清远市 collecting from its 县市区). Each account is tried in each round
(``?round=``) with the role the unit tree gives it there (``storage.roles.round_roles``):

| account | 广东 round | 清远市 county round |
| --- | --- | --- |
| admin (广东省, 审核) | 审核 | — |
| finance (广东省, 财务) | 财务 | — |
| qingyuan_lead (清远市, 审核) | 报送单位 of 清远市 | 审核 |
| qingyuan_finance (清远市, 财务) | 报送单位 of 清远市 | 财务 |
| shaoguan (韶关市) | 报送单位 of 韶关市 | — |
| qingcheng (清城区), yingde (英德市) | — | 报送单位 of their county |

In a round it has no part in, every page, export and API call of that round answers 404 (it
does not exist for the account). A submitter is also sent to every other unit's URL (versions,
submissions, scans, unit pages, templates by ``?unit=``) and to its own unit's objects of the
other round: all 404, as if they did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import url_for
from test_storage_support import BACKENDS, new_database
from webclient import COUNTY_ROUND_ID, ROUND_ID, Site, make_app, populate

SUBMITTER, REVIEWER, FINANCE = "submitter", "reviewer", "finance"
IN_ROUND = (SUBMITTER, REVIEWER, FINANCE)
COLLECTING = (REVIEWER, FINANCE)  # the collecting office's pages: every member's data


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    """The site on SQLite, and on PostgreSQL (a schema of its own) when DATABASE_URL names one,
    with both rounds open and their accounts."""
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, county=True, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


@pytest.fixture
def site(app):
    return Site(app)


@dataclass(frozen=True)
class Expect:
    method: str
    roles: tuple[str, ...]  # who may use it in a round; "anyone" for the login page
    ok: int = 200  # what an allowed, in-scope request answers
    reviewer_ok: int | None = None  # when 审核 is answered differently
    round_free: bool = False  # the account's own pages: the same in any round


EXPECT = {
    "auth.login": Expect("GET", ("anyone",), round_free=True),
    "auth.logout": Expect("POST", IN_ROUND, 302, round_free=True),
    "auth.change_password": Expect("GET", IN_ROUND, round_free=True),
    "account.settings": Expect("GET", IN_ROUND, round_free=True),
    "account.token": Expect("GET", IN_ROUND, round_free=True),
    "help_page.index": Expect("GET", IN_ROUND, round_free=True),  # and before sign-in
    "account.new_token": Expect("POST", IN_ROUND, round_free=True),
    "account.revoke_token": Expect("POST", IN_ROUND, 302, round_free=True),
    "rounds.select": Expect("POST", IN_ROUND, 302),
    "dashboard.index": Expect("GET", IN_ROUND),
    "dashboard.unit": Expect("GET", IN_ROUND),
    "downloads.index": Expect("GET", IN_ROUND),
    "downloads.template": Expect("GET", IN_ROUND),
    "downloads.template_set": Expect("GET", IN_ROUND),
    "downloads.version_file": Expect("GET", IN_ROUND),
    "downloads.annotated": Expect("GET", IN_ROUND),
    "downloads.attachment": Expect("GET", IN_ROUND),
    "uploads.index": Expect("GET", (SUBMITTER, REVIEWER), 200, reviewer_ok=302),  # → 代为上传
    "review.version": Expect("GET", IN_ROUND),
    "review.submission": Expect("GET", IN_ROUND),
    "review.act": Expect("POST", (SUBMITTER,), 302),  # 撤回 (withdraw): the unit's own action
    "review.decide": Expect("POST", (REVIEWER,), 302),
    "review.api_version": Expect("GET", IN_ROUND),
    "admin.index": Expect("GET", (REVIEWER,)),
    "admin.open_round": Expect("POST", (REVIEWER,), 302),
    "admin.close_round": Expect("POST", (REVIEWER,)),  # the confirmation page
    "admin.grant_late": Expect("POST", (REVIEWER,), 302),
    "admin.create_accounts": Expect("POST", (REVIEWER,)),  # the confirmation page
    "admin.reset_password": Expect("POST", (REVIEWER,)),  # the confirmation page
    "admin.unlock": Expect("POST", (REVIEWER,), 302),
    "admin.set_active": Expect("POST", (REVIEWER,), 302),
    "admin.upload": Expect("GET", (REVIEWER,)),
    "admin.audit": Expect("GET", (REVIEWER,)),
    "units.index": Expect("GET", (REVIEWER,)),
    "units.add": Expect("POST", (REVIEWER,), 302),  # no short name: back with a note
    "units.edit": Expect("POST", (REVIEWER,), 302),
    "units.add_account": Expect("POST", (REVIEWER,), 302),  # no username: back with a note
    "units.holdings": Expect("POST", (REVIEWER,), 302),
    "history.unit": Expect("GET", IN_ROUND),
    "history.receipt": Expect("GET", IN_ROUND),
    "history.changes": Expect("GET", IN_ROUND),
    "reminders.index": Expect("GET", COLLECTING),
    "reminders.workbook": Expect("GET", COLLECTING),
    "reminders.record_copied": Expect("POST", COLLECTING, 302),
    "queue.index": Expect("GET", (REVIEWER,)),
    "round_admin.deadline": Expect("POST", (REVIEWER,), 302),  # no date given: back with a note
    "round_admin.sheet": Expect("GET", (REVIEWER,), 410),  # no such sheet: gone
    "reconcile.index": Expect("GET", COLLECTING),
    "reconcile.control": Expect("POST", COLLECTING, 302),
    "reconcile.control_file": Expect("POST", COLLECTING, 302),  # no file chosen: back with a note
    "reconcile.unit": Expect("GET", COLLECTING),
    "reconcile.publish": Expect("POST", COLLECTING, 302),  # nothing to publish: back with a note
    "exports.index": Expect("GET", COLLECTING),
    "exports.consolidated": Expect("GET", COLLECTING),
    "exports.allocation_plan": Expect("GET", COLLECTING),
    "exports.audit_log": Expect("GET", (REVIEWER,)),
    "api.status": Expect("GET", IN_ROUND),
    "api.upload": Expect("POST", (SUBMITTER, REVIEWER), 400),  # no file sent: a JSON error
    "api.act": Expect("POST", (SUBMITTER, REVIEWER)),  # submit (审核: on the unit's behalf)
    "api.submission": Expect("GET", IN_ROUND),
    "api.allocations": Expect("GET", IN_ROUND),
    "api.aggregate": Expect("GET", COLLECTING),
    "api.reports_findings": Expect("GET", COLLECTING),
    "api.reports_last_year": Expect("GET", COLLECTING),
    "years.findings": Expect("GET", COLLECTING),
    "years.index": Expect("GET", COLLECTING),
    "years.import_plan": Expect("POST", (REVIEWER,), 302),  # no file chosen: back with a note
    # 生成上报版本: a unit's own return (a unit collecting no round below is told so)
    "forwarding.index": Expect("GET", (SUBMITTER,)),
    "forwarding.create": Expect("POST", (SUBMITTER,), 302),  # nothing approved: back with a note
    # where a row came from: the only path into a county round from the round above it
    # (test_the_province_reaches_the_county_cell_behind_a_forwarded_row_and_nothing_more)
    "forwarding.source": Expect("GET", IN_ROUND),
    "forwarding.source_download": Expect("GET", IN_ROUND),
}
# endpoints that take the unit from the query string (审核 and 财务 choose; a submitter may not)
UNIT_BY_QUERY = {"downloads.index", "downloads.template", "downloads.template_set"}
POST_DATA = {
    "review.decide": {"decision": "approve", "comment": ""},
    "admin.set_active": {"active": "1"},
    "units.holdings": {},  # what the account holds: nothing (a unit's plain account)
}
# the workflow action each generic endpoint is called with: api.act (before review.*) submits,
# review.act then withdraws the submission (a unit's action; 审核 may never withdraw: 403)
ACTION_ARG = {"api.act": "submit", "review.act": "withdraw"}

# each account's part in each round (what the tree gives it); None: no part, the round is absent
PART = {
    "admin": {ROUND_ID: REVIEWER},
    "finance": {ROUND_ID: FINANCE},
    "qingyuan_lead": {ROUND_ID: SUBMITTER, COUNTY_ROUND_ID: REVIEWER},
    "qingyuan_finance": {ROUND_ID: SUBMITTER, COUNTY_ROUND_ID: FINANCE},
    "shaoguan": {ROUND_ID: SUBMITTER},
    "qingcheng": {COUNTY_ROUND_ID: SUBMITTER},
    "yingde": {COUNTY_ROUND_ID: SUBMITTER},
}
OWN_UNIT = {  # the unit whose objects a submitter reaches, by round
    ("qingyuan_lead", ROUND_ID): "清远市",
    ("qingyuan_finance", ROUND_ID): "清远市",
    ("shaoguan", ROUND_ID): "韶关市",
    ("qingcheng", COUNTY_ROUND_ID): "清城区",
    ("yingde", COUNTY_ROUND_ID): "英德市",
}
FIRST_MEMBER = {ROUND_ID: "清远市", COUNTY_ROUND_ID: "清城区"}  # what 审核 and 财务 are sent to
OTHER = {"清远市": "韶关市", "韶关市": "清远市", "清城区": "英德市", "英德市": "清城区"}
CASES = [(name, r) for name in PART for r in (ROUND_ID, COUNTY_ROUND_ID)]


def is_api(endpoint: str) -> bool:
    return endpoint.startswith(("api.", "review.api"))


def endpoints(app) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.endpoint
    )


def test_every_endpoint_has_an_expectation(app):
    assert {r.endpoint for r in endpoints(app)} == set(EXPECT)


def url(app, rule, world, unit: str, round_id: str | None = None) -> str:
    """The rule's URL with ``unit``'s objects, in ``round_id`` (the unit's own round by default)
    (KeyError for an argument no one thought about)."""
    ids = {
        "version_id": world.version_id,
        "submission_id": world.submission_id,
        "attachment_id": world.attachment_id,
        "unit_id": world.unit_id,
        "user_id": world.user_id,
        "row_id": world.row_id,
    }
    args: dict[str, Any] = {}
    for name in rule.arguments:
        if name == "table_id":
            args[name] = "表四"
        elif name == "action":
            args[name] = ACTION_ARG[rule.endpoint]
        elif name == "token":
            args[name] = "no-such-sheet"
        else:
            args[name] = ids[name][unit]
    args["round"] = round_id or world.round_of.get(unit, ROUND_ID)
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def post_data(endpoint: str, round_id: str) -> dict:
    data = dict(POST_DATA.get(endpoint, {}))
    if endpoint == "rounds.select":
        data["round_id"] = round_id
    return data


def call(client, expect: Expect, target: str, endpoint: str, round_id: str):
    if expect.method == "GET":
        return client.get(target)
    return client.post(target, post_data(endpoint, round_id))


def expected(expect: Expect, role: str | None) -> int:
    if role is None:  # no part in the round: it does not exist for the account
        return expected(expect, SUBMITTER) if expect.round_free else 404
    if role not in expect.roles:
        return 403
    if role == REVIEWER and expect.reviewer_ok is not None:
        return expect.reviewer_ok
    return expect.ok


# POSTs that end the session or change what the others see go last
LAST = ["admin.close_round", "admin.reset_password", "auth.logout"]


def ordered(app) -> list:
    rules = endpoints(app)
    return sorted(rules, key=lambda r: LAST.index(r.endpoint) + 1 if r.endpoint in LAST else 0)


def test_the_tree_gives_each_account_its_part_in_each_round(app, site):
    """The table above is what the one rule (``storage.roles.round_roles``) gives, and the round
    selector lists exactly the rounds an account has a part in."""
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        for username, parts in PART.items():
            account = repository.get_user(session, username)
            for round_id in (ROUND_ID, COUNTY_ROUND_ID):
                found = repository.round_roles(session, account, round_id)
                assert {r.value for r in found.roles} == (
                    {parts[round_id]} if round_id in parts else set()
                ), (username, round_id)
            listed = [r.id for r, _part in repository.account_rounds(session, account)]
            assert sorted(listed) == sorted(parts), username
    page = site["qingyuan_lead"].get("/").get_data(as_text=True)
    assert "2024年度清远市知识产权项目需求征集（审核）" in page  # the selector, its own first
    assert "2024年度知识产权项目需求征集（报送单位）" in page
    assert 'name="round_id"' not in site["qingcheng"].get("/").get_data(as_text=True)


@pytest.mark.parametrize(("username", "round_id"), CASES, ids=[f"{u}-{r}" for u, r in CASES])
def test_every_route_for_every_role_in_both_rounds(app, site, username, round_id):
    world = populate(site, county=True)
    role = PART[username].get(round_id)
    own = OWN_UNIT.get((username, round_id), FIRST_MEMBER[round_id])
    client = site[username]
    wrong = []
    for rule in ordered(app):
        expect = EXPECT[rule.endpoint]
        # signed in, the login page sends one on to the dashboard
        want = 302 if rule.endpoint == "auth.login" else expected(expect, role)
        target = url(app, rule, world, own, round_id)
        got = call(client, expect, target, rule.endpoint, round_id).status_code
        if got != want:
            wrong.append((rule.endpoint, got, want))
    assert wrong == []


SUBMITTERS = [(u, r) for (u, r) in OWN_UNIT]


@pytest.mark.parametrize(
    ("username", "round_id"), SUBMITTERS, ids=[f"{u}-{r}" for u, r in SUBMITTERS]
)
def test_a_submitter_reaches_no_other_units_data_nor_another_rounds(app, site, username, round_id):
    world = populate(site, county=True)
    own = OWN_UNIT[(username, round_id)]
    # another unit of the same round, then units of the other round (its own unit's, for 清远市)
    others = [(OTHER[own], round_id)] + [
        (unit, round_id) for unit, there in world.round_of.items() if there != round_id
    ]
    client = site[username]
    reached = []
    for other, asked_round in others:
        for rule in endpoints(app):
            expect = EXPECT[rule.endpoint]
            if SUBMITTER not in expect.roles or expect.round_free:
                continue  # refused with 403 whatever the ids (the matrix above), or no ids
            target = url(app, rule, world, other, asked_round)
            if rule.endpoint in UNIT_BY_QUERY:
                target += f"&unit={other}"
            elif not rule.arguments:
                continue  # no ids in it: nothing of another unit to ask for
            response = call(client, expect, target, rule.endpoint, asked_round)
            if response.status_code != 404:
                reached.append((other, rule.endpoint, response.status_code))
            else:
                assert "页面不存在" in response.get_data(as_text=True) or is_api(rule.endpoint)
    assert reached == []
    # and nothing changed: the other unit's 表四 was not submitted by the attempt
    reviewer = "admin" if round_id == ROUND_ID else "qingyuan_lead"
    thread = world.submission_id[OTHER[own]]
    assert "已提交" not in site[reviewer].get(f"/submissions/{thread}?round={round_id}").text


def test_anonymous_is_sent_to_login(app, site):
    world = populate(site, county=True)
    client = site.anonymous()
    wrong = []
    for rule in endpoints(app):
        expect = EXPECT[rule.endpoint]
        target = url(app, rule, world, "清远市")
        response = call(client, expect, target, rule.endpoint, ROUND_ID)
        if rule.endpoint in ("auth.login", "help_page.index"):
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


def _forward_qingcheng(site, world) -> tuple[int, bytes]:
    """清城区's 表四 submitted and approved in the county round, then forwarded by 清远市: the
    forwarded row's id and the county file's bytes."""
    from budget_planner.app.forwarding import forward
    from budget_planner.storage import repository
    from budget_planner.validators.intake.extract import read_workbook

    with site.app.app_context():
        session = site.session()
        county = repository.get_user(session, "qingcheng")
        lead = repository.get_user(session, "qingyuan_lead")
        version_id = world.version_id["清城区"]
        repository.act(session, version_id, county, "submit")
        repository.act(session, version_id, lead, "approve")
        done = forward(session, ROUND_ID, "清远市", actor=lead, parse=read_workbook)
        (table4,) = [s.version for s in done.stored]
        row = next(r for r in table4.rows if (r.values_json.get("source_unit") or {}).get("value"))
        county_file = repository.get_version(session, version_id, scope=None).blob.data
        return row.id, county_file


def test_the_province_reaches_the_county_cell_behind_a_forwarded_row_and_nothing_more(app, site):
    """The one path from the province's round into a county round: a forwarded row's source page
    and its file. Every other county object stays absent for the province, and the row's source
    stays absent for everyone who may not read 清远市's row."""
    world = populate(site, county=True)
    row_id, county_file = _forward_qingcheng(site, world)
    page = f"/rows/{row_id}/source?round={ROUND_ID}"
    download = f"/rows/{row_id}/source/file?round={ROUND_ID}"
    for name in ("admin", "finance", "qingyuan_lead"):
        shown = site[name].get(page)
        assert shown.status_code == 200, name
        text = shown.get_data(as_text=True)
        assert "来源单位</dt><dd>清城区" in text and "清城区-表四.xlsx" in text
        assert site[name].get(download).data == county_file
    for name, round_id in (("shaoguan", ROUND_ID), ("qingcheng", COUNTY_ROUND_ID)):
        assert site[name].get(f"/rows/{row_id}/source?round={round_id}").status_code == 404
        assert site[name].get(f"/rows/{row_id}/source/file?round={round_id}").status_code == 404
    # nothing else of the county round: its objects by id, in either round, are absent
    for name in ("admin", "finance"):
        reached = []
        for rule in endpoints(app):
            expect = EXPECT[rule.endpoint]
            objects = set(rule.arguments) & {
                "version_id",
                "submission_id",
                "attachment_id",
                "unit_id",
                "row_id",
            }
            if expect.round_free or not objects or expect.method != "GET":
                continue  # no county object in it (an account is the tree's, not a round's)
            for round_id in (ROUND_ID, COUNTY_ROUND_ID):
                target = url(app, rule, world, "清城区", round_id)
                got = site[name].get(target).status_code
                if got not in (403, 404):
                    reached.append((rule.endpoint, round_id, got))
        assert reached == [], name

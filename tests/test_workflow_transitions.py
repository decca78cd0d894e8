"""The version workflow tried as every role, on the web and on the API, over every state × action.

The expected outcomes are written out here by hand from the issue's decisions — never read from
``storage/workflow.py`` — so the code's table is held to an independent one. For each case a fresh
version of 清远市's 表四 is brought into the state, the action is sent as the role (on the site's
form route or as an API call with the role's token), and:
- an allowed action answers 302 (web) or 200 (API) and the version is in the expected next state;
- anything else answers 403 (the role may never take it), 404 (another unit's version) or 409 (the
  state forbids it), with a Chinese message, and nothing changes: the same state, no review, no
  audit entry of a workflow action.
"""

from __future__ import annotations

import re

import pytest
from test_storage_support import BACKENDS, new_database, validate
from test_web_api import make_token
from webclient import ROUND_ID, Site, make_app, table4

STATES = ("有错误", "已上传未提交", "已提交", "已通过", "已退回", "已被取代", "已撤销")
ACTIONS = ("submit", "withdraw", "delete", "approve", "return", "revoke")
ROLES = ("报送单位", "审核", "财务", "另一单位的报送单位")
ACCOUNT = {
    "报送单位": "qingyuan",
    "审核": "admin",
    "财务": "finance",
    "另一单位的报送单位": "shaoguan",
}

# what may be done, by hand: (state, action, role) → the version's next state
ALLOWED = {
    ("已上传未提交", "submit", "报送单位"): "已提交",
    ("已上传未提交", "submit", "审核"): "已提交",  # 代为提交
    ("已上传未提交", "delete", "报送单位"): "已撤销",
    ("有错误", "delete", "报送单位"): "已撤销",
    ("已提交", "withdraw", "报送单位"): "已上传未提交",
    ("已提交", "approve", "审核"): "已通过",
    ("已提交", "return", "审核"): "已退回",
    ("已通过", "revoke", "审核"): "已退回",
}
# what a role may never do, whatever the state: 403
NEVER = {
    "报送单位": {"approve", "return", "revoke"},
    "审核": {"withdraw", "delete"},
    "财务": set(ACTIONS),
    "另一单位的报送单位": {"approve", "return", "revoke"},
}
WORKFLOW_AUDIT = ("submit", "withdraw", "version.deleted", "approve", "return", "revoke")
CJK = re.compile(r"[\u4e00-\u9fff]")


def expected(state: str, action: str, role: str) -> tuple[int, str | None]:
    """(status kind, next state): "ok" with the next state, else 403 / 404 / 409."""
    if action in NEVER[role]:
        return 403, None
    if role == "另一单位的报送单位":
        return 404, None  # another unit's version reads as absent
    if (state, action, role) in ALLOWED:
        return 200, ALLOWED[(state, action, role)]
    return 409, None


def test_the_hand_written_table_covers_what_the_issue_decided():
    """A check of the table above itself: the decisions of issue 13, one by one."""
    assert expected("已通过", "approve", "审核") == (409, None)  # approving twice
    assert expected("已被取代", "approve", "审核") == (409, None)  # a superseded draft
    assert expected("已退回", "submit", "报送单位") == (409, None)  # a returned one, unchanged
    assert expected("已通过", "return", "审核") == (409, None)  # 撤销通过 is its own action
    assert expected("已提交", "submit", "财务") == (403, None)
    assert expected("已提交", "withdraw", "另一单位的报送单位") == (404, None)
    allowed = sum(1 for s in STATES for a in ACTIONS for r in ROLES if expected(s, a, r)[0] == 200)
    assert allowed == len(ALLOWED) == 8


# ---------------------------------------------------------------- one site for the module


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("workflow")
    url, drop = new_database(request.param, tmp_path)
    with pytest.MonkeyPatch.context() as monkeypatch:
        made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
        yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


@pytest.fixture(scope="module")
def site(app):
    return Site(app)


@pytest.fixture(scope="module")
def files():
    """Two clean versions and one with errors, validated once."""
    clean = table4(first=50)
    newer = table4(first=40)
    errors = table4(first=-5)
    return {
        "clean": (clean, validate(clean, "清远市-表四.xlsx")),
        "newer": (newer, validate(newer, "清远市-表四（二）.xlsx")),
        "errors": (errors, validate(errors, "清远市-表四（错）.xlsx")),
    }


@pytest.fixture(scope="module")
def tokens(app, site):
    return {role: make_token(site[ACCOUNT[role]]) for role in ROLES}


def _fresh(session) -> None:
    """No submission left (their versions, rows, reviews and scans go with them)."""
    import sqlalchemy as sa

    from budget_planner.storage.models import Submission

    session.execute(sa.delete(Submission))  # the database cascades to versions and the rest
    session.commit()


def bring(app, files, state: str) -> int:
    """A version of 清远市's 表四 in ``state`` (the only thread of the round); its id."""
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        _fresh(session)
        unit = repository.get_user(session, "qingyuan")
        admin = repository.get_user(session, "admin")

        def store(kind: str) -> int:
            data, checked = files[kind]
            [version] = repository.store_upload(
                session,
                round_id=ROUND_ID,
                unit_short_name="清远市",
                data=data,
                original_name=checked[0].report.file,
                checked=checked,
                user=unit,
            )
            return version.id

        if state == "有错误":
            return store("errors")
        target = store("clean")
        if state in ("已提交", "已通过", "已退回"):
            repository.act(session, target, unit, "submit")
        if state == "已通过":
            repository.act(session, target, admin, "approve")
        elif state == "已退回":
            repository.act(session, target, admin, "return", comment="请补充")
        elif state == "已被取代":
            store("newer")
        elif state == "已撤销":
            repository.act(session, target, unit, "delete")
        return target


def observe(app, version_id: int) -> tuple[str, int, tuple]:
    """(the version's state as the site shows it, its reviews, the workflow audit entries)."""
    from budget_planner.storage import repository
    from budget_planner.storage.models import AuditLog, Review, Version
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        version = session.get(Version, version_id)
        state = repository.version_states(version.submission.versions)[version_id]
        reviews = session.query(Review).filter(Review.version_id == version_id).count()
        entries = tuple(
            (e.id, e.action)
            for e in session.query(AuditLog).filter(AuditLog.action.in_(WORKFLOW_AUDIT))
        )
        return state, reviews, entries


def send_web(site, role: str, version_id: int, action: str):
    form = {"comment": "请补充绩效目标", "confirm": "yes"}
    return site[ACCOUNT[role]].post(f"/versions/{version_id}/{action}", form)


def send_api(app, tokens, role: str, version_id: int, action: str):
    http = app.test_client(use_cookies=False)
    return http.post(
        f"/api/v1/versions/{version_id}/{action}",
        json={"comment": "请补充绩效目标"},
        headers={"Authorization": f"Bearer {tokens[role]}"},
    )


def message_of(response, channel: str) -> str:
    if channel == "api":
        return response.json["error"]["message"]
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


CASES = [(s, a, r) for s in STATES for a in ACTIONS for r in ROLES]
# readable test ids (pytest escapes Chinese in them)
IDS = {
    "有错误": "errors",
    "已上传未提交": "draft",
    "已提交": "submitted",
    "已通过": "approved",
    "已退回": "returned",
    "已被取代": "superseded",
    "已撤销": "deleted",
    "报送单位": "submitter",
    "审核": "reviewer",
    "财务": "finance",
    "另一单位的报送单位": "other-unit",
}


@pytest.mark.parametrize("channel", ["web", "api"])
@pytest.mark.parametrize(
    ("state", "action", "role"),
    CASES,
    ids=[f"{IDS[s]}-{a}-{IDS[r]}" for s, a, r in CASES],
)
def test_every_state_action_and_role(app, site, tokens, files, channel, state, action, role):
    version_id = bring(app, files, state)
    before = observe(app, version_id)
    assert before[0] == state  # the case starts where it says
    if channel == "web":
        response = send_web(site, role, version_id, action)
    else:
        response = send_api(app, tokens, role, version_id, action)
    want, following = expected(state, action, role)
    after = observe(app, version_id)
    if want == 200:
        assert response.status_code == (302 if channel == "web" else 200)
        assert after[0] == following
        if channel == "api":
            assert response.json["state_label"] == following
        assert len(after[2]) == len(before[2]) + 1  # the action is audited
    else:
        assert response.status_code == want
        message = message_of(response, channel)
        assert CJK.search(message), message
        if want == 409:
            assert f"不能{ACTION_WORDS[action]}" in message
        assert after == before  # nothing changed: state, reviews, audit


ACTION_WORDS = {  # how the refusals name each action (hand-written too)
    "submit": "提交",
    "withdraw": "撤回提交",
    "delete": "撤销",
    "approve": "审核通过",
    "return": "退回修改",
    "revoke": "撤销通过",
}

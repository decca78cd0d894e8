"""Review: return with a comment the unit sees, resubmit, approve (the table locks), and an upload
after approval kept but flagged on the dashboard while the approved version still counts."""

from __future__ import annotations

import re

import pytest
from test_storage_support import BACKENDS, new_database
from webclient import Site, make_app, table4


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


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def matrix_cell(page, unit: str) -> str:
    """The 表四 cell of ``unit``'s row in the completeness matrix, as text."""
    html = page.get_data(as_text=True)
    row = re.search(rf'<td class="unit"><a [^>]*>{unit}</a>.*?</tr>', html, re.S)
    assert row, f"no row for {unit}"
    cell = re.search(r'<td class="cell">(.*?)</td>', row.group(0), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell.group(1))).strip()


def newest_version_id(app, unit: str = "清远市") -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (thread,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return thread.versions[-1].id


def audit(app, *actions):
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        entries = repository.audit_log(db.session(), None, scope=None, actions=actions)
        return [(e.action, e.username, e.detail) for e in reversed(entries)]


def test_return_resubmit_approve_and_an_upload_after_approval(app, site):
    unit, admin = site["qingyuan"], site["admin"]
    unit.upload([(table4(first=50), "清远市-表四.xlsx")])
    first = newest_version_id(app)
    unit.post(f"/versions/{first}/submit")
    assert matrix_cell(admin.get("/"), "清远市") == "已提交"

    # a return needs a comment
    no_comment = admin.post(f"/versions/{first}/review", {"decision": "return", "comment": ""})
    assert "退回修改时请写明需要修改的内容" in text(admin.get(no_comment.headers["Location"]))
    assert matrix_cell(admin.get("/"), "清远市") == "已提交"
    comment = "专利导航项目金额偏高，请核减后重新提交。"
    admin.post(f"/versions/{first}/review", {"decision": "return", "comment": comment})
    assert matrix_cell(unit.get("/"), "清远市") == "已退回"
    returned = unit.get(f"/versions/{first}")
    assert "省局退回修改意见" in text(returned) and comment in text(returned)
    assert "提交此版本" not in returned.text  # a returned version is fixed and uploaded again

    # the unit fixes the file and submits again: the change shows against version 1
    unit.upload([(table4(first=40), "清远市-表四.xlsx")])
    second = newest_version_id(app)
    changes = text(unit.get(f"/versions/{second}"))
    assert (
        "与第 1 版相比" in changes and "金额变化 知识产权高质量创造 专利导航项目 50 40" in changes
    )
    unit.post(f"/versions/{second}/submit")
    assert matrix_cell(admin.get("/"), "清远市") == "已提交"
    admin.post(f"/versions/{second}/review", {"decision": "approve", "comment": ""})
    assert matrix_cell(admin.get("/"), "清远市") == "已通过"
    assert "提交此版本" not in unit.get(f"/versions/{second}").text

    # an upload after approval: the page says so before, the approved version still counts
    assert "表四：已通过第 2 版；新上传的文件需要再次提交并经审核通过才会替换" in text(
        unit.get("/upload")
    )
    result = unit.upload([(table4(first=90), "清远市-表四（改）.xlsx")])
    assert "已通过的第 2 版仍然计入；此版本需要提交并经审核通过后才会替换它。" in text(result)
    third = newest_version_id(app)
    assert third != second
    dashboard = admin.get("/")
    assert matrix_cell(dashboard, "清远市") == "已通过 通过后又上传"
    assert "申报合计 70 万元" in text(dashboard).replace("表四", "")  # 40 + 30: version 2
    assert unit.post(f"/versions/{third}/submit").status_code == 302  # waits for review
    assert matrix_cell(admin.get("/"), "清远市") == "已通过 通过后又上传"
    assert "申报合计 70 万元" in text(admin.get("/")).replace("表四", "")

    assert [(a, u) for a, u, _ in audit(app, "submit", "return", "approve")] == [
        ("submit", "qingyuan"),
        ("return", "admin"),
        ("submit", "qingyuan"),
        ("approve", "admin"),
        ("submit", "qingyuan"),
    ]
    assert comment in audit(app, "return")[0][2]


def test_a_version_with_errors_cannot_be_reviewed(app, site):
    from builders import Submission, project

    faulty = Submission(
        "表四", unit="清远市", rows=[project("知识产权高质量创造", "专利导航项目", -1)]
    ).xlsx()
    site["qingyuan"].upload([(faulty, "清远市-表四.xlsx")])
    version = newest_version_id(app)
    page = site["admin"].get(f"/versions/{version}")
    assert "审核意见" not in text(page)  # nothing to review: it cannot even be submitted
    forced = site["admin"].post(f"/versions/{version}/review", {"decision": "approve"})
    assert forced.status_code == 409
    assert "表四第 1 版当前为“有错误”，不能审核通过" in text(forced)
    assert matrix_cell(site["admin"].get("/"), "清远市") == "有错误"


def test_the_history_lists_every_version_with_its_review(app, site):
    unit, admin = site["qingyuan"], site["admin"]
    unit.upload([(table4(first=50), "清远市-表四.xlsx")])
    first = newest_version_id(app)
    unit.post(f"/versions/{first}/submit")
    admin.post(f"/versions/{first}/review", {"decision": "return", "comment": "请补充"})
    unit.upload([(table4(first=45), "清远市-表四（二）.xlsx")])
    page = unit.get(re.search(r'href="(/submissions/\d+)"', unit.get("/").text).group(1))
    history = text(page)
    assert "版本（2）" in history
    assert history.index("第 2 版") < history.index("第 1 版")  # newest first
    assert "清远市-表四（二）.xlsx" in history and "退回修改" in history


def test_withdrawing_an_approval_is_confirmed_and_needs_a_reason(app, site):
    unit, admin = site["qingyuan"], site["admin"]
    unit.upload([(table4(first=50), "清远市-表四.xlsx")])
    version = newest_version_id(app)
    unit.post(f"/versions/{version}/submit")
    admin.post(f"/versions/{version}/review", {"decision": "approve", "comment": ""})
    page = admin.get(f"/versions/{version}")
    assert "撤销通过…" in text(page) and "审核意见" not in text(page)  # no second approval
    asked = admin.post(f"/versions/{version}/revoke")
    assert asked.status_code == 200 and "确认撤销通过：清远市 表四第 1 版" in text(asked)
    assert matrix_cell(admin.get("/"), "清远市") == "已通过"  # nothing happened yet
    bare = admin.post(f"/versions/{version}/revoke", {"confirm": "yes", "reason": " "})
    assert "撤销通过须填写理由" in text(admin.get(bare.headers["Location"]))
    assert matrix_cell(admin.get("/"), "清远市") == "已通过"
    reason = "表一已列出同一项目，请删去重复后重新提交。"
    admin.post(f"/versions/{version}/revoke", {"confirm": "yes", "reason": reason})
    assert matrix_cell(admin.get("/"), "清远市") == "已退回"
    seen = text(unit.get(f"/versions/{version}"))
    assert "省局撤销通过的理由" in seen and reason in seen
    assert audit(app, "revoke") == [("revoke", "admin", f"表四第 1 版：{reason}")]

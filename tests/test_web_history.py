"""A unit's history page (every version: state, who and when in Beijing time, review comments, the
file as sent, the difference to the previous version by project key) and its receipt workbook."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from builders import make_table, project
from openpyxl import load_workbook
from webclient import table4

from budget_planner.templates.round import BEIJING


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def thread(app, unit: str = "清远市"):
    """(unit id, submission id, [version ids oldest first], [upload times])."""
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (sub,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return found.id, sub.id, [v.id for v in sub.versions], [v.uploaded_at for v in sub.versions]


def revised() -> bytes:
    """The second 表四: 专利导航项目 down to 40, 知识产权纠纷多元化解 dropped, a project added."""
    rows = [
        project("知识产权高质量创造", "专利导航项目", 40),
        project("知识产权高效能转化", "知识产权质押融资贴息", 12.5),
    ]
    return make_table("表四", "清远市", rows)


SENT: list[bytes] = []


@pytest.fixture
def history(app, site):
    """清远市: version 1 submitted and returned with a comment, version 2 uploaded by admin."""
    unit, admin = site["qingyuan"], site["admin"]
    SENT.clear()
    SENT.extend([table4(), revised()])  # the bytes as sent (a workbook holds its save time)
    unit.upload([(SENT[0], "清远市-表四.xlsx")])
    _unit_id, _sub, (first,), _ = thread(app)
    unit.post(f"/versions/{first}/submit")
    admin.post(f"/versions/{first}/review", {"decision": "return", "comment": "请核减专利导航项目"})
    admin.upload([(SENT[1], "清远市-表四（修改）.xlsx")], unit="清远市")
    return thread(app)


def test_the_history_shows_every_version_with_state_time_comment_and_changes(site, history):
    unit_id, _sub, (first, second), (_t1, t2) = history
    page = site["qingyuan"].get(f"/units/{unit_id}/history")
    assert page.status_code == 200
    shown = text(page).split("清远市 · 报送记录", 1)[1]  # below the heading (not a flash)
    assert "共 1 张表、2 个版本" in shown
    assert shown.index("第 2 版") < shown.index("第 1 版")  # newest first
    beijing = t2.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    assert f"{beijing} admin（省局代为上传）" in shown
    assert "第 1 版 已退回 清远市-表四.xlsx" in shown
    assert "退回修改 · " in shown and "请核减专利导航项目" in shown
    assert "与第 1 版相比：新增 1 项，删除 1 项，金额变化 1 项" in shown
    assert "金额变化 知识产权高质量创造 专利导航项目 50 40 -10" in shown
    assert "新增 知识产权高效能转化 知识产权质押融资贴息 12.5 +12.5" in shown
    assert "删除 强化知识产权保护 知识产权纠纷多元化解 30 -30" in shown
    assert "首次上传" in shown
    for version in (first, second):
        assert f'href="/versions/{version}/file"' in page.text


def test_each_file_downloads_exactly_as_sent_with_its_chinese_name(site, history):
    _unit_id, _sub, (first, second), _ = history
    download = site["qingyuan"].get(f"/versions/{second}/file")
    assert download.data == SENT[1]
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"download.xlsx\"; filename*=UTF-8''"
        + quote("清远市-表四（修改）.xlsx", safe="")
    )
    assert site["qingyuan"].get(f"/versions/{first}/file").data == SENT[0]


def test_the_submission_page_is_the_same_history_for_one_table(site, history):
    _unit_id, sub, _versions, _ = history
    shown = text(site["admin"].get(f"/submissions/{sub}"))
    assert "版本（2）" in shown and "与第 1 版相比：新增 1 项，删除 1 项，金额变化 1 项" in shown


def test_no_unit_sees_another_units_history_or_receipt(site, history):
    unit_id, sub, (first, _second), _ = history
    other = site["shaoguan"]
    for url in (
        f"/units/{unit_id}/history",
        f"/units/{unit_id}/receipt.xlsx",
        f"/submissions/{sub}",
        f"/versions/{first}/file",
    ):
        assert other.get(url).status_code == 404, url
    for username in ("admin", "finance", "qingyuan2"):
        assert site[username].get(f"/units/{unit_id}/history").status_code == 200


def test_the_receipt_workbook_lists_what_was_received(app, site, history):
    unit_id, _sub, _versions, (_t1, t2) = history
    response = site["qingyuan"].get(f"/units/{unit_id}/receipt.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''" + quote("清远市-报送回执.xlsx", safe="")
    )
    sheet = load_workbook(io.BytesIO(response.data))["报送回执"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    pairs = {row[0]: row[2] for row in values if row[0] and row[2] is not None}
    assert pairs["填报单位"] == "清远市市场监督管理局（知识产权局）（清远市）"
    assert pairs["尚未上传的必报表"] == "无"
    assert pairs["表四申报合计（万元）"] == 52.5  # version 2 counts: the newest without errors
    header = next(i for i, row in enumerate(values) if row[0] == "表")
    lines = [row for row in values[header + 1 :] if row[0]]
    assert [(r[0], r[2], r[3], r[4], r[5], r[10]) for r in lines] == [
        ("表四", "第 2 版（共 2 版）", "已上传未提交", "计入", "清远市-表四（修改）.xlsx", 52.5),
        ("表四", "第 1 版（共 2 版）", "已退回", None, "清远市-表四.xlsx", 80),
    ]
    assert lines[0][6] == t2.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    assert lines[0][7] == "admin（代为上传）" and lines[1][11] == "退回修改：请核减专利导航项目"
    assert Decimal(str(lines[1][10])) == Decimal(80)


def test_a_returned_table_is_announced_on_the_units_dashboard(app, site):
    unit = site["qingyuan"]
    unit.upload([(table4(), "清远市-表四.xlsx")])
    unit_id, _sub, (first,), _ = thread(app)
    unit.post(f"/versions/{first}/submit")
    assert "已被省局退回修改" not in text(unit.get("/"))
    site["admin"].post(f"/versions/{first}/review", {"decision": "return", "comment": "请补充"})
    page = unit.get("/")
    assert "表四已被省局退回修改：请在 报送记录 中查看退回意见" in text(page)
    assert f'href="/units/{unit_id}/history"' in page.text

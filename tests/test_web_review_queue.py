"""The reviewer's day: the 待审核 queue (oldest submission first, a link to each review page), the
review page with every column of the version and the fields changed since the previous one
highlighted, and the 修改说明 a unit gives when it answers a return."""

from __future__ import annotations

import re

import pytest
from builders import make_table, project
from test_storage_support import BACKENDS, new_database
from webclient import Site, make_app, table4


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
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


def newest(app, unit: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (thread,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return thread.versions[-1].id


def queue_rows(page) -> list[str]:
    body = page.get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td class=\"num\">\d+</td>(.*?)</tr>", body, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]


def test_the_queue_lists_submitted_versions_oldest_first(app, site):
    admin = site["admin"]
    site["shaoguan"].upload([(table4("韶关市", first=20), "韶关市-表四.xlsx")])
    site["qingyuan"].upload([(table4(first=50), "清远市-表四.xlsx")])
    shaoguan, qingyuan = newest(app, "韶关市"), newest(app, "清远市")
    assert "没有等待审核的版本" in text(admin.get("/queue"))  # uploaded, not submitted
    site["qingyuan"].post(f"/versions/{qingyuan}/submit")
    site["shaoguan"].post(f"/versions/{shaoguan}/submit")

    page = admin.get("/queue")
    rows = queue_rows(page)
    assert [r.split(" ")[:3] for r in rows] == [["清远市", "表四", "第"], ["韶关市", "表四", "第"]]
    assert "等待审核（2 个版本）" in text(page)
    assert "80 " in rows[0] + " " and "50 " in rows[1] + " "  # 50 + 30, 20 + 30 万元
    links = re.findall(r'href="(/versions/\d+)"', page.get_data(as_text=True))
    assert f"/versions/{qingyuan}" in links and f"/versions/{shaoguan}" in links
    assert links.index(f"/versions/{qingyuan}") < links.index(f"/versions/{shaoguan}")
    assert 'href="/queue"' in admin.get("/").get_data(as_text=True)  # in 审核's menu

    admin.post(f"/versions/{qingyuan}/review", {"decision": "approve", "comment": ""})
    assert [r.split(" ")[0] for r in queue_rows(admin.get("/queue"))] == ["韶关市"]
    assert site["qingyuan"].get("/queue").status_code == 403  # a unit has no queue
    assert 'href="/queue"' not in site["qingyuan"].get("/").get_data(as_text=True)


def test_the_review_page_shows_every_column_and_the_fields_changed(app, site):
    unit, admin = site["qingyuan"], site["admin"]
    unit.upload([(table4(first=50), "清远市-表四.xlsx")])
    first = newest(app, "清远市")
    page = text(admin.get(f"/versions/{first}"))
    for header in ("类型", "主要工作内容", "拟设置项目", "必要性", "政策依据", "项目绩效"):
        assert header in page, header
    assert "完成年度目标任务" in page and "开展专利导航项目相关工作" in page

    changed = [
        project("知识产权高质量创造", "专利导航项目", 50, performance="形成专利导航报告2份"),
        project("强化知识产权保护", "知识产权纠纷多元化解", 35),
    ]
    unit.upload([(make_table("表四", "清远市", changed), "清远市-表四（二）.xlsx")])
    second = newest(app, "清远市")
    html = admin.get(f"/versions/{second}").get_data(as_text=True)
    shown = text(admin.get(f"/versions/{second}"))
    # the 项目绩效 cell that changed is highlighted, with the old value on hover
    assert re.search(
        r'<td class="changed" title="原：完成年度目标任务">形成专利导航报告2份</td>', html
    )
    assert re.search(r'<td class="num changed" title="原：30">35</td>', html)  # the amount
    assert (
        "内容变化 知识产权高质量创造 专利导航项目 50 50 项目绩效 ： 完成年度目标任务 → 形成专利导航报告2份"
        in shown
    )
    assert "金额变化 强化知识产权保护 知识产权纠纷多元化解 30 35" in shown
    # the history lists the 内容变化 too
    history = text(unit.get(f"/versions/{second}/changes"))
    assert "内容变化 知识产权高质量创造 专利导航项目" in history


def test_a_unit_answering_a_return_explains_what_it_changed(app, site):
    unit, admin = site["qingyuan"], site["admin"]
    uploaded = unit.upload([(table4(first=50), "清远市-表四.xlsx")])
    assert 'name="note"' not in uploaded.get_data(as_text=True)  # nothing returned yet
    first = newest(app, "清远市")
    assert 'name="note"' not in unit.get(f"/versions/{first}").get_data(as_text=True)
    unit.post(f"/versions/{first}/submit")
    admin.post(f"/versions/{first}/review", {"decision": "return", "comment": "请核减专利导航"})

    uploaded = unit.upload([(table4(first=40), "清远市-表四（二）.xlsx")])
    second = newest(app, "清远市")
    # the upload's 提交此版本 asks for it too, as the version page does
    assert f'id="note-{second}" name="note"' in uploaded.get_data(as_text=True)
    form = unit.get(f"/versions/{second}").get_data(as_text=True)
    assert "修改说明（对照退回意见说明改了什么" in form and 'name="note"' in form
    note = "专利导航项目由50万元核减为40万元。"
    assert unit.post(f"/versions/{second}/submit", {"note": note}).status_code == 302

    review = text(admin.get(f"/versions/{second}"))
    assert "修改说明 单位提交第 2 版时填写" in review and note in review
    assert note in text(admin.get("/queue"))
    history = text(unit.get(re.search(r'href="(/submissions/\d+)"', unit.get("/").text).group(1)))
    assert f"修改说明 （单位提交时填写） {note}" in history
    api = unit.get(f"/api/v1/versions/{second}").get_json()
    assert api["note"] == note
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        (entry,) = [
            e
            for e in repository.audit_log(db.session(), None, scope=None, actions=("submit",))
            if e.version_id == second
        ]
        assert entry.detail.endswith(f"；修改说明：{note}")

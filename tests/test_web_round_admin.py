"""The admin's day: moving the deadline (audited), 逾期提交 marks that stay, the one-time password
sheet (one download, never stored in clear), reminders recorded with the collecting office's
contact in the message."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
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


def newest(app, unit: str = "清远市") -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (thread,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return thread.versions[-1].id


def audit(app, action: str) -> list[tuple[str, str]]:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        entries = repository.audit_log(db.session(), None, scope=None, actions=(action,))
        return [(e.username, e.detail) for e in reversed(entries)]


def unit_cell(page, unit: str) -> str:
    html = page.get_data(as_text=True)
    row = re.search(rf'<td class="unit"><a [^>]*>{unit}</a>(.*?)</td>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1))).strip()


def test_the_deadline_is_moved_on_the_site_and_audited(app, site):
    admin = site["admin"]
    assert 'value="2023-12-15"' in admin.get("/admin/").get_data(as_text=True)
    done = admin.post("/admin/deadline", {"deadline": "2099-12-20"})
    assert "报送截止日期已由 2023年12月15日 改为 2099年12月20日" in text(
        admin.get(done.headers["Location"])
    )
    assert "截止日期 2099年12月20日" in text(admin.get("/admin/"))
    assert audit(app, "deadline.changed") == [
        ("admin", "报送截止日期由 2023年12月15日 改为 2099年12月20日")
    ]
    assert "修改报送截止日期" in text(admin.get("/admin/audit"))
    bad = admin.post("/admin/deadline", {"deadline": "明天"})
    assert "截止日期应为日期" in text(admin.get(bad.headers["Location"]))
    assert site["qingyuan"].post("/admin/deadline", {"deadline": "2099-01-01"}).status_code == 403
    assert len(audit(app, "deadline.changed")) == 1


def test_a_late_submission_keeps_its_mark(app, site):
    unit, admin = site["qingyuan"], site["admin"]
    admin.post("/admin/deadline", {"deadline": "2099-12-20"})
    site["shaoguan"].upload([(table4("韶关市", first=20), "韶关市-表四.xlsx")])
    site["shaoguan"].post(f"/versions/{newest(app, '韶关市')}/submit")  # on time
    admin.post("/admin/deadline", {"deadline": "2023-12-15"})
    unit.upload([(table4(first=50), "清远市-表四.xlsx")])
    assert unit_cell(admin.get("/"), "清远市") == "逾期"  # owes 表四 after the deadline
    version = newest(app)
    unit.post(f"/versions/{version}/submit")
    assert unit_cell(admin.get("/"), "清远市") == "逾期提交（表四）"  # the mark replaces 逾期
    assert unit_cell(admin.get("/"), "韶关市") == ""  # submitted before the old deadline moved
    admin.post(f"/versions/{version}/review", {"decision": "approve", "comment": ""})
    admin.post("/admin/deadline", {"deadline": "2099-12-31"})  # a later deadline keeps the mark
    assert unit_cell(admin.get("/"), "清远市") == "逾期提交（表四）"
    assert "逾期提交" in text(admin.get(f"/versions/{version}"))
    assert "（逾期提交）" in audit(app, "submit")[-1][1]
    assert unit.get(f"/api/v1/versions/{version}").get_json()["submitted_late"] is True


def test_the_password_sheet_is_one_download_and_never_stored_in_clear(app, site):
    admin = site["admin"]
    page = admin.post("/admin/accounts", {"confirm": "yes"})
    html = page.get_data(as_text=True)
    link = re.search(r'href="(/admin/sheets/[^"]+)"', html).group(1)
    shown = re.findall(r'<td class="mono">([^<]+)</td>', html)
    assert shown and "下载一次性密码表（Excel）" in html

    from budget_planner.storage.models import OneTimeSheet
    from budget_planner.web import db

    with app.app_context():
        (kept,) = db.session().query(OneTimeSheet).all()
        assert all(p.encode() not in kept.sealed for p in shown)  # sealed, not the sheet
        assert not kept.sealed.startswith(b"PK")

    assert site["finance"].get(link).status_code == 403
    got = admin.get(link)
    assert got.status_code == 200
    assert "新建的单位账号-一次性密码.xlsx" in unquote(got.headers["Content-Disposition"])
    book = load_workbook(io.BytesIO(got.data))
    rows = [[c.value for c in r] for r in book["账号"].iter_rows(min_row=5)]
    assert [r[3] for r in rows] == shown  # every password shown on the page, in order
    assert rows[0][0] == "广州市" and rows[0][1] == "广州市市场监督管理局（知识产权局）"
    again = admin.get(link)
    assert again.status_code == 410 and "已下载过或已过期" in text(again)
    with app.app_context():
        assert db.session().query(OneTimeSheet).count() == 0


def test_reminders_are_recorded_and_name_the_collecting_office(app, site):
    admin, finance = site["admin"], site["finance"]
    page = text(admin.get("/reminders"))
    assert "如有疑问请与省局联系（联系人：王海燕，电话：020-80000099）" in page
    assert "未催报" in page and "催报记录" not in page
    admin.post("/reminders/sent")
    finance.get("/reminders.xlsx")
    page = admin.get("/reminders")
    shown = text(page)
    assert "催报记录（42 条）" in shown  # 21 units owing 表四, twice
    assert "finance · 导出催报名单" in shown
    log = re.findall(
        r"<tr><td class=\"nowrap\">[^<]+</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>",
        page.get_data(as_text=True),
    )
    assert log[0] == ("广州市", "导出催报名单", "finance") and log[-1][1:] == (
        "复制催报内容发送",
        "admin",
    )
    details = [d for _u, d in audit(app, "reminder.sent")]
    assert details[0].startswith("复制催报内容发送：催报 21 个单位（广州市、")
    assert site["qingyuan"].post("/reminders/sent").status_code == 403

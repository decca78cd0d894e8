"""Downloads for the province (the consolidated workbook from the stored versions that count, with
核定金额; the allocation plan; the audit log) and the reminders page and list."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from webclient import Site, make_app, table4

from budget_planner.templates.round import BEIJING, load_round

NAV = "清远市|表四|知识产权高质量创造|专利导航项目"
DISPUTE = "清远市|表四|强化知识产权保护|知识产权纠纷多元化解"
BEFORE_DEADLINE = dt.datetime(2023, 12, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


@pytest.fixture
def app(tmp_path, monkeypatch):
    return make_app(tmp_path, monkeypatch, NOW=BEFORE_DEADLINE)


@pytest.fixture
def site(app):
    return Site(app)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def rows(response, sheet: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.data))
    return [tuple(r) for r in book[sheet].iter_rows(values_only=True)]


def newest(app, unit: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (sub,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return sub.versions[-1].id


@pytest.fixture
def round_done(app, site):
    """清远市 approved with 核定金额 45 + 25; 韶关市's 表四 sent (50 + 30) and returned."""
    from budget_planner.storage import repository
    from budget_planner.web import db

    site["qingyuan"].upload([(table4(), "清远市-表四.xlsx")])
    version = newest(app, "清远市")
    site["qingyuan"].post(f"/versions/{version}/submit")
    site["admin"].post(f"/versions/{version}/review", {"decision": "approve", "comment": ""})
    site["shaoguan"].upload([(table4("韶关市"), "韶关市-表四.xlsx")])
    other = newest(app, "韶关市")
    site["shaoguan"].post(f"/versions/{other}/submit")
    site["admin"].post(f"/versions/{other}/review", {"decision": "return", "comment": "请补充"})
    with app.app_context():
        repository.set_allocations(
            db.session(),
            "guangdong-2024",
            "清远市",
            {NAV: Decimal(45), DISPUTE: Decimal(25)},
            actor=repository.get_user(db.session(), "finance"),
            reasons={NAV: "压缩规模", DISPUTE: "压缩规模"},
        )


def test_the_consolidated_workbook_holds_the_counted_versions_with_approved_amounts(
    site, round_done
):
    response = site["finance"].get("/exports/consolidated.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''" + quote("2024年度知识产权项目需求征集汇总表.xlsx", safe="")
    )
    table = rows(response, "表四")
    header = table[2]
    at = {label: i for i, label in enumerate(header)}
    lines = [r for r in table[3:] if r[0] == "清远市"]
    found = {r[at["拟设置项目"]]: (r[at["金额"]], r[at["核定金额"]]) for r in lines}
    assert found == {"专利导航项目": (50, 45), "知识产权纠纷多元化解": (30, 25)}
    subtotal = next(r for r in table if r[0] == "清远市 小计")
    assert subtotal[at["金额"]].startswith("=SUBTOTAL(9,")  # a formula (its cached value is 80)
    readme = dict((r[0], r[1]) for r in rows(response, "说明") if r[0])
    assert readme["控制数文件"] == "站点录入的控制数"
    assert readme["纳入汇总"] == "2 个文件（表），来自 2 个地市"
    reconcile: dict = {}
    for line in rows(response, "预算核对"):  # the units' lines come first
        reconcile.setdefault(line[0], line)
    assert reconcile["清远市"][1:3] == (100, 80) and reconcile["韶关市"][1:3] == (60, 80)


def test_the_allocation_plan_gives_each_unit_its_projects_and_subtotals(site, round_done):
    response = site["finance"].get("/exports/allocation-plan.xlsx")
    assert response.status_code == 200
    plan = rows(response, "分配方案")
    header = plan[3]
    assert header == (
        "单位", "表", "类型", "拟设置项目", "申报金额", "核定金额", "核减（申报-核定）", "控制数", "核定减控制数",
        "版本状态", "核减理由",
    )  # fmt: skip
    body = [r for r in plan[4:] if r[0]]  # units in the round's order: 韶关市 before 清远市
    assert body[0][:6] == ("韶关市", "表四", "知识产权高质量创造", "专利导航项目", 50, None)
    assert body[2][0] == "韶关市 表四 小计" and body[2][7] == 60
    assert body[0][9:] == ("已退回", None)  # its version's state; nothing approved
    assert body[3][:7] == ("清远市", "表四", "知识产权高质量创造", "专利导航项目", 50, 45, 5)
    assert body[3][9:] == ("已通过", "压缩规模")
    assert body[4][:7] == ("清远市", "表四", "强化知识产权保护", "知识产权纠纷多元化解", 30, 25, 5)
    subtotal = body[5]
    assert subtotal[0] == "清远市 表四 小计" and subtotal[7] == 100
    assert subtotal[8] == "=F10-H10"  # 核定 - 控制数, cached -30
    assert body[-1][0] == "总计"
    units = {r[0]: r for r in rows(response, "按单位")[3:] if r[0]}
    assert units["清远市"][1:4] == (100, 80, 70) and units["清远市"][8] == "未超出"
    assert units["韶关市"][7:9] == (2, "申报超出控制数")  # 80 asked, 60 allowed: the site's words


def test_the_cached_totals_in_the_plan_are_exact(site, round_done):
    """What Excel shows before recalculating: the cached values xlsxwriter stored."""
    response = site["finance"].get("/exports/allocation-plan.xlsx")
    book = load_workbook(io.BytesIO(response.data), data_only=True)
    values = [tuple(r) for r in book["分配方案"].iter_rows(values_only=True)]
    subtotal = next(r for r in values if r[0] == "清远市 表四 小计")
    assert subtotal[4:9] == (80, 70, 10, 100, -30)
    waiting = next(r for r in values if r[0] == "韶关市 表四 小计")  # nothing approved yet
    assert waiting[4:9] == (80, 0, 0, 60, -60)
    total = next(r for r in values if r[0] == "总计")
    assert total[4:6] == (160, 70)


def test_the_audit_log_workbook_says_who_did_what_to_which_version(app, site, round_done):
    response = site["admin"].get("/exports/audit-log.xlsx")
    log = rows(response, "操作日志")
    header_at = next(i for i, r in enumerate(log) if r[0] == "时间（北京时间）")
    entries = log[header_at + 1 :]
    approve = next(r for r in entries if r[2] == "审核通过")
    assert approve[1] == "admin" and approve[3] == "清远市" and approve[4] == "表四第 1 版"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", approve[0])
    allocation = [r for r in entries if r[2] == "核定金额"]
    assert {r[5] for r in allocation} == {
        "清远市表四“专利导航项目”（知识产权高质量创造）：无 → 45 万元（核减理由：压缩规模）",
        "清远市表四“知识产权纠纷多元化解”（强化知识产权保护）：无 → 25 万元（核减理由：压缩规模）",
    }
    assert all(r[4] == "表四第 1 版" for r in allocation)
    assert site["finance"].get("/exports/audit-log.xlsx").status_code == 403


def test_the_downloads_page_lists_what_the_role_may_take(site, round_done):
    admin, finance = text(site["admin"].get("/exports/")), text(site["finance"].get("/exports/"))
    assert "下载操作日志" in admin and "下载操作日志" not in finance
    assert "计入汇总的表 2 张" in finance and "已核定项目 2 / 4" in finance


def test_reminders_list_units_owing_tables_with_their_contacts(app, site, round_done):
    page = site["admin"].get("/reminders")
    shown = text(page)
    assert "需要催报的单位（20 个）" in shown  # 21 cities, 清远市 approved
    assert "清远市" not in re.findall(r'<td class="unit nowrap"><a [^>]*>([^<]+)</a>', page.text)
    shaoguan = re.search(r"韶关市.*?</tr>", page.text, re.S).group(0)
    assert "已退回" in shaoguan and "表四已被退回修改" in shaoguan
    contact = load_round().unit("韶关市")
    assert (contact.contact, contact.phone) == ("林文杰", "020-80039595")
    assert "林文杰" in shaoguan and "020-80039595" in shaoguan
    assert "报送截止日期为2023年12月15日" in shaoguan
    copy = re.search(r'<textarea id="reminder-text"[^>]*>(.*?)</textarea>', page.text, re.S).group(
        1
    )
    assert copy.count("请尽快登录系统办理") == 20


def test_the_reminder_list_downloads_as_a_workbook(app, site, round_done):
    response = site["finance"].get("/reminders.xlsx")
    lines = rows(response, "催报")
    header_at = next(i for i, r in enumerate(lines) if r[0] == "序号")
    assert lines[header_at][:6] == ("序号", "单位", "单位全称", "联系人", "电话", "需办理的表")
    body = {r[1]: r for r in lines[header_at + 1 :] if r[1]}
    assert len(body) == 20 and "清远市" not in body
    assert body["韶关市"][5] == "表四已被退回修改，请按退回意见修改后重新提交"
    assert body["广州市"][5] == "表四尚未上传"
    assert site["qingyuan"].get("/reminders.xlsx").status_code == 403


def test_after_the_deadline_day_in_beijing_the_reminders_say_so(app, site, round_done):
    assert "截止日期： 2023年12月15日 （当日 24 时止，北京时间） 还剩 5 天" in text(
        site["admin"].get("/reminders")
    )
    # 16:30 UTC on the 15th is 00:30 on the 16th in Beijing: the deadline has passed
    app.config["NOW"] = dt.datetime(2023, 12, 15, 16, 30, tzinfo=dt.UTC)
    assert BEIJING.utcoffset(None).total_seconds() == 8 * 3600
    page = site["admin"].get("/reminders")
    assert "已过截止时间" in text(page)
    shaoguan = re.search(r"韶关市.*?</tr>", page.text, re.S).group(0)
    assert "逾期" in shaoguan and "已过报送截止时间" in shaoguan

"""Reconciliation for finance: control numbers typed or imported from a file, 表四 against the
control number, the 预算表 checks, and 核定金额 per project (kept across resubmissions, audited,
over-allocations refused, a unit over its control number flagged)."""

from __future__ import annotations

import io
import re

import pytest
from builders import make_budget, make_table, project
from webclient import table4

NAV = "清远市|表四|知识产权高质量创造|专利导航项目"
DISPUTE = "清远市|表四|强化知识产权保护|知识产权纠纷多元化解"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def unit_id(app, unit: str = "清远市") -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        return repository.find_unit(db.session(), "guangdong-2024", unit, scope=None).id


def approved(app) -> dict:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        found = repository.allocations(db.session(), "guangdong-2024", scope=None)
        return {key: str(amount) for (_u, key), amount in found.items()}


def overview_row(page, unit: str) -> list[str]:
    """A unit's line in the overview as shown: the control number's input by its value."""
    html = page.get_data(as_text=True)
    row = re.search(rf'<td class="unit nowrap">{unit}</td>(.*?)</tr>', html, re.S)
    assert row, f"no line for {unit}"
    cells = []
    for td in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S):
        value = re.search(r'<input[^>]*value="([^"]*)"', td)
        cells.append(
            value.group(1) if value else re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", td)).strip()
        )
    return cells


def form_fields(page) -> dict[str, str]:
    """The 核定金额 form as the browser would send it: key-N → the project key, amount-N → typed,
    reason-N → the 核减 reason."""
    html = page.get_data(as_text=True)
    keys = dict(re.findall(r'name="(key-\d+)" value="([^"]*)"', html))
    amounts = dict(re.findall(r'name="(amount-\d+)" value="([^"]*)"', html))
    reasons = dict(re.findall(r'name="(reason-\d+)" value="([^"]*)"', html))
    return {**keys, **amounts, **reasons}


def fill(page, amounts: dict[str, str], reason: str = "压缩规模") -> dict[str, str]:
    """Type the amounts, each with a 核减 reason (kept only where the amount is a cut)."""
    fields = form_fields(page)
    for name, key in list(fields.items()):
        if name.startswith("key-") and key in amounts:
            fields["amount-" + name[4:]] = amounts[key]
            fields["reason-" + name[4:]] = reason
    return fields


def submit_newest(app, site, unit: str, username: str) -> None:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        found = repository.find_unit(db.session(), "guangdong-2024", unit, scope=None)
        (thread,) = repository.submissions(
            db.session(), "guangdong-2024", scope=None, unit_id=found.id
        )
        newest = thread.versions[-1].id
    assert site[username].post(f"/versions/{newest}/submit").status_code == 302


@pytest.fixture
def uploaded(app, site):
    """清远市 sent 表四 (50 + 30; control number 100), 韶关市 表四 (50 + 30; control number 60)."""
    site["qingyuan"].upload([(table4(), "清远市-表四.xlsx")])
    site["shaoguan"].upload([(table4("韶关市"), "韶关市-表四.xlsx")])
    submit_newest(app, site, "清远市", "qingyuan")  # 核定金额 only on a submitted version
    submit_newest(app, site, "韶关市", "shaoguan")
    return unit_id(app)


def test_finance_enters_approved_amounts_and_they_are_audited(app, site, uploaded):
    finance = site["finance"]
    page = finance.get(f"/reconciliation/units/{uploaded}")
    assert page.status_code == 200
    assert "专利导航项目" in text(page) and "申报金额" in text(page)
    saved = finance.post(
        f"/reconciliation/units/{uploaded}", fill(page, {NAV: "45", DISPUTE: "２５.５"})
    )
    assert saved.status_code == 302
    assert approved(app) == {NAV: "45.0000", DISPUTE: "25.5000"}
    again = text(finance.get(saved.headers["Location"]))
    assert "已保存 2 项核定金额" in again and "表四核定合计 70.5 万元" in again
    log = text(site["admin"].get("/admin/audit"))
    assert (
        "核定金额 清远市 表四第 1 版 清远市表四“专利导航项目”（知识产权高质量创造）：无 → 45 万元（核减理由：压缩规模）"
        in log
    )


def test_an_amount_above_the_request_is_refused_and_nothing_saved(app, site, uploaded):
    finance = site["finance"]
    page = finance.get(f"/reconciliation/units/{uploaded}")
    refused = finance.post(
        f"/reconciliation/units/{uploaded}", fill(page, {NAV: "60", DISPUTE: "10"})
    )
    assert refused.status_code == 200
    shown = text(refused)
    assert "核定金额未保存" in shown
    assert "“专利导航项目”核定金额 60 万元超过申报金额 50 万元" in shown
    assert 'value="60"' in refused.text  # what was typed stays in the form to correct
    assert approved(app) == {}
    wrong = finance.post(f"/reconciliation/units/{uploaded}", fill(page, {NAV: "四十"}))
    assert "请填写金额（万元，最多 4 位小数）" in text(wrong) and approved(app) == {}


def test_a_unit_over_its_control_number_is_refused_then_flagged(app, site, uploaded):
    finance = site["finance"]
    shaoguan = unit_id(app, "韶关市")
    page = finance.get(f"/reconciliation/units/{shaoguan}")
    key_nav, key_dispute = NAV.replace("清远市", "韶关市"), DISPUTE.replace("清远市", "韶关市")
    over = finance.post(
        f"/reconciliation/units/{shaoguan}", fill(page, {key_nav: "40", key_dispute: "30"})
    )
    assert "韶关市表四核定金额合计 70 万元将超过控制数 60 万元（超出 10 万元）" in text(over)
    finance.post(
        f"/reconciliation/units/{shaoguan}", fill(page, {key_nav: "35", key_dispute: "25"})
    )
    assert approved(app) == {key_nav: "35.0000", key_dispute: "25.0000"}
    # the control number is lowered: the unit is now over, which the overview flags
    controls = {f"control-{shaoguan}": "50"}
    assert finance.post("/reconciliation/control", controls).status_code == 302
    line = overview_row(finance.get("/reconciliation/"), "韶关市")
    assert line[:8] == ["50", "80", "30", "160.0%", "60", "10", "0", "核定超出控制数"]
    assert "超出控制数 10 万元" in text(finance.get(f"/reconciliation/units/{shaoguan}"))


def test_an_approved_amount_survives_a_resubmission(app, site, uploaded):
    finance = site["finance"]
    page = finance.get(f"/reconciliation/units/{uploaded}")
    finance.post(f"/reconciliation/units/{uploaded}", fill(page, {NAV: "45"}))
    site["qingyuan"].upload([(table4(first=55, second=20), "清远市-表四（二）.xlsx")])
    waiting = finance.get(f"/reconciliation/units/{uploaded}")  # the new one is not submitted
    assert form_fields(waiting)["amount-1"] == "45" and "专利导航项目 50 5 已提交" in text(waiting)
    submit_newest(app, site, "清远市", "qingyuan")
    again = finance.get(f"/reconciliation/units/{uploaded}")
    assert form_fields(again)["amount-1"] == "45" and "专利导航项目 55 10 已提交" in text(again)
    assert form_fields(again)["reason-1"] == "压缩规模"


def test_control_numbers_are_typed_or_imported_from_a_file(app, site, uploaded):
    finance = site["finance"]
    guangzhou = unit_id(app, "广州市")
    finance.post("/reconciliation/control", {f"control-{guangzhou}": "1,200"})
    assert overview_row(finance.get("/reconciliation/"), "广州市")[:2] == ["1,200", "—"]
    refused = finance.post("/reconciliation/control", {f"control-{guangzhou}": "-5"})
    assert "控制数未保存：广州市：金额不能为负数" in text(finance.get(refused.headers["Location"]))

    csv = "单位,控制数（万元）\n清远市,120\n韶关市,70.5\n合计,190.5\n".encode("utf-8-sig")
    page = finance.shown(
        finance.http.post(
            "/reconciliation/control/file",
            data={
                "control_file": (io.BytesIO(csv), "控制数.csv"),
                "csrf_token": finance.csrf(),
            },
            content_type="multipart/form-data",
        )
    )
    shown = text(page)
    assert "已导入 2 个单位的控制数" in shown and "韶关市 70.5" in shown
    overview = finance.get("/reconciliation/")
    assert overview_row(overview, "清远市")[:3] == ["120", "80", "-40"]
    assert overview_row(overview, "韶关市")[:3] + overview_row(overview, "韶关市")[7:8] == [
        "70.5",
        "80",
        "9.5",
        "申报超出控制数",
    ]

    bad = "单位,控制数\n清远市,abc\n".encode()
    page = finance.shown(
        finance.http.post(
            "/reconciliation/control/file",
            data={
                "control_file": (io.BytesIO(bad), "控制数.csv"),
                "csrf_token": finance.csrf(),
            },
            content_type="multipart/form-data",
        )
    )
    shown = text(page)
    assert "控制数文件有错误， 未导入 任何控制数" in shown and " B2 " in shown
    assert overview_row(finance.get("/reconciliation/"), "清远市")[:2] == ["120", "80"]


def test_budget_forms_are_checked_against_their_table_row(app, site, uploaded):
    budget = make_budget(
        {"project_name": "专利导航项目", "table_ref": "表四", "provincial": 45, "self_raised": 150}
    )
    site["qingyuan"].upload([(budget, "清远市-预算表.xlsx")])
    overview = text(site["finance"].get("/reconciliation/"))
    assert "项目支出预算明细表核对（1 份）" in overview
    assert "清远市 专利导航项目" in overview and "与需求表金额不符" in overview


def test_units_reach_none_of_it(app, site, uploaded):
    unit = site["qingyuan"]
    for url in ("/reconciliation/", f"/reconciliation/units/{uploaded}"):
        assert unit.get(url).status_code == 403
    assert (
        unit.post(f"/reconciliation/units/{uploaded}", {"key-1": NAV, "amount-1": "1"}).status_code
        == 403
    )
    assert approved(app) == {}


def test_a_table_sent_twice_counts_its_newest_clean_version(app, site, uploaded):
    rows = [project("知识产权高质量创造", "专利导航项目", -5)]
    site["qingyuan"].upload([(make_table("表四", "清远市", rows), "清远市-表四（错）.xlsx")])
    line = overview_row(site["finance"].get("/reconciliation/"), "清远市")
    assert line[:3] == ["100", "80", "-20"]  # the version with errors does not count

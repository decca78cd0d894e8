"""The dashboard: the completeness matrix in every status, the deadline (end of the day, Beijing
time) and overdue units, headline totals, the requested-vs-control chart; a unit sees its own row."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from builders import Submission, project
from webclient import Site, make_app, table4

BEFORE = dt.datetime(2023, 12, 10, 0, 0, tzinfo=dt.UTC)  # 08:00 on 12-10 in Beijing
LAST_SECOND = dt.datetime(2023, 12, 15, 15, 59, 59, tzinfo=dt.UTC)  # 23:59:59 on 12-15 in Beijing
AFTER = dt.datetime(2023, 12, 15, 16, 0, 0, tzinfo=dt.UTC)  # 00:00 on 12-16 in Beijing


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def matrix(page) -> dict[str, str]:
    """Unit → its 表四 cell as text (the whole row's overdue tag included)."""
    html = page.get_data(as_text=True)
    found = {}
    for row in re.findall(r"<tr class=\"[^\"]*\">\s*<td class=\"unit\">(.*?)</tr>", html, re.S):
        unit = re.search(r"<a [^>]*>(.*?)</a>", row).group(1)
        late = "tag-overdue" in row.split("</td>", 1)[0]
        cell = re.search(r'<td class="cell">(.*?)</td>', row, re.S).group(1)
        label = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        found[unit] = label + (" 逾期" if late else "")
    return found


def newest(app, unit: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (thread,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return thread.versions[-1].id


def a_round_in_every_status(app, site) -> None:
    """清远市 approved, 韶关市 submitted, 河源市 with errors, 梅州市 returned, 广州市 uploaded only."""
    qingyuan, shaoguan, admin = site["qingyuan"], site["shaoguan"], site["admin"]
    qingyuan.upload([(table4("清远市", 50, 30), "清远市-表四.xlsx")])
    qingyuan.post(f"/versions/{newest(app, '清远市')}/submit")
    admin.post(f"/versions/{newest(app, '清远市')}/review", {"decision": "approve"})
    shaoguan.upload([(table4("韶关市", 40, 30), "韶关市-表四.xlsx")])
    shaoguan.post(f"/versions/{newest(app, '韶关市')}/submit")
    faulty = Submission(
        "表四",
        unit="河源市",
        rows=[
            project("知识产权高质量创造", "专利导航项目", 20, performance=""),
            project("强化知识产权保护", "知识产权纠纷多元化解", 10),
        ],
    ).xlsx()
    admin.upload([(faulty, "河源市-表四.xlsx")], unit="河源市")
    admin.upload([(table4("梅州市", 10, 5), "梅州市-表四.xlsx")], unit="梅州市")
    admin.post(f"/versions/{newest(app, '梅州市')}/submit")
    admin.post(
        f"/versions/{newest(app, '梅州市')}/review", {"decision": "return", "comment": "请补充"}
    )
    admin.upload([(table4("广州市", 100, 100), "广州市-表四.xlsx")], unit="广州市")


@pytest.mark.parametrize(
    ("now", "deadline_text"),
    [(BEFORE, "还剩 5 天"), (LAST_SECOND, "今天截止"), (AFTER, "已过截止时间")],
)
def test_statuses_deadline_and_overdue(tmp_path, monkeypatch, now, deadline_text):
    app = make_app(tmp_path, monkeypatch, NOW=now)
    site = Site(app)
    a_round_in_every_status(app, site)
    page = site["admin"].get("/")
    shown = text(page)
    assert "截止日期： 2023年12月15日 （当日 24 时止，北京时间）" in shown
    assert deadline_text in shown
    cells = matrix(page)
    assert len(cells) == 21
    late = " 逾期" if now is AFTER else ""
    assert {unit: cells[unit] for unit in ("清远市", "韶关市", "河源市", "梅州市", "广州市")} == {
        "清远市": "已通过",
        "韶关市": "已提交",
        "河源市": "有错误" + late,
        "梅州市": "已退回" + late,
        "广州市": "已上传未提交" + late,
    }
    assert cells["深圳市"] == "未提交" + late
    overdue = [unit for unit, cell in cells.items() if cell.endswith("逾期")]
    if now is AFTER:
        assert len(overdue) == 19
        assert "逾期未报： 广州市（陈晓敏 020-80000000）" in shown
        assert "逾期单位 19 个" in shown
    else:
        assert overdue == [] and "逾期未报" not in shown


def test_headline_totals_and_the_chart(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, NOW=BEFORE)
    site = Site(app)
    a_round_in_every_status(app, site)
    shown = text(site["admin"].get("/"))
    # 80 (清远市) + 70 (韶关市) + 30 (河源市, with errors) + 15 (梅州市) + 200 (广州市)
    assert "表四申报合计 395 万元" in shown
    assert "控制数合计 · 超出单位 160 万元 · 超出 1 个" in shown
    assert "必报表（共 21 张） 1 已通过 · 1 待审核" in shown
    assert "必报表未上传 16 张" in shown
    assert "表四 5 395" in shown  # the per-table totals: 5 units, 395 万元
    assert "其中 1 处仅有带错误的版本" in shown
    svg = re.search(r"<svg class=\"chart\".*?</svg>", site["admin"].get("/").text, re.S).group(0)
    assert "<title>韶关市：申报 70 万元，控制数 60</title>" in svg
    assert "<title>清远市：申报 80 万元，控制数 100</title>" in svg
    assert "<title>广州市：申报 200 万元，控制数 未设定</title>" in svg
    over = re.search(r"<title>韶关市.*?</g>", svg, re.S).group(0)
    assert 'class="bar-over"' in over
    assert 'class="bar-over"' not in re.search(r"<title>清远市.*?</g>", svg, re.S).group(0)


def test_a_unit_sees_its_own_row_and_totals(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, NOW=BEFORE)
    site = Site(app)
    a_round_in_every_status(app, site)
    page = site["qingyuan"].get("/")
    assert matrix(page) == {"清远市": "已通过"}
    shown = text(page)
    assert "表四申报合计 80 万元" in shown and "控制数 100 万元" in shown
    assert "韶关市" not in shown and "广州市" not in shown
    assert "联系人" not in shown
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page.text, re.S).group(0)
    assert svg.count("<title>") == 1


def test_the_units_page_is_its_receipt(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, NOW=BEFORE)
    site = Site(app)
    a_round_in_every_status(app, site)
    unit_link = re.search(r'href="(/units/\d+)">清远市', site["qingyuan"].get("/").text).group(1)
    receipt = text(site["qingyuan"].get(unit_link))
    assert "清远市 · 报送回执" in receipt
    assert "表四申报合计 80 万元（控制数 100 万元）" in receipt
    assert "表四 — 已通过 逾期提交 1" in receipt  # submitted after the round's 2023 deadline

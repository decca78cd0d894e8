"""A city's return forwarded to the province, in a real browser (issue 18): a county uploads and
submits in 清远市's round; 清远市 approves it, enters a 核定金额 and, in the province's round,
generates its return from its counties (生成上报版本) and submits it; the province sees the city's
return and opens the county file and cell behind a forwarded row; forwarding again after a county
change makes a new version whose difference to the one before names that row."""

from __future__ import annotations

import re

import pytest
import test_browser_e2e as e2e  # skips this module too where Chromium is missing
import test_browser_layout as layout
from builders import make_table, project
from playwright.sync_api import Page, expect
from test_browser_e2e import Shots, sign_in, sign_out

from budget_planner.templates.round import load_round

pytestmark = pytest.mark.browser
base_url, page = e2e.base_url, e2e.page
WITH_COUNTY_ROUND = True  # e2e.base_url opens 清远市's county round beside the province's

PROVINCE_TITLE = "2024年度知识产权项目需求征集"
COUNTY_TITLE = "2024年度清远市知识产权项目需求征集"
PROVINCE = "guangdong-2024"
CATEGORY = "知识产权高质量创造"
NAV, PUBLICITY = "专利导航项目", "知识产权保护宣传周活动"


def _county_file(tmp_path, amounts: dict[str, int], name: str) -> str:
    rows = [project(CATEGORY, project_name, a) for project_name, a in amounts.items()]
    path = tmp_path / name
    path.write_bytes(make_table("表四", "清城区", rows, round_=load_round("qingyuan-2024")))
    return str(path)


def _county_submits(page: Page, path: str) -> None:
    sign_in(page, "qingcheng")
    page.goto("/upload")
    page.set_input_files("#files", path)
    page.click("button:has-text('上传并校验')")
    expect(page.locator(".ok-box").first).to_contain_text("没有发现错误")
    page.click("a:has-text('查看此版本')")
    page.click("button:has-text('提交此版本')")
    expect(page.locator(".flash-success")).to_contain_text("已提交")
    sign_out(page)


def _switch(page: Page, title: str, part: str) -> None:
    """The round selector, as the user uses it (the choice is remembered)."""
    page.goto("/")
    if page.locator(".roundbar-title").inner_text().strip() != title:
        page.select_option("select#round_id", label=f"{title}（{part}）")
        page.click("button:has-text('切换轮次')")
        expect(page.locator(".roundbar-title")).to_have_text(title)


def _city_approves(page: Page, number: int) -> None:
    """清远市's 审核, in its county round, approves 清城区's newest 表四."""
    _switch(page, COUNTY_TITLE, "审核")
    page.click("table.matrix tr:has(td.unit a:text-is('清城区')) td.cell a")
    page.click(f"text=第 {number} 版")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('保存审核意见')")
    expect(page.locator(".flash-success")).to_contain_text("审核通过")


def _city_forwards(page: Page) -> str:
    """In the province round, from the city's own page: 生成上报版本; the version made."""
    _switch(page, PROVINCE_TITLE, "报送单位")
    page.click("table.matrix td.unit a:text-is('清远市')")
    page.click("a:has-text('生成上报版本')")
    expect(page.locator("h1")).to_contain_text("清远市 · 生成上报版本")
    row = page.locator("table.grid tr", has=page.locator("td", has_text="清城区"))
    expect(row).to_contain_text("已通过")
    expect(row).to_contain_text("转报")
    page.click("button:has-text('生成上报版本')")
    expect(page.locator(".flash-success")).to_contain_text("已生成上报版本（2 行来自下级单位）")
    found = re.search(r"/versions/\d+", page.url)
    assert found, page.url
    page.click("button:has-text('提交此版本')")
    expect(page.locator(".flash-success")).to_contain_text("已提交")
    return found.group(0)


def test_a_city_forwards_its_counties_and_the_province_sees_the_source(page: Page, tmp_path):
    shot = Shots(page)
    _county_submits(page, _county_file(tmp_path, {NAV: 30, PUBLICITY: 12}, "清城区-表四.xlsx"))

    sign_in(page, "qingyuan_lead")
    _city_approves(page, 1)
    # the 核定金额 of 清城区's 专利导航项目: cut to 20 万元
    page.click("nav >> text=核对与核定")
    page.click("tr:has(td.unit:text-is('清城区')) >> text=录入核定金额")
    page.fill(f"input[aria-label='{NAV}核定金额']", "20")
    page.fill(f"input[aria-label='{NAV}核减理由']", "压缩规模")
    page.click("button:has-text('保存核定金额')")
    expect(page.locator(".flash-success")).to_contain_text("已保存 1 项核定金额")
    first = _city_forwards(page)
    table = page.locator("table.all-columns")
    expect(table.locator("thead")).to_contain_text("来源单位")
    nav_row = table.locator("tbody tr", has=page.locator("td", has_text=NAV))
    expect(nav_row).to_contain_text("清城区")
    expect(nav_row.locator("td.num").last).to_have_text("20")
    shot("city-forwarded")
    sign_out(page)

    # the province: 清远市's return, and the county cell behind its 专利导航项目
    sign_in(page, "admin")
    page.goto(first)
    expect(page.locator("h1")).to_contain_text("表四")
    page.locator("table.all-columns tbody tr", has=page.locator("td", has_text=NAV)).locator(
        "a:has-text('清城区')"
    ).click()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("来源单位清城区")
    expect(facts).to_contain_text("清城区-表四.xlsx")
    expect(facts).to_contain_text("申报金额30 万元")
    expect(facts).to_contain_text("转报金额20 万元（清远市核定）")
    expect(facts.locator("dd.mono")).to_contain_text("工作表“Sheet1” E")
    with page.expect_download() as sent:
        page.click("a:has-text('下载原文件')")
    assert sent.value.suggested_filename == "清城区-表四.xlsx"
    shot("province-source")
    page.goto("/?round=qingyuan-2024")  # the county round itself stays closed to it
    expect(page.locator("main")).to_contain_text("页面不存在")
    sign_out(page)

    # the county changes a row; forwarding again makes a new version naming it
    _county_submits(page, _county_file(tmp_path, {NAV: 30, PUBLICITY: 15}, "清城区-表四-改.xlsx"))
    sign_in(page, "qingyuan_lead")
    _city_approves(page, 2)
    second = _city_forwards(page)
    assert second != first
    expect(page.locator("h1")).to_contain_text("第 2 版")
    changes = page.locator("table.field-diff")
    expect(changes).to_have_count(1)
    changed = changes.locator("tbody tr")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text(PUBLICITY)
    expect(changed).to_contain_text("金额变化")
    shot("city-forwarded-again")

    # the new pages at desk and phone width: nothing wider than the screen, no serious axe finding
    source = page.locator("table.all-columns a:has-text('清城区')").first.get_attribute("href")
    assert source is not None
    problems: list = []
    for width, (w, h) in layout.WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        for path in (f"/forwarding?round={PROVINCE}", source):
            layout.check_page(page, path, width, problems, lambda _name: None)
    assert problems == []
    sign_out(page)

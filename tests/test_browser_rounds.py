"""Two rounds open at once on one unit tree, in a real browser (Chromium through Playwright, as
test_browser_e2e.py): the province's round (广东省 collecting from its 地市) and 清远市's county round
(清远市 collecting from its 县市区).

- a county (清城区) uploads and submits in the 清远市 round;
- 清远市's account holding 审核 approves it there;
- the same person switches to the 广东 round with the selector and sees only 清远市's own tables
  there — as 报送单位, without the reviewer's pages;
- the county sees neither the province's round nor another county;
- the province's admin does not see the county round at all.
"""

from __future__ import annotations

import re

import pytest
import test_browser_e2e as e2e  # skips this module too where Chromium is missing
from builders import make_table, project
from playwright.sync_api import Page, expect
from test_browser_e2e import NAV, Shots, matrix_cell, sign_in, sign_out

pytestmark = pytest.mark.browser
base_url, page = e2e.base_url, e2e.page  # the served site and a Chromium page, as there
WITH_COUNTY_ROUND = True  # e2e.base_url opens 清远市's county round beside the province's

PROVINCE_TITLE = "2024年度知识产权项目需求征集"
COUNTY_TITLE = "2024年度清远市知识产权项目需求征集"
NOT_FOUND = "页面不存在"


def _table4(unit: str, amount: int) -> bytes:
    return make_table("表四", unit, [project("知识产权高质量创造", NAV, amount)])


def _upload(page: Page, path: str) -> None:
    page.goto("/upload")
    page.set_input_files("#files", path)
    page.click("button:has-text('上传并校验')")
    expect(page.locator(".ok-box").first).to_contain_text("没有发现错误")


def _version_path(page: Page) -> str:
    page.click("a:has-text('查看此版本')")
    found = re.search(r"(/versions/\d+)", page.url)
    assert found, page.url
    return found.group(1)


def _matrix_units(page: Page) -> list[str]:
    return [t.strip() for t in page.locator("table.matrix td.unit a").all_inner_texts()]


def test_a_county_round_beside_the_province_round(page: Page, tmp_path):
    shot = Shots(page)
    files = {}
    for unit, amount in (("清远市", 50), ("韶关市", 40), ("清城区", 30), ("英德市", 20)):
        path = tmp_path / f"{unit}-表四.xlsx"
        path.write_bytes(_table4(unit, amount))
        files[unit] = str(path)

    # the province's round: 清远市 and 韶关市 each file a 表四
    versions = {}
    for username, unit in (("qingyuan", "清远市"), ("shaoguan", "韶关市")):
        sign_in(page, username)
        expect(page.locator(".roundbar-title")).to_have_text(PROVINCE_TITLE)
        _upload(page, files[unit])
        versions[unit] = _version_path(page)
        sign_out(page)

    # the county round: 英德市 files, then 清城区 uploads and submits
    sign_in(page, "yingde")
    _upload(page, files["英德市"])
    versions["英德市"] = _version_path(page)
    sign_out(page)

    sign_in(page, "qingcheng")
    expect(page.locator(".roundbar-title")).to_have_text(COUNTY_TITLE)
    expect(page.locator("select#round_id")).to_have_count(0)  # one round: no selector
    _upload(page, files["清城区"])
    page.click("button:has-text('提交此版本')")
    expect(page.locator(".flash-success")).to_contain_text("已提交：表四第 1 版，等待市局审核")
    submitted = re.search(r"(/versions/\d+)", page.url)
    assert submitted, page.url
    county_version = submitted.group(1)
    page.click("nav >> text=报送情况")
    assert _matrix_units(page) == ["清城区"]  # its own row only
    assert matrix_cell(page, "清城区") == "已提交"
    shot("county-dashboard")

    # the county sees neither the province's round nor another county
    for path in (
        "/?round=guangdong-2024",
        f"{versions['清远市']}?round=guangdong-2024",
        versions["清远市"],
        versions["英德市"],
    ):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(NOT_FOUND)
    page.goto("/")
    expect(page.locator("main")).not_to_contain_text("英德市")
    expect(page.locator("body")).not_to_contain_text(PROVINCE_TITLE)
    sign_out(page)

    # 清远市's account holding 审核: its county round first, where it is the reviewer
    sign_in(page, "qingyuan_lead")
    expect(page.locator(".roundbar-title")).to_have_text(COUNTY_TITLE)
    expect(page.locator(".who-name")).to_contain_text("清远市（审核）")
    expect(page.locator("nav.mainnav >> text=管理")).to_be_visible()
    assert _matrix_units(page)[:3] == ["清城区", "清新区", "英德市"]  # its 县市区
    assert "韶关市" not in _matrix_units(page)
    shot("city-reviewer-dashboard")
    page.click("table.matrix tr:has(td.unit a:text-is('清城区')) td.cell a")
    page.click("text=第 1 版")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('保存审核意见')")
    expect(page.locator(".flash-success")).to_contain_text("审核通过")
    page.click("nav >> text=报送情况")
    assert matrix_cell(page, "清城区") == "已通过"

    # the same person switches to the 广东 round: only 清远市's own tables, as 报送单位
    page.select_option("select#round_id", label=f"{PROVINCE_TITLE}（报送单位）")
    page.click("button:has-text('切换轮次')")
    expect(page.locator(".flash-info")).to_contain_text(f"已切换到“{PROVINCE_TITLE}”")
    expect(page.locator(".roundbar-title")).to_have_text(PROVINCE_TITLE)
    expect(page.locator(".who-name")).to_contain_text("清远市（报送单位）")
    assert _matrix_units(page) == ["清远市"]
    assert matrix_cell(page, "清远市") == "已上传未提交"
    shot("city-as-submitter")
    nav = page.locator("nav.mainnav")
    expect(nav).to_contain_text("报送记录")
    for absent in ("管理", "核对与核定", "催报", "汇总下载"):
        expect(nav).not_to_contain_text(absent)
    page.click("nav >> text=报送记录")
    expect(page.locator("table.history")).to_contain_text("清远市-表四.xlsx")
    # 韶关市's version is not its to see, nor the county version it approved, in this round
    for path in (versions["韶关市"], county_version):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(NOT_FOUND)
    page.goto(versions["清远市"])
    expect(page.locator("h1")).to_contain_text("表四")
    # the choice is remembered: the next page is still the province's round
    page.goto("/")
    expect(page.locator(".roundbar-title")).to_have_text(PROVINCE_TITLE)
    sign_out(page)

    # the province's admin has no part in the county round: it does not exist for it
    sign_in(page, "admin")
    expect(page.locator("select#round_id")).to_have_count(0)
    assert "清城区" not in _matrix_units(page)
    page.goto("/?round=qingyuan-2024")
    expect(page.locator("main")).to_contain_text(NOT_FOUND)

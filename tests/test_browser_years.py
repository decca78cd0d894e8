"""Across years and units in a real browser (issue 19): 清远市 and 韶关市 each ask for the same
project of their own (a double request across two cities) and 清远市 asks again for a project of
last year; admin imports last year's plan on the site; finance sees the 重复申报, the 延续 project
with last year's amounts, and the comparison with last year, figure for figure."""

from __future__ import annotations

import pytest
import test_browser_e2e as e2e  # skips this module too where Chromium is missing
from builders import make_table, project
from last_year_files import plain_plan
from playwright.sync_api import Page, expect
from test_browser_e2e import Shots, sign_in, sign_out

pytestmark = pytest.mark.browser
base_url, page = e2e.base_url, e2e.page

NAV, OUTLET = "专利导航服务基地培育建设项目", "知识产权公共服务网点建设"
CREATE, SERVICE = "知识产权高质量创造", "知识产权高水平服务"


def _upload(page: Page, path: str) -> None:
    page.goto("/upload")
    page.set_input_files("#files", path)
    page.click("button:has-text('上传并校验')")
    expect(page.locator(".ok-box").first).to_contain_text("没有发现错误")


def _row(page: Page, sheet: str, *cells: str):
    """The row of a findings table holding every one of ``cells``."""
    rows = page.locator(f"table[data-sheet='{sheet}'] tbody tr")
    for cell in cells:
        rows = rows.filter(has=page.locator("td", has_text=cell))
    return rows


def _cells(row) -> list[str]:
    return [t.strip() for t in row.locator("td").all_inner_texts()]


def test_double_request_continuation_and_last_year(page: Page, tmp_path):
    shot = Shots(page)
    files = {
        "清远市": make_table(
            "表四",
            "清远市",
            [project(CREATE, NAV, 50), project(SERVICE, OUTLET, 15)],
        ),
        "韶关市": make_table("表四", "韶关市", [project(SERVICE, OUTLET, 20)]),
    }
    for username, unit in (("qingyuan", "清远市"), ("shaoguan", "韶关市")):
        path = tmp_path / f"{unit}-表四.xlsx"
        path.write_bytes(files[unit])
        sign_in(page, username)
        _upload(page, str(path))
        sign_out(page)

    # admin imports last year's plan (a plain sheet, as an office keeps it) on the site
    plan = tmp_path / "2023年分配方案.xlsx"
    plan.write_bytes(
        plain_plan(
            [
                ("清远市", "表四", CREATE, NAV, 40, 35, 120),
                ("清远市", "表四", "强化知识产权保护", "知识产权纠纷多元化解", 25, 20, 120),
                ("韶关市", "表四", CREATE, "高价值专利培育布局中心建设", 30, 30, 90),
            ]
        )
    )
    sign_in(page, "admin")
    page.goto("/admin/")
    page.click("a:has-text('导入上年分配方案')")
    expect(page.locator("main")).to_contain_text("本轮次还没有上年的轮次可供对比")
    page.set_input_files("#plan_file", str(plan))
    page.click("button:has-text('导入')")
    expect(page.locator(".flash")).to_contain_text(
        "已导入上年分配方案“2023年分配方案.xlsx”：3 个项目"
    )
    shot("last-year-imported")
    sign_out(page)

    sign_in(page, "finance")
    page.goto("/reconciliation/")
    page.click("a:has-text('重复申报与延续')")
    double = _row(page, "重复申报", "清远市 表四", "韶关市 表四")
    expect(double).to_have_count(1)
    found = _cells(double)
    pairs = {
        (found[1].split(" 第")[0], found[2], found[3]),
        (found[4].split(" 第")[0], found[5], found[6]),
    }
    assert pairs == {("清远市 表四", OUTLET, "15"), ("韶关市 表四", OUTLET, "20")}
    assert found[7] == "名称相同"
    continued = _row(page, "延续项目", NAV)
    expect(continued).to_have_count(1)
    assert _cells(continued) == [
        "清远市", "表四", CREATE, NAV, "50", NAV, "40", "35", "项目标识相同",
    ]  # fmt: skip
    expect(_row(page, "延续项目", OUTLET)).to_have_count(0)  # new this year
    shot("findings")

    page.goto("/reconciliation/")
    page.click("a:has-text('与上年对比')")
    headers = page.locator("table[data-sheet='上年对比'] thead th").all_inner_texts()
    assert [h.strip() for h in headers] == [
        "单位", "类型", "2024年申报", "2023年申报", "申报增减", "2024年核定", "2023年核定",
        "核定增减", "2024年控制数", "2023年控制数", "控制数增减",
    ]  # fmt: skip
    qingyuan = _row(page, "上年对比", "清远市", "合计")
    assert _cells(qingyuan) == [
        "清远市",
        "合计",
        "65",
        "65",
        "0",
        "",
        "55",
        "",
        "100",
        "120",
        "-20",
    ]
    assert _cells(_row(page, "上年对比", "清远市", CREATE)) == [
        "清远市", CREATE, "50", "40", "10", "", "35", "", "", "", "",
    ]  # fmt: skip
    assert _cells(_row(page, "上年对比", "韶关市", "合计")) == [
        "韶关市", "合计", "20", "30", "-10", "", "30", "", "60", "90", "-30",
    ]  # fmt: skip
    shot("last-year")

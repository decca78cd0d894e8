"""The whole round in a real browser: Chromium (Debian's, with fonts-noto-cjk) driven by Playwright
against the site served by waitress on 127.0.0.1, as ``budget-planner serve`` serves it.

A unit signs in, uploads a 表四 with an error and sees the cell, downloads the annotated file,
uploads the corrected file and submits it; admin approves it; finance enters the 核定金额; the
dashboard shows 已通过; the consolidated workbook and the allocation plan hold the unit's figures.

Skipped where ``/usr/bin/chromium`` is missing, unless ``CI`` is set: in CI it must run. Set
``BUDGET_PLANNER_SCREENSHOTS`` to a folder to keep a full-page screenshot of every page visited.
"""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import make_table, project
from openpyxl import load_workbook
from webclient import PASSWORD, seed

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
NAV, DISPUTE = "专利导航项目", "知识产权纠纷多元化解"

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("没有 /usr/bin/chromium（CI 中由 .ci/run 安装）", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def table4(second: object) -> bytes:
    rows = [
        project("知识产权高质量创造", NAV, 50),
        project("强化知识产权保护", DISPUTE, second),
    ]
    return make_table("表四", "清远市", rows)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def base_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    """The site on its own SQLite database, served by waitress in a thread (the real parse worker
    pool, real errors pages: no TESTING); a module setting ``WITH_COUNTY_ROUND`` also gets
    清远市's county round open beside the province's, with its accounts."""
    from waitress.server import create_server

    from budget_planner.storage import accounts
    from budget_planner.validators.intake import worker
    from budget_planner.web.app import create_app

    monkeypatch.setattr(accounts, "PASSWORD_METHOD", "pbkdf2:sha256:1000")
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
            "SESSION_COOKIE_SECURE": False,  # plain http on 127.0.0.1
        }
    )
    seed(app, county=getattr(request.module, "WITH_COUNTY_ROUND", False))
    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.close()
    thread.join(timeout=5)
    app.extensions["budget_planner.db"]["engine"].dispose()
    worker.shutdown()


@pytest.fixture
def page(base_url) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            base_url=base_url,
            accept_downloads=True,
            locale="zh-CN",
            viewport={"width": 1360, "height": 900},
        )
        context.set_default_timeout(30_000)
        yield context.new_page()
        context.close()
        browser.close()


class Shots:
    """Full-page screenshots when BUDGET_PLANNER_SCREENSHOTS names a folder."""

    def __init__(self, page: Page) -> None:
        folder = os.environ.get("BUDGET_PLANNER_SCREENSHOTS")
        self.page, self.folder, self.count = page, Path(folder) if folder else None, 0

    def __call__(self, name: str) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        self.page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('登录')")
    expect(page.locator(".who-name")).to_contain_text(username)


def sign_out(page: Page) -> None:
    page.click("button:has-text('退出')")
    expect(page.locator(".flash")).to_contain_text("您已退出登录")


def download(page: Page, link: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(link)
    found = info.value
    return found.suggested_filename, Path(found.path()).read_bytes()


def matrix_cell(page: Page, unit: str) -> str:
    row = page.locator("table.matrix tr", has=page.locator(f"td.unit a:text-is('{unit}')"))
    return row.locator("td.cell").first.inner_text().strip()


def test_a_round_from_upload_to_allocation_plan(page: Page, tmp_path):
    shot = Shots(page)
    faulty, fixed = tmp_path / "清远市-表四.xlsx", tmp_path / "清远市-表四（改）.xlsx"
    faulty.write_bytes(table4(-30))
    fixed.write_bytes(table4(30))

    # the unit: an upload with an error, every problem shown with its cell
    sign_in(page, "qingyuan")
    shot("unit-dashboard")
    page.click("nav >> text=上传报送")
    shot("upload-form")
    page.set_input_files("#files", str(faulty))
    page.click("button:has-text('上传并校验')")
    expect(page.locator(".error-box").first).to_contain_text("发现 1 处错误")
    problem = page.locator("table.issues tr.is-error").first
    expect(problem.locator("td").nth(2)).to_have_text("E6")
    expect(problem).to_contain_text("金额")
    shot("upload-errors")

    # the annotated file marks that cell
    name, data = download(page, "text=下载标注问题的文件")
    assert name == "清远市-表四-标注.xlsx"
    marked = load_workbook(io.BytesIO(data)).worksheets[0]
    assert marked["E6"].comment is not None and "负数" in marked["E6"].comment.text

    # the corrected file, submitted
    page.set_input_files("#files", str(fixed))
    page.click("button:has-text('上传并校验')")
    expect(page.locator(".ok-box").first).to_contain_text("没有发现错误")
    page.click("button:has-text('提交此版本')")
    expect(page.locator(".flash-success")).to_contain_text("已提交：表四第 2 版")
    page.click("nav >> text=报送记录")
    expect(page.locator("table.history")).to_contain_text("与第 1 版相比：金额变化 1 项")
    shot("unit-history")
    sign_out(page)

    # admin approves it
    sign_in(page, "admin")
    shot("admin-dashboard")
    page.click("table.matrix tr:has(td.unit a:text-is('清远市')) td.cell a")
    page.click("text=第 2 版")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('保存审核意见')")
    expect(page.locator(".flash-success")).to_contain_text("审核通过")
    shot("admin-approved")
    sign_out(page)

    # finance enters the 核定金额
    sign_in(page, "finance")
    page.click("nav >> text=核对与核定")
    shot("reconciliation")
    page.click("tr:has(td.unit:text-is('清远市')) >> text=录入核定金额")
    page.fill(f"input[aria-label='{NAV}核定金额']", "45")
    page.fill(f"input[aria-label='{NAV}核减理由']", "压缩规模")
    page.fill(f"input[aria-label='{DISPUTE}核定金额']", "25")
    page.fill(f"input[aria-label='{DISPUTE}核减理由']", "压缩规模")
    page.click("button:has-text('保存核定金额')")
    expect(page.locator(".flash-success")).to_contain_text("已保存 2 项核定金额")
    shot("allocation-saved")

    # the dashboard shows 已通过
    page.click("nav >> text=报送情况")
    assert matrix_cell(page, "清远市") == "已通过"
    shot("finance-dashboard")

    # the consolidated workbook and the allocation plan hold the unit's figures
    page.click("nav >> text=汇总下载")
    shot("downloads")
    name, data = download(page, "text=下载汇总表")
    assert name == "2024年度知识产权项目需求征集汇总表.xlsx"
    sheet = load_workbook(io.BytesIO(data))["表四"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = values[2]
    amount, approved, project_col = (header.index(h) for h in ("金额", "核定金额", "拟设置项目"))
    figures = {r[project_col]: (r[amount], r[approved]) for r in values if r[0] == "清远市"}
    assert figures == {NAV: (50, 45), DISPUTE: (30, 25)}

    name, data = download(page, "text=下载分配方案")
    assert name == "2024年度知识产权项目需求征集分配方案.xlsx"
    plan = [
        list(r) for r in load_workbook(io.BytesIO(data))["分配方案"].iter_rows(values_only=True)
    ]
    lines = {r[3]: r[4:7] for r in plan if r[0] == "清远市"}
    assert lines == {NAV: [50, 45, 5], DISPUTE: [30, 25, 5]}
    subtotal = next(r for r in plan if r[0] == "清远市 表四 小计")
    assert subtotal[7] == 100  # the control number, beside the 表四 subtotal
    assert re.fullmatch(r"=F\d+-H\d+", subtotal[8])

"""Every page each role reaches, at a desk (1366×768) and on a phone (390×844), in Chromium (as
test_browser_e2e.py): the navigation is inside the top bar and on screen, it works when clicked at
390 px, no page is wider than the screen, and axe-core finds no serious or critical problem
(contrast, names of fields and buttons, landmarks …). On paper (print media) the receipt, review,
reconciliation and history pages have no navigation and no table wider than the page.

The pages are found, not listed: from the navigation, every link of this site on those pages and
on the pages they lead to (one page per address pattern), so a page added later is covered too.
Set ``BUDGET_PLANNER_SCREENSHOTS`` to a folder to keep a full-page screenshot of each.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import test_browser_e2e as e2e  # skips this module too where Chromium is missing
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from test_browser_e2e import sign_in, sign_out, table4
from webclient import SCAN

pytestmark = pytest.mark.browser
base_url, page = e2e.base_url, e2e.page  # the served site and a Chromium page, as there

WIDTHS = {"desk": (1366, 768), "phone": (390, 844)}
ROLES = {"unit": "qingyuan", "reviewer": "admin", "finance": "finance"}  # admin: 审核 and 管理
BAD = ("serious", "critical")
NOT_A_PAGE = re.compile(r"/logout|shown=|\.xlsx|/file$|/annotated|/attachments/|/api/")
LIMIT = 40  # pages per role, at most
AXE = Axe()


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def _links(page: Page) -> list[str]:
    found = page.eval_on_selector_all(
        "header a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    return [h for h in found if h and h.startswith("/") and not h.startswith("//")]


def crawl(page: Page, start: list[str]) -> list[str]:
    """The site's pages reachable from ``start``: HTML answers only, one per address pattern."""
    seen, queue, pages = set(), list(start), []
    while queue and len(pages) < LIMIT:
        path = queue.pop(0).split("#")[0]
        if not path or NOT_A_PAGE.search(path) or _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        answer = page.request.get(path)
        if not answer.ok or "text/html" not in answer.headers.get("content-type", ""):
            continue
        pages.append(path)
        page.goto(path)
        queue += _links(page)
    return pages


def nav_links(page: Page) -> list[tuple[str, str]]:
    """(text, href) of every link in the top bar."""
    return page.eval_on_selector_all(
        "header.topbar a[href]",
        "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])",
    )


def check_page(page: Page, path: str, width: str, problems: list, shot) -> None:
    page.goto(path)
    inner = page.evaluate("innerWidth")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > inner:
        problems.append((width, path, f"页面宽 {wide}px，超过屏幕 {inner}px"))
    bar = page.locator("header.topbar").bounding_box()
    assert bar is not None
    for text, href in nav_links(page):
        link = page.locator(f"header.topbar a[href='{href}']").first
        box = link.bounding_box()
        if not link.is_visible() or box is None:
            problems.append((width, path, f"导航“{text}”看不见"))
            continue
        inside = (
            box["x"] >= 0
            and box["x"] + box["width"] <= inner
            and box["y"] >= bar["y"]
            and box["y"] + box["height"] <= bar["y"] + bar["height"]
        )
        if not inside:
            problems.append((width, path, f"导航“{text}”不在顶栏内或超出屏幕"))
    for violation in AXE.run(page).response["violations"]:
        if violation["impact"] in BAD:
            targets = [n["target"] for n in violation["nodes"]][:3]
            problems.append(
                (width, path, f"axe {violation['id']} ({violation['impact']}) {targets}")
            )
    shot(f"{width}-{path}")


class Shots:
    def __init__(self, page: Page, role: str) -> None:
        folder = os.environ.get("BUDGET_PLANNER_SCREENSHOTS")
        self.page, self.role, self.count = page, role, 0
        self.folder = Path(folder) if folder else None

    def __call__(self, name: str) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        slug = re.sub(r"[^\w-]+", "_", name).strip("_")[:80]
        self.page.screenshot(
            path=self.folder / f"{self.role}-{self.count:02d}-{slug}.png", full_page=True
        )


def click_through_the_navigation(page: Page, problems: list) -> None:
    """At phone width, each link of the top bar is clicked (as a thumb would) and leads there."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    for text, href in nav_links(page):
        page.goto("/")
        link = page.locator(f"header.topbar a[href='{href}']").first
        try:
            link.click(timeout=5_000)
            page.wait_for_load_state()
        except Exception as exc:  # reported with the others
            problems.append(("phone", "/", f"导航“{text}”点不了：{type(exc).__name__}"))
            continue
        lands = urlsplit(page.request.get(href).url).path  # where the link leads (redirects too)
        if urlsplit(page.url).path != lands:
            problems.append(("phone", "/", f"导航“{text}”打开了 {page.url}"))


def prepare(page: Page, tmp_path: Path) -> None:
    """A round with something in it: 清远市 uploads a 表四 with an error, then a fixed one and
    submits it; admin approves it."""
    faulty, fixed = tmp_path / "清远市-表四.xlsx", tmp_path / "清远市-表四（改）.xlsx"
    faulty.write_bytes(table4(-30))
    fixed.write_bytes(table4(30))
    sign_in(page, "qingyuan")
    for path in (faulty, fixed):
        page.goto("/upload")
        page.set_input_files("#files", str(path))
        page.click("button:has-text('上传并校验')")
    page.click("button:has-text('提交此版本')")
    expect(page.locator(".flash-success")).to_contain_text("已提交")
    sign_out(page)
    sign_in(page, "admin")
    page.click("table.matrix tr:has(td.unit a:text-is('清远市')) td.cell a")
    page.click("text=第 2 版")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('保存审核意见')")
    expect(page.locator(".flash-success")).to_contain_text("审核通过")
    sign_out(page)


def every_page(page: Page, role: str, start: list[str], extra: tuple[str, ...] = ()) -> list:
    shot, problems = Shots(page, role), []
    page.set_viewport_size({"width": 1366, "height": 768})
    pages = crawl(page, start) + list(extra)
    assert len(pages) >= 3, pages
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        for path in pages:
            check_page(page, path, width, problems, shot)
    return problems


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_at_desk_and_phone_width(page: Page, tmp_path, role):
    prepare(page, tmp_path)
    sign_in(page, ROLES[role])
    extra = ()
    if role == "unit":  # the results of an upload: a problem by cell, a scan of the wrong kind
        page.goto("/upload")
        page.set_input_files("#files", str(tmp_path / "清远市-表四.xlsx"))
        page.set_input_files("#attachment", str(tmp_path / "清远市-表四.xlsx"))
        page.click("button:has-text('上传并校验')")
        expect(page.locator(".scan-refused")).to_contain_text("盖章扫描件未上传")
        expect(page.locator("table.issues")).to_contain_text("E6")
        extra = (urlsplit(page.url).path + "?" + urlsplit(page.url).query,)
    page.goto("/")
    start = ["/"] + [href for _text, href in nav_links(page)]
    problems = every_page(page, role, start, extra)
    click_through_the_navigation(page, problems)
    assert problems == []


def test_before_sign_in_the_login_and_help_pages(page: Page):
    problems = every_page(page, "visitor", ["/login", "/help"])
    assert problems == []


PRINTED = {  # what goes on paper: history (the receipt), review, reconciliation
    "finance": ["/reconciliation/", "reconcile-unit"],
    "unit": ["history", "version"],
}


def test_on_paper_no_navigation_and_no_table_cut(page: Page, tmp_path):
    prepare(page, tmp_path)
    shot = Shots(page, "print")
    sign_in(page, "qingyuan")
    page.click("header >> text=报送记录")
    history = urlsplit(page.url).path
    page.locator("main a:has-text('第 2 版')").first.click()
    version = urlsplit(page.url).path
    sign_out(page)
    sign_in(page, "finance")
    page.goto("/reconciliation/")
    page.click("tr:has(td.unit:text-is('清远市')) >> text=录入核定金额")
    reconcile_unit = urlsplit(page.url).path
    page.set_viewport_size({"width": 720, "height": 1000})  # an A4 page's printable width
    page.emulate_media(media="print")
    wrong = []
    for path in ("/reconciliation/", reconcile_unit, history, version):
        page.goto(path)
        if page.locator("header.topbar").is_visible():
            wrong.append((path, "导航被打印"))
        inner = page.evaluate("innerWidth")
        for right in page.eval_on_selector_all(
            "table", "els => els.map(e => e.getBoundingClientRect().right)"
        ):
            if right > inner + 1:
                wrong.append((path, f"表格右边到 {right:.0f}px，纸宽 {inner}px"))
        heads = page.eval_on_selector_all(
            "table.grid thead", "els => els.map(e => getComputedStyle(e).display)"
        )
        if any(h != "table-header-group" for h in heads):
            wrong.append((path, f"表头不会每页重复：{heads}"))
        shot(f"print-{path}")
    # the unit's history page (the receipt) is among them: the login box is not
    assert history.endswith("/history") and "/versions/" in version
    assert wrong == []


DROP = """([files]) => {
  const box = document.querySelector('[data-upload-box]');
  const dt = new DataTransfer();
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    dt.items.add(new File([bytes], name));
  }
  box.dispatchEvent(new DragEvent('dragenter', {dataTransfer: dt, bubbles: true, cancelable: true}));
  box.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""


def test_files_dropped_on_the_upload_box_are_listed_in_chinese_and_uploaded(page: Page):
    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    sign_in(page, "qingyuan")
    page.goto("/upload")
    expect(page.locator("label[for=files]")).to_have_text("选择文件")  # not the browser's own
    expect(page.locator("[data-none-for=files-chosen]")).to_have_text("未选择文件")
    dropped = [
        ["清远市-表四.xlsx", b64(table4(30))],
        ["盖章件.pdf", b64(SCAN)],
        ["说明.zip", b64(b"PK\x03\x04")],
    ]
    page.evaluate(DROP, [dropped])
    expect(page.locator("#files-chosen li")).to_have_count(1)
    expect(page.locator("#files-chosen li")).to_contain_text(
        re.compile(r"清远市-表四.xlsx（\d+ KB）")
    )
    expect(page.locator("[data-none-for=files-chosen]")).to_have_text("已选择 1 个文件")
    expect(page.locator("#attachment-chosen li")).to_contain_text("盖章件.pdf")
    expect(page.locator(".drop-note")).to_contain_text("不支持的文件类型，未加入：说明.zip")
    page.click("button:has-text('上传并校验')")
    expect(page.locator(".ok-box").first).to_contain_text("没有发现错误")
    expect(page.locator(".not-stored, .scan-refused")).to_have_count(0)
    assert "shown=" in page.url  # the results came after a redirect: 后退 resends nothing
    page.click("a:has-text('查看此版本')")
    expect(page.locator("main")).to_contain_text("盖章件.pdf")
    page.go_back()
    expect(page.locator(".ok-box").first).to_contain_text("没有发现错误")  # no 确认重新提交表单


def test_every_file_chooser_speaks_chinese(page: Page, tmp_path):
    """The control-number and last-year choosers use the upload page's words, not the browser's."""
    chosen = tmp_path / "控制数.csv"
    chosen.write_text("单位,控制数\n清远市,100\n", encoding="utf-8")
    sign_in(page, "admin")  # 审核 imports last year's plan; the control numbers are on 核对与核定
    for path, chooser in (("/reconciliation/", "control_file"), ("/last-year/", "plan_file")):
        page.goto(path)
        expect(page.locator(f"label[for={chooser}]")).to_have_text("选择文件")
        none = page.locator(f"[data-none-for={chooser}-chosen]")
        expect(none).to_have_text("未选择文件")
        page.set_input_files(f"#{chooser}", str(chosen))
        expect(none).to_have_text("已选择 1 个文件")
        expect(page.locator(f"#{chooser}-chosen li")).to_contain_text("控制数.csv")

"""The money workflow in a real browser (Chromium through Playwright, as test_browser_e2e.py):

- a unit's mis-upload after its submission keeps the submitted version counting, and is deleted;
- another unit's file is refused whole;
- finance is refused 核定金额 on an errored, an unsubmitted and a nameless row (no field to type
  in, the reason shown; a forged form is refused too);
- the unit sees no 核定金额 before 发布, the published figures after, and not the later edits.
"""

from __future__ import annotations

import re

import pytest
import test_browser_e2e as e2e  # skips this module too where Chromium is missing
from builders import make_table, project
from playwright.sync_api import Page, expect
from test_browser_e2e import DISPUTE, NAV, matrix_cell, sign_in, sign_out, table4

pytestmark = pytest.mark.browser
base_url, page = e2e.base_url, e2e.page  # the served site and a Chromium page, as there

NAV_KEY = f"清远市|表四|知识产权高质量创造|{NAV}"
PATENT = "高价值专利培育"  # 表一, uploaded, never submitted
AGENCY = "代办处运行"  # 表三, in a version with errors


def _files(tmp_path) -> dict[str, str]:
    made = {
        "表四.xlsx": table4(30),
        "表四（旧稿）.xlsx": table4(-30),
        "韶关市-表四.xlsx": make_table("表四", "韶关市", [project("知识产权高质量创造", NAV, 60)]),
        "表一.xlsx": make_table(
            "表一", "清远市", [project("知识产权高质量创造", PATENT, 20, funding=20)]
        ),
        "表三.xlsx": make_table(
            "表三",
            "清远市",
            [
                project("知识产权管理", AGENCY, 15, funding=15),
                project("知识产权管理", "", 5, funding=5, work="开展宣传工作"),  # no name
            ],
        ),
    }
    paths = {}
    for name, data in made.items():
        path = tmp_path / ("清远市-" + name if not name.startswith("韶关市") else name)
        path.write_bytes(data)
        paths[name] = str(path)
    return paths


def _upload(page: Page, path: str) -> None:
    page.goto("/upload")
    page.set_input_files("#files", path)
    page.click("button:has-text('上传并校验')")
    expect(page.locator("h2:has-text('校验结果')")).to_be_visible()


def _version_id(page: Page) -> int:
    found = re.search(r"/versions/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def test_mis_upload_foreign_file_refused_amounts_and_publication(page: Page, tmp_path):
    files = _files(tmp_path)

    # the unit submits its 表四 …
    sign_in(page, "qingyuan")
    _upload(page, files["表四.xlsx"])
    page.click("button:has-text('提交此版本')")
    expect(page.locator(".flash-success")).to_contain_text("已提交：表四第 1 版")
    submitted = _version_id(page)

    # … is told before the next upload what it will not replace, then uploads an old draft
    page.goto("/upload")
    expect(page.locator(".standing")).to_contain_text(
        "表四：已提交第 1 版；新上传的文件需要再次提交才会替换"
    )
    page.set_input_files("#files", files["表四（旧稿）.xlsx"])
    page.click("button:has-text('上传并校验')")
    expect(page.locator(".beside")).to_contain_text(
        "已提交的第 1 版仍然计入；此版本需要提交后才会替换它。"
    )
    expect(page.locator(".error-box").first).to_contain_text("发现 1 处错误")
    page.click("a:has-text('查看此版本')")
    draft = page.url
    page.goto("/")
    assert matrix_cell(page, "清远市") == "已提交"  # the submission still counts: 50 + 30
    main = re.sub(r"\s+", " ", page.locator("main").inner_text())
    assert "80" in re.search(r"申报合计[^万]*万元", main).group(0)

    # the bad draft is deleted: kept in the history as 已撤销, the submission still counts
    page.goto(draft)
    expect(page.locator("h1 .version-state")).to_have_text("有错误")
    page.click("button:has-text('撤销此版本')")
    expect(page.locator(".flash-success")).to_contain_text("已撤销：表四第 2 版")
    page.click("nav >> text=报送记录")
    rows = page.locator("table.history tr.version-row")
    expect(rows.nth(0)).to_contain_text("第 2 版")
    expect(rows.nth(0)).to_contain_text("已撤销")
    expect(rows.nth(1)).to_contain_text("已提交")
    expect(rows.nth(1)).to_contain_text("计入")

    # another unit's file is refused whole: nothing stored
    _upload(page, files["韶关市-表四.xlsx"])
    expect(page.locator(".refused")).to_contain_text(
        "填写的单位是韶关市，不是本单位（清远市）的文件，未保存"
    )
    page.click("nav >> text=报送记录")
    expect(page.locator("table.history tr.version-row")).to_have_count(2)

    # 表一 uploaded but not submitted; 表三 with errors, one row without a name
    _upload(page, files["表一.xlsx"])
    _upload(page, files["表三.xlsx"])
    expect(page.locator(".error-box").first).to_contain_text("发现 1 处错误")
    sign_out(page)

    # admin approves the 表四 submission
    sign_in(page, "admin")
    page.goto(f"/versions/{submitted}")
    page.check("input[name=decision][value=approve]")
    page.click("button:has-text('保存审核意见')")
    expect(page.locator(".flash-success")).to_contain_text("审核通过")
    sign_out(page)

    # finance: only 表四's rows take an amount; the others say why not
    sign_in(page, "finance")
    page.click("nav >> text=核对与核定")
    page.click("tr:has(td.unit:text-is('清远市')) >> text=录入核定金额")
    form_url = page.url
    refused = page.locator("tr.refused-row")
    expect(refused).to_have_count(3)
    expect(refused.filter(has_text=PATENT)).to_contain_text(
        "不能核定：表一第 1 版尚未提交，不能核定"
    )
    expect(refused.filter(has_text=AGENCY)).to_contain_text("不能核定：表三第 1 版有错误，不能核定")
    expect(refused.filter(has_text="（无项目名称）")).to_contain_text(
        "不能核定：表三第 1 版第 6 行没有项目名称，不能核定"
    )
    expect(refused.locator("input")).to_have_count(0)
    # a form forged with the refused rows' keys is refused too, nothing saved
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    forged = page.request.post(
        form_url,
        form={
            "csrf_token": token,
            "key-91": f"清远市|表一|知识产权高质量创造|{PATENT}",
            "amount-91": "10",
            "key-92": f"清远市|表三|知识产权管理|{AGENCY}",
            "amount-92": "10",
            "key-93": "清远市|表三|知识产权管理|",
            "amount-93": "5",
        },
    )
    shown = forged.text()
    assert "核定金额未保存" in shown
    assert "表一第 1 版尚未提交，不能核定" in shown and "表三第 1 版有错误，不能核定" in shown
    assert "表三第 1 版第 6 行没有项目名称，不能核定" in shown
    page.fill(f"input[aria-label='{NAV}核定金额']", "45")
    page.fill(f"input[aria-label='{NAV}核减理由']", "压缩培训规模")
    page.fill(f"input[aria-label='{DISPUTE}核定金额']", "30")
    page.click("button:has-text('保存核定金额')")
    expect(page.locator(".flash-success")).to_contain_text("已保存 2 项核定金额")
    sign_out(page)

    # the unit sees no 核定金额 before 发布
    sign_in(page, "qingyuan")
    page.goto(f"/versions/{submitted}")
    expect(page.locator(".allocation-note")).to_have_text("财务尚未发布核定金额。")
    expect(page.locator("td.approved")).to_have_count(0)
    page.goto("/")
    page.click("table.matrix td.unit a:text-is('清远市')")
    expect(page.locator("section.published")).to_contain_text("财务尚未发布核定金额")
    api = page.request.get(f"/api/v1/versions/{submitted}").json()
    assert {a["project"]: a["approved"] for a in api["allocations"]} == {NAV: None, DISPUTE: None}
    sign_out(page)

    # finance publishes, then changes an amount without publishing again
    sign_in(page, "finance")
    page.click("nav >> text=核对与核定")
    page.click("button:has-text('发布核定金额')")
    expect(page.locator(".flash-success")).to_contain_text("已发布第 1 次核定金额（2 个项目）")
    page.goto(form_url)
    page.fill(f"input[aria-label='{NAV}核定金额']", "40")
    page.click("button:has-text('保存核定金额')")
    expect(page.locator(".flash-success")).to_contain_text("已保存 1 项核定金额")
    sign_out(page)

    # the unit sees the published figures, not the later edit
    sign_in(page, "qingyuan")
    page.goto(f"/versions/{submitted}")
    expect(page.locator(".allocation-note")).to_contain_text("核定金额为财务")
    approved = page.locator("td.approved")
    expect(approved).to_have_text(["45", "30"])
    expect(page.locator("tr", has_text=NAV)).to_contain_text("压缩培训规模")
    page.goto("/")
    page.click("table.matrix td.unit a:text-is('清远市')")
    published = page.locator("section.published")
    expect(published.locator("tr", has_text=NAV)).to_contain_text("45")
    api = page.request.get(f"/api/v1/versions/{submitted}").json()
    assert {a["project"]: a["approved"] for a in api["allocations"]} == {NAV: "45", DISPUTE: "30"}
    listed = page.request.get("/api/v1/allocations").json()
    assert {p["key"]: p["approved"] for p in listed["published"]["projects"]}[NAV_KEY] == "45"
    assert "entered" not in listed  # a unit never sees the amounts being entered

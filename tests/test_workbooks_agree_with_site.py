"""On the demo round (every status, every version state), the downloads say what the site says:
the consolidated workbook's 完成情况 is the dashboard's matrix cell for cell, the allocation plan's
按单位 结论 is the reconciliation page's, and every plan line's 版本状态 is the state of the version
that counts on the site."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from budget_planner.web import demo as demo_module


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo database, served by an app as ``budget-planner demo`` serves it."""
    from budget_planner.storage import accounts
    from budget_planner.web import create_app

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "PASSWORD_METHOD", "pbkdf2:sha256:1000")
        info = demo_module.prepare_demo(folder)
        app = create_app(
            {"TESTING": True, "INSTANCE_PATH": str(folder), "DATABASE_URL": info.database_url}
        )
        yield app
    app.extensions["budget_planner.db"]["engine"].dispose()
    from budget_planner.validators.intake import worker

    worker.shutdown()


def login(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    answer = client.post(
        "/login",
        data={"username": username, "password": demo_module.DEMO_PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302, username
    return client


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def site_matrix(client) -> dict[tuple[str, str], str]:
    """The dashboard's matrix as a person reads it: (unit, table) → the status (and 预算表's
    project count), without the tags (逾期, 通过后又上传)."""
    html = client.get("/").get_data(as_text=True)
    table = re.search(r'<table class="grid matrix">(.*?)</table>', html, re.S).group(1)
    heads = [plain(h) for h in re.findall(r"<th>(.*?)</th>", table, re.S)]
    tables = [h.split("（")[0].strip() for h in heads[1:] if h.endswith(("（必报）", "（选报）"))]
    found = {}
    for row in re.findall(r"<tr[^>]*>\s*<td class=\"unit\">(.*?)</tr>", table, re.S):
        unit = plain(re.search(r"<a [^>]*>(.*?)</a>", row).group(1))
        cells = re.findall(r'<td class="cell">(.*?)</td>', row, re.S)
        for name, cell in zip(tables, cells, strict=True):
            cell = re.sub(r'<span class="tag [^"]*">.*?</span>', "", cell, flags=re.S)
            found[(unit, name)] = plain(cell)
    return found


def workbook_rows(data: bytes, sheet: str, header: int) -> list[list]:
    ws = load_workbook(io.BytesIO(data))[sheet]
    return [list(r) for r in ws.iter_rows(min_row=header, values_only=True)]


def test_completeness_sheet_is_the_dashboard_matrix(demo):
    admin = login(demo, "admin")
    site = site_matrix(admin)
    assert {s for s in site.values()} >= {
        "已通过",
        "已提交",
        "已退回",
        "有错误",
        "已上传未提交",
        "未提交",
        "—",
    }
    rows = workbook_rows(admin.get("/exports/consolidated.xlsx").data, "完成情况", 3)
    header = rows[0]
    book = {}
    for row in rows[1:]:
        if not row[0] or row[0] == "单位":
            break
        for col, table in enumerate(header[1:6], start=1):
            book[(row[0], table)] = row[col]
    assert site  # every cell the site shows, word for word
    assert {k: book[k] for k in site} == site
    assert book[("深圳市", "表一")] == "已退回"  # an approval withdrawn
    assert book[("梅州市", "表四")] == "已提交"  # its deleted mis-upload does not count
    assert book[("东莞市", "表四")] == "已上传未提交"  # not 已提交, as it used to say


def site_verdicts(client) -> dict[str, str]:
    html = client.get("/reconciliation/").get_data(as_text=True)
    found = {}
    for unit, verdict in re.findall(
        r'<td class="unit nowrap">(.*?)</td>.*?<td class="nowrap verdict">(.*?)</td>', html, re.S
    ):
        found[unit] = plain(verdict)
    return found


def test_by_unit_sheet_is_the_reconciliation_page(demo):
    finance = login(demo, "finance")
    site = site_verdicts(finance)
    assert len(site) == 21 and "未报表四" in site.values()
    rows = workbook_rows(finance.get("/exports/allocation-plan.xlsx").data, "按单位", 3)
    assert rows[0][0] == "单位" and rows[0][8] == "结论"
    book = {row[0]: row[8] for row in rows[1:] if row[0] and row[0] != "合计"}
    assert book == site
    assert book["河源市"] == "未报表四"  # it sent 表一 only: not 未超出, as it used to say


def test_each_plan_line_says_its_versions_state(demo):
    from budget_planner.storage import repository
    from budget_planner.web import db

    finance = login(demo, "finance")
    rows = workbook_rows(finance.get("/exports/allocation-plan.xlsx").data, "分配方案", 4)
    assert rows[0][9] == "版本状态" and rows[0][10] == "核减理由"
    lines = [r for r in rows[1:] if r[1] in ("表一", "表二", "表三", "表四")]
    with demo.app_context():
        session = db.session()
        counted = repository.counted_versions(session, "guangdong-2024", scope=None)
        states = {
            (c.submission.unit.short_name, c.submission.table_id): c.state.label for c in counted
        }
    assert lines and {(r[0], r[1], r[9]) for r in lines} == {
        (r[0], r[1], states[(r[0], r[1])]) for r in lines
    }
    shown = {r[9] for r in lines}
    assert {"已通过", "已提交", "已退回", "有错误", "已上传未提交"} <= shown
    cuts = [r for r in lines if r[6] not in (None, 0)]
    assert cuts and all(r[10] == demo_module.CUT_REASON for r in cuts)

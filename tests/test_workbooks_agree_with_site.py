"""On the demo round (every status, every version state), the downloads say what the site says:
the consolidated workbook's 完成情况 is the dashboard's matrix cell for cell, the allocation plan's
按单位 结论 is the reconciliation page's, and every plan line's 版本状态 is the state of the version
that counts on the site."""

from __future__ import annotations

import io
import re
from html import unescape

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


# ---------------------------------------------------------------- issue 19: findings and last year

FINDINGS_SHEETS = ("重复申报", "延续项目", "新增延续不符", "政策依据")


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """Each findings table of a page, by its sheet name, as a person reads the cells."""
    found = {}
    for sheet, body in re.findall(
        r'<table class="grid findings-table" data-sheet="([^"]+)">.*?<tbody>(.*?)</tbody>',
        html,
        re.S,
    ):
        found[sheet] = [
            [unescape(plain(c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        ]
    return found


def book_tables(data: bytes, sheets) -> dict[str, list[list[str]]]:
    """The same sheets of the workbook, each cell as the site writes it (amounts through ``wan``)."""
    from decimal import Decimal

    from budget_planner.web.formatting import wan

    book = load_workbook(io.BytesIO(data))
    found = {}
    for sheet in sheets:
        rows = []
        for row in book[sheet].iter_rows(min_row=4, values_only=True):
            if row[0] == "无。":
                break
            cells = []
            for value in row:
                if isinstance(value, float | int) and not isinstance(value, bool):
                    cells.append(wan(Decimal(repr(value))))
                else:
                    cells.append("" if value is None else re.sub(r"\s+", " ", str(value)).strip())
            rows.append(cells)
        found[sheet] = rows
    return found


def test_findings_sheets_are_the_findings_page(demo):
    finance = login(demo, "finance")
    html = finance.get("/findings/").get_data(as_text=True)
    site = page_tables(html)  # a table with no rows is said in words (无。), as on the sheet
    assert all(f'id="{sheet}"' in html for sheet in FINDINGS_SHEETS)
    book = book_tables(finance.get("/exports/consolidated.xlsx").data, FINDINGS_SHEETS)
    for sheet in FINDINGS_SHEETS:
        assert book[sheet] == site.get(sheet, []), sheet
    doubles = site["重复申报"]
    assert any(r[2] == r[5] == "知识产权公共服务网点建设" for r in doubles)  # the planted one
    assert any(
        r[0] == "清远市" and r[3] == "专利导航服务基地培育建设项目" for r in site["延续项目"]
    )


def test_last_year_sheet_is_the_last_year_page(demo):
    finance = login(demo, "finance")
    site = page_tables(finance.get("/last-year/").get_data(as_text=True))
    book = book_tables(finance.get("/exports/consolidated.xlsx").data, ["上年对比"])
    assert site["上年对比"] and book["上年对比"] == site["上年对比"]
    qingyuan = next(r for r in site["上年对比"] if r[:2] == ["清远市", "合计"])
    assert qingyuan[3] == "82" and qingyuan[9] == "150"  # examples-2023's 清远市


def test_the_command_line_finds_what_the_site_finds(demo, tmp_path):
    """``budget-planner aggregate`` over the example files and the 2023 plan, and the demo site
    built from the same files, report the same 重复申报 and 延续 projects."""
    from pathlib import Path

    from budget_planner.app.aggregate import run_aggregate
    from budget_planner.templates.round import load_round

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "汇总.xlsx"
    run_aggregate(
        [root / "examples"],
        load_round(),
        out,
        control_path=root / "examples" / "控制数.csv",
        last_year_path=root / "examples-2023" / demo_module.LAST_YEAR_PLAN,
    )
    offline = book_tables(out.read_bytes(), ("重复申报", "延续项目"))
    finance = login(demo, "finance")
    site = page_tables(finance.get("/findings/").get_data(as_text=True))

    def pairs(rows):  # the projects and their places, whichever counted version holds them
        return {frozenset({(r[1], r[2]), (r[4], r[5])}) for r in rows}

    assert pairs(offline["重复申报"]) == pairs(site["重复申报"])
    assert {tuple(r[:4]) for r in offline["延续项目"]} == {tuple(r[:4]) for r in site["延续项目"]}

"""Last year and the findings on the site and in the API (issue 19), on SQLite and PostgreSQL:
admin imports last year's plan on /last-year/ (a wrong file: every problem named, nothing kept);
finance reads the comparison, the 重复申报 and 延续 on /findings/, and the same in
``/api/v1/reports/findings`` and ``/api/v1/reports/last-year``. Findings never stop an upload."""

from __future__ import annotations

import io
import re

import pytest
from builders import make_table, project
from last_year_files import plain_plan
from test_storage_support import BACKENDS, new_database
from webclient import ROUND_ID, Site, make_app
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

NAV, OUTLET = "专利导航服务基地培育建设项目", "知识产权公共服务网点建设"
CREATE, SERVICE = "知识产权高质量创造", "知识产权高水平服务"
LAST_YEAR = [
    ("清远市", "表四", CREATE, NAV, 40, 35, 120),
    ("韶关市", "表四", CREATE, "高价值专利培育布局中心建设", 30, 30, 90),
]


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, monkeypatch):
    url, drop = new_database(request.param, tmp_path)
    made = make_app(tmp_path, monkeypatch, DATABASE_URL=url)
    yield made
    made.extensions["budget_planner.db"]["engine"].dispose()
    drop()


@pytest.fixture
def site(app):
    return Site(app)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def import_plan(client, data: bytes, name: str = "2023年分配方案.xlsx"):
    fields = MultiDict(
        [
            ("plan_file", FileStorage(io.BytesIO(data), filename=name)),
            ("csrf_token", client.csrf()),
        ]
    )
    boundary, body = encode_multipart(fields)
    return client.http.post(
        "/last-year/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        follow_redirects=True,
    )


def upload_both(site: Site) -> None:
    files = {
        "清远市": make_table(
            "表四", "清远市", [project(CREATE, NAV, 50), project(SERVICE, OUTLET, 15)]
        ),
        "韶关市": make_table("表四", "韶关市", [project(SERVICE, OUTLET, 20)]),
    }
    for username, unit in (("qingyuan", "清远市"), ("shaoguan", "韶关市")):
        page = site[username].upload([(files[unit], f"{unit}-表四.xlsx")])
        assert page.status_code == 200
        # a double request is a finding for finance: the upload itself is clean
        assert "没有发现错误" in page.get_data(as_text=True)


def rows_of(html: str, sheet: str) -> list[list[str]]:
    table = re.search(rf'<table [^>]*data-sheet="{sheet}">(.*?)</table>', html, re.S)
    assert table, sheet
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.S).group(1)
    return [
        [plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_admin_imports_last_year_and_finance_compares(site):
    upload_both(site)
    admin = site["admin"]
    page = import_plan(admin, plain_plan(LAST_YEAR)).get_data(as_text=True)
    assert "已导入上年分配方案“2023年分配方案.xlsx”：2 个项目" in plain(page)
    html = site["finance"].get("/last-year/").get_data(as_text=True)
    assert "2023年分配方案.xlsx，admin 于" in plain(html)
    rows = rows_of(html, "上年对比")
    assert ["清远市", "合计", "65", "40", "25", "", "35", "", "100", "120", "-20"] in rows
    assert ["清远市", CREATE, "50", "40", "10", "", "35", "", "", "", ""] in rows
    assert ["韶关市", "合计", "20", "30", "-10", "", "30", "", "60", "90", "-30"] in rows
    assert rows[-1][:2] == ["合计", ""] and rows[-1][2:5] == ["85", "70", "15"]
    assert "导入上年分配方案" not in html  # finance reads; only 审核 imports
    assert site["finance"].post("/last-year/import").status_code == 403


def test_a_wrong_plan_names_every_problem_and_keeps_nothing(site, app):
    data = plain_plan(
        [
            ("清远市", "表四", CREATE, NAV, "四十", 35, None),
            ("火星市", "表四", CREATE, NAV, 10, 10, None),
        ]
    )
    page = plain(import_plan(site["admin"], data, "错.xlsx").get_data(as_text=True))
    assert "2023年分配!E4：申报金额“四十”不是金额" in page
    unknown = plain_plan([("火星市", "表四", CREATE, NAV, 10, 10, None)])
    page = plain(import_plan(site["admin"], unknown, "错.xlsx").get_data(as_text=True))
    assert "上年分配方案中的单位不是本轮次的地市，未导入任何内容：“火星市”" in page
    assert "本轮次还没有上年的轮次可供对比" in page
    with app.app_context():
        from budget_planner.storage.models import Round

        assert site.session().get(Round, "guangdong-2023") is None


def test_findings_for_finance_on_the_page_and_in_the_api(site):
    upload_both(site)
    import_plan(site["admin"], plain_plan(LAST_YEAR))
    finance = site["finance"]
    html = finance.get("/findings/").get_data(as_text=True)
    [double] = rows_of(html, "重复申报")
    assert {(double[1].split(" 第")[0], double[3]), (double[4].split(" 第")[0], double[6])} == {
        ("清远市 表四", "15"),
        ("韶关市 表四", "20"),
    }
    assert rows_of(html, "延续项目") == [
        ["清远市", "表四", CREATE, NAV, "50", NAV, "40", "35", "项目标识相同"]
    ]
    body = finance.get(f"/api/v1/reports/findings?round={ROUND_ID}").get_json()
    [pair] = body["double_requests"]
    assert {pair["first"]["amount"], pair["second"]["amount"]} == {"15", "20"}
    assert pair["reason"] == "名称相同"
    [continued] = body["continuations"]
    assert continued["row"]["project"] == NAV
    assert (continued["last_year"]["amount"], continued["last_year"]["approved"]) == ("40", "35")
    assert body["mismatches"] == []
    assert body["policy_index"]["round_total"] == "85"
    assert body["last_year"] == "2023年度项目资金分配方案（上年分配方案导入）"
    table = finance.get("/api/v1/reports/last-year").get_json()["comparison"]
    assert table["headers"][2:4] == ["2024年申报", "2023年申报"]
    assert ["清远市", "合计", "65", "40", "25", None, "35", None, "100", "120", "-20"] in table[
        "rows"
    ]


def test_a_unit_sees_no_findings(site):
    for url in ("/findings/", "/last-year/", "/api/v1/reports/findings"):
        assert site["qingyuan"].get(url).status_code == 403, url


def test_without_last_year_the_findings_still_list_double_requests(site):
    upload_both(site)
    html = site["finance"].get("/findings/").get_data(as_text=True)
    assert len(rows_of(html, "重复申报")) == 1
    assert 'data-sheet="延续项目"' not in html
    assert site["finance"].get("/api/v1/reports/last-year").get_json() == {"comparison": None}


def test_a_box_saying_new_for_last_years_project_is_a_finding_not_a_refusal(site):
    from builders import budget_layout, workbook

    lay = budget_layout({"project_name": NAV, "provincial": 50, "self_raised": 0})
    lay.put(lay.height + 2, 1, "新增/延续")
    lay.put(lay.height, 2, "☑新增 □延续")
    table = make_table("表四", "清远市", [project(CREATE, NAV, 50)])
    page = site["qingyuan"].upload(
        [(table, "清远市-表四.xlsx"), (workbook([lay]), f"清远市-预算表-{NAV}.xlsx")]
    )
    assert page.status_code == 200 and "continuation.mismatch" not in page.get_data(as_text=True)
    import_plan(site["admin"], plain_plan(LAST_YEAR))
    html = site["finance"].get("/findings/").get_data(as_text=True)
    assert rows_of(html, "新增延续不符") == [
        [
            "清远市",
            NAV,
            "新增",
            f"清远市“{NAV}”的申报书勾选“新增”，但上年2023年有同一项目“{NAV}”"
            "（申报 40 万元，核定 35 万元）：应为延续",
        ]
    ]
    body = site["finance"].get("/api/v1/reports/findings").get_json()
    assert [m["code"] for m in body["mismatches"]] == ["continuation.mismatch"]


def test_the_approval_page_marks_continued_projects_with_last_years_amounts(site, app):
    upload_both(site)
    import_plan(site["admin"], plain_plan(LAST_YEAR))
    with app.app_context():
        from budget_planner.storage import repository

        unit = repository.find_one(site.session(), "清远市")
        unit_id = unit.id
    page = plain(site["finance"].get(f"/reconciliation/units/{unit_id}").get_data(as_text=True))
    assert f"{NAV} 延续 上年申报 40、核定 35 万元" in page
    assert f"{OUTLET} 延续" not in page  # new this year

"""The upload page: several files and a stamped scan at once, problems by cell, the annotated file,
the re-upload rule, submitting, upload on behalf (audited), and the downloads that go with them."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from builders import Submission, make_budget, project
from openpyxl import load_workbook
from webclient import SCAN, Site, make_app, table4


def cells(response) -> list[tuple[str, ...]]:
    """The problem table as the user reads it: (文件, 工作表, 单元格, 列, 问题, 类别) per row."""
    html = response.get_data(as_text=True)
    table = re.search(r'<table class="grid issues">(.*?)</table>', html, re.S)
    assert table, "no problem table on the page"
    rows = re.findall(r"<tr class=\"is-\w+\">(.*?)</tr>", table.group(1), re.S)
    found = []
    for row in rows:
        tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found.append(tuple(re.sub(r"<[^>]+>", "", td).strip() for td in tds))
    return found


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def versions(app, unit: str, table: str = "表四"):
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        threads = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        thread = next(t for t in threads if t.table_id == table)
        return [(v.number, v.id, v.has_errors, v.on_behalf) for v in thread.versions]


def audit(app, *actions):
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        entries = repository.audit_log(db.session(), None, scope=None, actions=actions)
        return [(e.action, e.username, e.unit_id, e.detail) for e in reversed(entries)]


def faulty_table4():
    """表四 with a negative 金额 in the second project and no 项目绩效 in the first."""
    sub = Submission(
        "表四",
        unit="清远市",
        rows=[
            project("知识产权高质量创造", "专利导航项目", 50, performance=""),
            project("强化知识产权保护", "知识产权纠纷多元化解", -5),
        ],
    )
    return sub, sub.xlsx()


def test_problems_are_listed_by_cell_and_the_version_cannot_be_submitted(app, site):
    sub, data = faulty_table4()
    unit = site["qingyuan"]
    page = unit.upload([(data, "清远市-表四.xlsx")])
    assert page.status_code == 200
    performance, amount = sub.layout.cell(0, "performance"), sub.layout.cell(1, "amount")
    problems = {(row[2], row[3], row[5]) for row in cells(page)}
    assert (performance, "项目绩效", "错误") in problems
    assert (amount, "金额", "错误") in problems
    assert all(row[0] == "清远市-表四.xlsx" and row[1] == "Sheet1" for row in cells(page))
    assert "此版本已保存但 不能提交" in text(page)
    assert "提交此版本" not in page.text
    [(number, version_id, has_errors, _)] = versions(app, "清远市")
    assert (number, has_errors) == (1, True)
    refused = unit.post(f"/versions/{version_id}/submit")
    assert refused.status_code == 409  # the state forbids it; a Chinese page, nothing changed
    assert "表四第 1 版有 2 处错误，不能提交" in text(refused)
    assert audit(app, "submit") == []
    assert "有错误" in text(unit.get("/"))


def test_the_annotated_workbook_marks_the_problem_cells(app, site):
    sub, data = faulty_table4()
    unit = site["qingyuan"]
    unit.upload([(data, "清远市-表四.xlsx")])
    [(_, version_id, _, _)] = versions(app, "清远市")
    download = unit.get(f"/versions/{version_id}/annotated")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''" + quote("清远市-表四-标注.xlsx")
    )
    book = load_workbook(io.BytesIO(download.data))
    sheet = book["Sheet1"]
    amount = sub.layout.cell(1, "amount")
    assert sheet[amount].comment is not None and "金额" in sheet[amount].comment.text
    assert sheet[amount].fill.fgColor.rgb.endswith("FFC7CE")
    listed = [row for row in book["问题清单"].iter_rows(values_only=True)]
    assert any(amount in row for row in listed)


def test_reupload_rule_a_a_b_a(app, site):
    unit = site["qingyuan"]
    a, b = table4(first=50), table4(first=60)
    unit.upload([(a, "清远市-表四.xlsx")])
    same = unit.upload([(a, "清远市-表四（再次）.xlsx")])
    assert "与已上传的第 1 版完全相同，未新建版本" in text(same)
    assert [n for n, *_ in versions(app, "清远市")] == [1]
    unit.upload([(b, "清远市-表四.xlsx")])
    again = unit.upload([(a, "清远市-表四.xlsx")])
    assert "第 3 版" in text(again) and "完全相同" not in text(again)
    assert [n for n, *_ in versions(app, "清远市")] == [1, 2, 3]
    assert [a for a, *_ in audit(app, "upload", "upload.unchanged")] == [
        "upload",
        "upload.unchanged",
        "upload",
        "upload",
    ]


def test_several_files_and_a_scan_at_once(app, site):
    unit = site["qingyuan"]
    budget = make_budget({"project_name": "专利导航项目", "table_ref": "表四"})
    page = unit.upload(
        [(table4(), "清远市-表四.xlsx"), (budget, "清远市-预算表-专利导航项目.xlsx")],
        attachment=(SCAN, "清远市盖章件.pdf"),
    )
    assert page.status_code == 200
    assert "清远市-表四.xlsx" in page.text and "清远市-预算表-专利导航项目.xlsx" in page.text
    [(_, four, _, _)] = versions(app, "清远市")
    [(_, plan, _, _)] = versions(app, "清远市", "预算表")
    for version_id in (four, plan):
        detail = unit.get(f"/versions/{version_id}")
        link = re.search(r'href="(/attachments/\d+)">清远市盖章件.pdf', detail.text)
        assert link, "the scan is listed on both versions"
    scan = unit.get(link.group(1))
    assert scan.data == SCAN and scan.mimetype == "application/pdf"
    assert "filename*=UTF-8''" + quote("清远市盖章件.pdf") in scan.headers["Content-Disposition"]


def test_the_scan_is_told_by_its_bytes_not_its_name(app, site):
    unit, data = site["qingyuan"], table4()
    page = unit.upload([(data, "清远市-表四.xlsx")], attachment=(b"MZ\x90\x00fake", "盖章.pdf"))
    said = text(page)
    assert (
        "盖章扫描件未上传 盖章扫描件须为 PDF 或图片（JPG、PNG、TIFF）。Excel 文件已经保存" in said
    )
    assert "文件未上传" not in said.replace("盖章扫描件未上传", "")
    # the valid 表四 was kept without the scan; sending it again with a real scan adds the scan
    assert [a[3] for a in audit(app, "upload")] == ["表四第 1 版：清远市-表四.xlsx（无错误）"]
    [(_, version_id, _, _)] = versions(app, "清远市")
    assert "/attachments/" not in unit.get(f"/versions/{version_id}").text
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    again = unit.upload([(data, "清远市-表四.xlsx")], attachment=(png, "盖章.png"))
    assert "盖章扫描件未上传" not in text(again)
    assert len(versions(app, "清远市")) == 1
    assert re.search(r'href="/attachments/\d+">盖章.png', unit.get(f"/versions/{version_id}").text)


def test_nothing_stored_says_so_in_a_banner(app, site):
    unit = site["qingyuan"]
    none_chosen = text(unit.upload([]))
    assert "文件未上传 请至少选择一个文件 没有保存任何文件" in none_chosen
    other_unit = text(unit.upload([(table4("韶关市"), "韶关市-表四.xlsx")]))
    assert "文件未上传 韶关市-表四.xlsx：" in other_unit
    assert audit(app, "upload") == []
    kept = text(unit.upload([(table4(), "清远市-表四.xlsx")]))
    assert "文件未上传" not in kept and "没有发现错误" in kept


def test_the_original_file_comes_back_byte_for_byte_with_its_chinese_name(app, site):
    unit = site["qingyuan"]
    data = table4()
    unit.upload([(data, "清远市 表四（定稿）.xlsx")])
    [(_, version_id, _, _)] = versions(app, "清远市")
    download = unit.get(f"/versions/{version_id}/file")
    assert download.data == data
    disposition = download.headers["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"download.xlsx\"; filename*=UTF-8''"
        + quote("清远市 表四（定稿）.xlsx", safe="")
    )
    assert ("download", "qingyuan") in [(a, u) for a, u, _, _ in audit(app, "download")]


def test_a_file_name_is_data_shown_escaped(app, site):
    unit = site["qingyuan"]
    page = unit.upload([(table4(), "<b onmouseover=alert(1)>清远市.xlsx")])
    assert "<b onmouseover" not in page.text
    assert "&lt;b onmouseover=alert(1)&gt;清远市.xlsx" in page.text


def test_an_unreadable_file_is_reported_and_not_kept(app, site):
    page = site["qingyuan"].upload([(b"this is not a workbook", "清远市-表四.xlsx")])
    assert "文件未保存" in text(page)
    assert cells(page)[0][0] == "清远市-表四.xlsx"
    [(action, username, _, detail)] = audit(app, "upload.rejected")
    assert (action, username) == ("upload.rejected", "qingyuan") and "清远市-表四.xlsx" in detail


def test_a_clean_version_is_submitted_from_the_result(app, site):
    unit = site["qingyuan"]
    page = unit.upload([(table4(), "清远市-表四.xlsx")])
    assert "没有发现错误" in text(page) and "提交此版本" in page.text
    [(_, version_id, _, _)] = versions(app, "清远市")
    done = unit.post(f"/versions/{version_id}/submit")
    assert "已提交：表四第 1 版" in text(unit.get(done.headers["Location"]))
    assert [(a, u) for a, u, _, _ in audit(app, "submit")] == [("submit", "qingyuan")]


def test_admin_uploads_on_a_units_behalf_and_it_is_audited(app, site):
    admin = site["admin"]
    form = admin.get("/admin/upload")
    assert '<option value="韶关市">韶关市</option>' in form.text
    missing_unit = admin.upload([(table4("韶关市"), "韶关市-表四.xlsx")], unit="")
    assert "请选择代为上传的单位" in text(missing_unit)
    page = admin.upload([(table4("韶关市"), "韶关市-表四.xlsx")], unit="韶关市")
    assert "第 1 版" in text(page)
    [(_, version_id, _, on_behalf)] = versions(app, "韶关市")
    assert on_behalf is True
    [(action, username, _, detail)] = audit(app, "upload.on_behalf")
    assert (action, username) == ("upload.on_behalf", "admin") and "韶关市-表四.xlsx" in detail
    seen_by_unit = site["shaoguan"].get(f"/versions/{version_id}")
    assert "省局代为上传" in text(seen_by_unit) and "admin" in text(seen_by_unit)
    assert site["qingyuan"].get(f"/versions/{version_id}").status_code == 404


def test_units_cannot_upload_while_the_round_is_closed(app, site):
    site["admin"].post("/admin/round/close", {"confirm": "yes"})
    page = site["qingyuan"].upload([(table4(), "清远市-表四.xlsx")])
    assert "本轮征集已关闭" in text(page)
    assert audit(app, "upload") == []
    site["admin"].upload([(table4(), "清远市-表四.xlsx")], unit="清远市")  # e-mailed: still taken
    assert len(versions(app, "清远市")) == 1


def test_a_unit_downloads_its_personalised_templates(app, site):
    unit = site["qingyuan"]
    page = unit.get("/templates")
    assert "清远市市场监督管理局（知识产权局）" in page.text
    name = "2024年度知识产权项目需求征集表（四）-清远市.xlsx"
    assert name in page.text
    download = unit.get("/templates/表四.xlsx")
    assert download.headers["Content-Disposition"].endswith("filename*=UTF-8''" + quote(name))
    book = load_workbook(io.BytesIO(download.data))
    meta = {row[0]: row[1] for row in book["bp_meta"].iter_rows(values_only=True)}
    assert meta["unit"] == "清远市" and meta["table"] == "表四"
    bundle = unit.get("/templates/all.zip")
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(bundle.data)).namelist()
    assert name in names and "项目支出预算明细表-清远市.xlsx" in names
    admin_pick = site["admin"].get("/templates/表四.xlsx?unit=韶关市")
    assert quote("-韶关市.xlsx") in admin_pick.headers["Content-Disposition"]


def test_the_site_parses_in_the_worker_pool(tmp_path, monkeypatch):
    """The default path: files are parsed in the guarded worker processes, not in the site's."""
    from budget_planner.validators.intake import worker

    app = make_app(tmp_path, monkeypatch, VALIDATION_PARSE=None)
    unit = Site(app)["qingyuan"]
    try:
        page = unit.upload([(table4(), "清远市-表四.xlsx"), (b"PK\x03\x04broken", "坏文件.xlsx")])
        assert worker.default_pool().pids  # worker processes did the parsing
    finally:
        worker.shutdown()
    assert "没有发现错误" in text(page) and "第 1 版" in text(page)
    assert "文件未保存" in text(page) and cells(page)[0][0] == "坏文件.xlsx"

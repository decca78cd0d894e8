"""One vocabulary in everything a person reads: the severity words (错误 / 提醒, declared once in
``validators/report/codes.py``), 申报 for what a unit asks for, and no internal issue codes or
project keys. Every page and every workbook the site makes (budget_planner/export/), and the
annotated file, are generated here from real uploads and scanned."""

from __future__ import annotations

import io
import re
import tomllib
import zipfile
from importlib import resources

import pytest
from builders import make_table, project
from openpyxl import load_workbook
from webclient import Site, make_app, table4

from budget_planner.validators.report.codes import CODES, SEVERITY_WORDS, Severity

WORDS = set(SEVERITY_WORDS.values())
OTHER_SEVERITY_WORDS = ("警告", "提示", "【注意】", "warning", "error")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    app = make_app(tmp_path_factory.mktemp("vocabulary"), monkeypatch)
    site = Site(app)
    yield app, site
    monkeypatch.undo()


def version_of(app, unit: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        session = db.session()
        found = repository.find_unit(session, "guangdong-2024", unit, scope=None)
        (thread,) = repository.submissions(session, "guangdong-2024", scope=None, unit_id=found.id)
        return thread.versions[-1].id


def unit_id(app, unit: str) -> int:
    from budget_planner.storage import repository
    from budget_planner.web import db

    with app.app_context():
        return repository.find_unit(db.session(), "guangdong-2024", unit, scope=None).id


def page_text(response) -> str:
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def book_text(data: bytes) -> str:
    """Every string a workbook shows: cells, comments, sheet names, chart titles."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml") and not name.endswith(("styles.xml", "theme1.xml")):
                xml = z.read(name).decode("utf-8")
                texts += re.findall(r"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>", xml)
                texts += re.findall(r'name="([^"]+)"', xml) if name.endswith("workbook.xml") else []
    return " ".join(texts)


@pytest.fixture(scope="module")
def everything(made):
    """(pages, workbooks, severity cells): what a clerk, a reviewer and finance read."""
    app, site = made
    qingyuan, shaoguan, admin, finance = (
        site["qingyuan"],
        site["shaoguan"],
        site["admin"],
        site["finance"],
    )
    faulty = make_table(
        "表四",
        "清远市",
        [
            project("知识产权高质量创造", "专利导航项目", -5),  # 错误
            project(
                "强化知识产权保护", "知识产权纠纷多元化解", 30, policy_basis="有关规划"
            ),  # 提醒
        ],
    )
    uploaded = qingyuan.upload([(faulty, "清远市-表四.xlsx")])
    shaoguan.upload([(table4("韶关市", first=20), "韶关市-表四.xlsx")])
    good = version_of(app, "韶关市")
    shaoguan.post(f"/versions/{good}/submit")
    admin.post(f"/versions/{good}/review", {"decision": "approve", "comment": ""})
    bad = version_of(app, "清远市")
    pages = {
        "上传结果": uploaded,
        "报送情况": admin.get("/"),
        "版本（单位）": qingyuan.get(f"/versions/{bad}"),
        "版本（审核）": admin.get(f"/versions/{bad}"),
        "报送记录": qingyuan.get(f"/units/{unit_id(app, '清远市')}/history"),
        "待审核": admin.get("/queue"),
        "汇总下载": finance.get("/exports/"),
        "核对与核定": finance.get("/reconciliation/"),
        "催报": admin.get("/reminders"),
        "操作日志": admin.get("/admin/audit"),
    }
    books = {
        "标注问题的文件": qingyuan.get(f"/versions/{bad}/annotated").data,
        "汇总表": finance.get("/exports/consolidated.xlsx").data,
        "分配方案": finance.get("/exports/allocation-plan.xlsx").data,
        "操作日志": admin.get("/exports/audit-log.xlsx").data,
        "回执": qingyuan.get(f"/units/{unit_id(app, '清远市')}/receipt.xlsx").data,
        "催报名单": admin.get("/reminders.xlsx").data,
    }
    sheet_link = re.search(
        r'href="(/admin/sheets/[^"]+)"', admin.post("/admin/accounts", {"confirm": "yes"}).text
    )
    books["一次性密码表"] = admin.get(sheet_link.group(1)).data
    for name, response in pages.items():
        assert response.status_code == 200, name
    severity = {
        "网站": re.findall(
            r'<tr class="is-(?:error|warning)">.*?<td>([^<]*)</td>\s*</tr>',
            pages["版本（审核）"].get_data(as_text=True),
            re.S,
        ),
        "标注问题的文件": [
            r[1]
            for r in load_workbook(io.BytesIO(books["标注问题的文件"]))["问题清单"].iter_rows(
                min_row=2, values_only=True
            )
        ],
        "汇总表": [
            r[6]
            for r in load_workbook(io.BytesIO(books["汇总表"]))["问题汇总"].iter_rows(
                min_row=4, values_only=True
            )
            if r[0] == "清远市"
        ],
    }
    texts = {f"页面：{k}": page_text(v) for k, v in pages.items()}
    texts |= {f"工作簿：{k}": book_text(v) for k, v in books.items()}
    return texts, severity


def test_the_severity_words_are_declared_once():
    assert {s.label for s in Severity} == WORDS == {"错误", "提醒"}


def test_every_page_and_workbook_says_错误_and_提醒(everything):
    texts, severity = everything
    for where, words in severity.items():
        assert set(words) == WORDS, where  # both severities met, in the same two words
    for where, text in texts.items():
        for other in OTHER_SEVERITY_WORDS:
            assert other not in text, (where, other)
    assert "1 处错误，1 条提醒" in texts["页面：版本（审核）"]
    assert "【错误】" in texts["工作簿：标注问题的文件"]
    assert "【提醒】" in texts["工作簿：标注问题的文件"]


def seed_labels() -> set[str]:
    """Labels and aliases quoted from the seeds that say 申请 (项目申请单位 …): they stay."""
    spec = tomllib.loads(
        resources.files("budget_planner.templates").joinpath("tables.toml").read_text("utf-8")
    )
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and "申请" in node:
            found.add(node)

    walk(spec)
    return found


def test_what_a_unit_asks_for_is_申报_everywhere(everything):
    texts, _ = everything
    quoted = sorted(seed_labels(), key=len, reverse=True)
    assert "项目申请单位" in quoted
    for where, text in texts.items():
        for label in quoted:
            text = text.replace(label, "")
        assert "申请" not in text, (where, text[max(0, text.find("申请") - 30) :][:80])
    for where in ("页面：汇总下载", "工作簿：汇总表"):
        assert "全省申报合计（表一至表四）" in texts[where], where
    assert "申报金额（表四）" in texts["工作簿：汇总表"]


def test_no_internal_codes_or_keys_in_what_a_person_reads(everything):
    texts, _ = everything
    codes = [c for c in CODES if "." in c]
    for where, text in texts.items():
        for code in codes:
            assert not re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text), (where, code)
        assert not re.search(r"\|表[一二三四]\||\|预算表\|", text), where  # no project keys
        assert "/tmp/" not in text and "\\" not in text, where  # file names, not server paths

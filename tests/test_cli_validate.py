"""``budget-planner validate``: the JSON contract of DESIGN §5, the terminal report, exit codes, --annotate."""

from __future__ import annotations

import io
import json

import pytest
from builders import Submission, make_budget, project, table4_rows, workbook
from click.testing import CliRunner
from make_examples import EXAMPLES, NAVIGATION, fill_template, heyuan_table1
from openpyxl import load_workbook

from budget_planner.cli import main

PERFORMANCE = "完成年度目标任务，形成工作报告1份"
BASIS = "《广东省知识产权保护和运用“十四五”规划》"


@pytest.fixture(autouse=True, scope="module")
def _parse_pool():
    """The command parses in the default worker pool: stop it when this module is done."""
    from budget_planner.validators.intake import worker

    yield
    worker.shutdown()


def run(*args: object):
    result = CliRunner().invoke(main, ["validate", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def planted_table_one() -> Submission:
    """河源市's 表一 (examples/): a negative amount, a 类型 not in the list, a missing 拟设置项目, a
    项目数及单项金额 that disagrees; and a 政策依据 without a document (a warning)."""
    return heyuan_table1()


def clean_table_four(unit: str = "清远市") -> Submission:
    taken = {"高价值专利培育布局中心建设": 50, "知识产权纠纷多元化解": 30}
    rows = table4_rows(taken=taken)
    for row in rows:
        if row.get("amount") is not None:
            row["performance"] = PERFORMANCE
    return Submission(
        "表四", rows=rows, unit=unit, quirks=frozenset({"title", "unit_line", "total"})
    )


# ---------------------------------------------------------------- --json
def test_json_report_of_planted_errors(tmp_path):
    sub = planted_table_one()
    path = write(tmp_path, "河源市-表一.xlsx", sub.xlsx())
    result = run("--json", path)
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    cell = sub.layout.cell
    assert {k: v for k, v in report.items() if k != "issues"} == {
        "file": "河源市-表一.xlsx",
        "table": "表一",
        "unit": "河源市",
        "sheet": "Sheet1",
        "sheets": ["Sheet1"],
        "ok": False,
        "rows": 6,
        "total": "234.5",
        "totals_by_category": {
            "知识产权高质量创造": "55",
            "强化知识产权保护": "39.5",
            "知识产权管理": "100",
        },
        "stated_total": "234.5",
    }
    assert [(i["code"], i["cell"]) for i in report["issues"] if i["severity"] == "error"] == [
        ("amount.negative", cell(1, "funding")),
        ("category.unknown", cell(2, "category")),
        ("required.missing", cell(3, "project")),
        ("count_amount.mismatch", cell(4, "count_amount")),
    ]
    assert [(i["code"], i["cell"]) for i in report["issues"] if i["severity"] == "warning"] == [
        ("policy_basis.no_document", cell(5, "policy_basis"))
    ]
    negative = report["issues"][0]
    assert negative == {
        "severity": "error",
        "code": "amount.negative",
        "sheet": "Sheet1",
        "cell": cell(1, "funding"),
        "row": sub.layout.rows[1],
        "column": "经费安排(万元)",
        "value": "-5",
        "message": "经费安排(万元)不能为负数",
    }


def test_json_is_one_array_in_argument_then_sheet_order(tmp_path):
    one = Submission("表一", rows=[project("知识产权管理", "统计监测", 10)], sheet="表一")
    three = Submission(
        "表三",
        rows=[project("知识产权高水平服务", "专利代办处服务能力提升", 20)],
        sheet="表三",
        subtitle="支持专利代办处和省知识产权保护中心开展工作",
    )
    four = clean_table_four()
    four.layout.name = "表四"
    both = write(tmp_path, "清远市-汇总.xlsx", workbook([one.layout, three.layout, four.layout]))
    single = write(tmp_path, "韶关市-表四.xlsx", clean_table_four("韶关市").xlsx())
    result = run("--json", single, both)
    reports = json.loads(result.stdout)
    assert [(r["file"], r["table"], r["sheet"]) for r in reports] == [
        ("韶关市-表四.xlsx", "表四", "Sheet1"),
        ("清远市-汇总.xlsx", "表一", "表一"),
        ("清远市-汇总.xlsx", "表三", "表三"),
        ("清远市-汇总.xlsx", "表四", "表四"),
    ]
    assert result.exit_code == 0, result.stdout


def test_budget_report(tmp_path):
    path = write(tmp_path, "清远市-预算表-高价值专利培育布局中心建设.xlsx", make_budget())
    result = run("--json", path)
    [report] = json.loads(result.stdout)
    assert (report["table"], report["rows"], report["total"], report["stated_total"]) == (
        "预算表",
        1,
        "200",
        "200",
    )
    assert report["totals_by_category"] == {} and result.exit_code == 0


# ---------------------------------------------------------------- exit codes
def test_exit_codes(tmp_path):
    clean = write(tmp_path, "清远市-表四.xlsx", clean_table_four().xlsx())
    wrong = write(tmp_path, "河源市-表一.xlsx", planted_table_one().xlsx())
    broken = write(tmp_path, "梅州市-表四.xlsx", b"PK\x03\x04 not really a workbook")
    assert run(clean).exit_code == 0
    assert run(clean, wrong).exit_code == 1
    assert run(clean, broken).exit_code == 2
    assert run(wrong, broken).exit_code == 2  # 2 wins over 1


def test_unreadable_file_in_json(tmp_path):
    broken = write(tmp_path, "梅州市-表四.xlsx", b"")
    result = run("--json", broken)
    [report] = json.loads(result.stdout)
    assert {k: report[k] for k in ("table", "rows", "sheet", "total", "stated_total")} == {
        "table": None,
        "rows": 0,
        "sheet": None,
        "total": None,
        "stated_total": None,
    }
    assert [i["code"] for i in report["issues"]] == ["file.empty"]
    assert result.exit_code == 2


def test_missing_file_is_a_usage_error_in_chinese(tmp_path):
    result = run("--json", tmp_path / "没有这个文件.xlsx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "找不到文件" in result.stderr and "Traceback" not in result.stderr


def test_unit_option(tmp_path):
    # no 填报单位 line and a file name without a unit: --unit tells
    sub = Submission(
        "表四", rows=[project("知识产权管理", "统计监测", 10, performance=PERFORMANCE)]
    )
    sub = Submission("表四", rows=sub.rows, unit=None, quirks=frozenset({"title"}))
    path = write(tmp_path, "表四.xlsx", sub.xlsx())
    assert json.loads(run("--json", path).stdout)[0]["unit"] is None
    for name in ("清远市", "清远市市场监督管理局（知识产权局）"):
        assert json.loads(run("--json", "--unit", name, path).stdout)[0]["unit"] == "清远市"
    unknown = run("--unit", "火星市", path)
    assert unknown.exit_code == 2 and "未知的单位“火星市”" in unknown.stderr


# ---------------------------------------------------------------- terminal report
def test_terminal_report_in_chinese(tmp_path):
    sub = planted_table_one()
    path = write(tmp_path, "河源市-表一.xlsx", sub.xlsx())
    out = run(path).stdout
    lines = out.splitlines()
    assert lines[0].startswith(
        "河源市-表一.xlsx  表一  单位：河源市  工作表：Sheet1  项目 6 行  合计 234.5 万元"
    )
    assert lines[1] == "  ✗ 4 个错误，1 个提醒"
    assert lines[2].split() == ["严重程度", "单元格", "列", "问题"]
    negative = next(line for line in lines if "不能为负数" in line)
    assert negative.split()[:2] == ["错误", sub.layout.cell(1, "funding")]
    assert lines[-1] == "共 1 个文件、1 张表：4 个错误，1 个提醒"


# ---------------------------------------------------------------- the issued template, filled in
OWN_ROW = {
    "主要工作内容": "建设市级知识产权公共服务网点",
    "拟设置项目": "知识产权公共服务网点建设",
    "金额": 20,
    "项目设置必要性": "完善公共服务体系",
    "项目设置政策依据": BASIS,
    "项目绩效": "新建服务网点3个",
}


def filled_template(own_amount: object = 20) -> bytes:
    """The issued 表四 of 清远市 filled with openpyxl (its 合计 formula without a cached value)."""
    taken = {"高价值专利培育布局中心建设": 50, "知识产权纠纷多元化解": 30.5}
    return fill_template("清远市", taken, OWN_ROW | {"金额": own_amount})


def test_filled_template_validates_clean(tmp_path):
    data = filled_template()
    path = write(tmp_path, "2024年度知识产权项目需求征集表（四）-清远市.xlsx", data)
    result = run("--json", path)
    [report] = json.loads(result.stdout)
    assert [i for i in report["issues"] if i["severity"] == "error"] == []
    assert (report["table"], report["unit"], report["rows"], report["total"]) == (
        "表四",
        "清远市",
        3,
        "100.5",
    )
    assert result.exit_code == 0


def test_annotate_round_trip_keeps_every_value_and_formula(tmp_path):
    data = filled_template(own_amount=-20)  # one planted error: a negative amount
    path = write(tmp_path, "清远市-表四.xlsx", data)
    out_dir = tmp_path / "标注"
    result = run("--json", "--annotate", out_dir, path)
    assert result.exit_code == 1
    json.loads(result.stdout)  # stdout holds only the JSON
    annotated = out_dir / "清远市-表四-标注.xlsx"
    assert f"已写出标注文件：{annotated}" in result.stderr

    before = load_workbook(io.BytesIO(data))
    after = load_workbook(annotated)
    assert after.sheetnames == [*before.sheetnames, "问题清单"]
    for ws in before.worksheets:
        kept = after[ws.title]
        assert ws.sheet_state == kept.sheet_state
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    assert kept[c.coordinate].value == c.value, (ws.title, c.coordinate)
        assert str(kept.merged_cells) == str(ws.merged_cells)
        assert len(kept.data_validations.dataValidation) == len(ws.data_validations.dataValidation)
    [issue] = [i for i in json.loads(result.stdout)[0]["issues"] if i["severity"] == "error"]
    cell = after.worksheets[0][issue["cell"]]
    assert (cell.value, cell.comment.text) == (-20, "【错误】金额不能为负数")
    problems = after["问题清单"]
    links = [c.hyperlink.location for c in problems["E"] if c.hyperlink is not None]
    assert f"'{after.worksheets[0].title}'!{cell.coordinate}" in links


def test_annotate_a_word_table(tmp_path):
    rows = [project("知识产权管理", "知识产权统计监测", -3, performance=PERFORMANCE)]
    sub = Submission("表四", rows=rows, unit="梅州市")
    path = write(tmp_path, "梅州市-表四.docx", sub.docx())
    result = run("--json", "--annotate", tmp_path / "out", path)
    [report] = json.loads(result.stdout)
    [issue] = [i for i in report["issues"] if i["severity"] == "error"]
    assert (report["sheet"], issue["code"]) == ("表格1", "amount.negative")
    wb = load_workbook(tmp_path / "out" / "梅州市-表四-标注.xlsx")
    assert wb.sheetnames == ["表格1", "问题清单"]
    assert wb["表格1"][issue["cell"]].value == "-3"  # a Word cell is text, written back as such
    assert wb["表格1"][issue["cell"]].comment.text == "【错误】金额不能为负数"


@pytest.mark.parametrize("flag", ["--json", None])
def test_unreadable_file_is_not_annotated(tmp_path, flag):
    path = write(tmp_path, "坏文件.xlsx", b"")
    args = [a for a in (flag, "--annotate", tmp_path / "out", path) if a is not None]
    result = run(*args)
    assert result.exit_code == 2
    assert "坏文件.xlsx：文件无法读取，未生成标注文件" in result.stderr
    assert not (tmp_path / "out" / "坏文件-标注.xlsx").exists()


# ---------------------------------------------------------------- examples/
def test_examples_validate_as_the_readme_says():
    names = [
        "清远市-表四.xlsx",
        "韶关市-表四（手工表）.xlsx",
        "河源市-表一.xlsx",
        "梅州市-表四.docx",
        f"清远市-预算表-{NAVIGATION}.xlsx",
    ]
    result = run("--json", *(EXAMPLES / n for n in names))
    reports = json.loads(result.stdout)
    assert [(r["file"], r["table"], r["unit"], r["ok"]) for r in reports] == [
        ("清远市-表四.xlsx", "表四", "清远市", True),
        ("韶关市-表四（手工表）.xlsx", "表四", "韶关市", True),
        ("河源市-表一.xlsx", "表一", "河源市", False),
        ("梅州市-表四.docx", "表四", "梅州市", True),
        (f"清远市-预算表-{NAVIGATION}.xlsx", "预算表", "清远市", True),
    ]
    assert [len([i for i in r["issues"] if i["severity"] == "error"]) for r in reports] == [
        0,
        0,
        4,
        0,
        0,
    ]
    assert [r["total"] for r in reports] == ["195.5", "137.5", "234.5", "55", "60"]
    assert result.exit_code == 1


def test_round_option(tmp_path):
    path = write(tmp_path, "清远市-表四.xlsx", clean_table_four().xlsx())
    missing = run("--round", tmp_path / "没有的轮次.toml", path)
    assert missing.exit_code == 2 and "找不到轮次配置文件" in missing.stderr
    # the county round of 衡阳市 has no 清远市: the file's unit cannot be told there
    [report] = json.loads(run("--json", "--round", "hengyang-2024", path).stdout)
    assert report["unit"] is None

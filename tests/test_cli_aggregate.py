"""``budget-planner aggregate``: a whole synthetic round through the CLI, its JSON (DESIGN §5) checked
against what the files say, and the consolidated workbook checked against the JSON."""

from __future__ import annotations

import json
import time
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from builders import Submission, project
from click.testing import CliRunner
from openpyxl import load_workbook
from synthetic_round import AT_SUM, HYPERLINK, PLUS, control_workbook, write_round

from budget_planner.cli import main
from budget_planner.templates.round import load_round

ROUND = load_round()
COLLECTION = ("表一", "表二", "表三", "表四")


@pytest.fixture(scope="module", autouse=True)
def _stop_parse_workers():
    """Leave no default parse pool behind for the tests that follow."""
    yield
    from budget_planner.validators.intake.worker import shutdown

    shutdown()


def invoke(*args: object):
    return CliRunner().invoke(main, ["aggregate", *map(str, args)])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("round")
    inputs = base / "报送"
    expected = write_round(inputs)
    (inputs / "~$广州市-表四.xlsx").write_bytes(b"an Excel lock file")
    (inputs / "广州市-表四-标注.xlsx").write_bytes(b"an annotated copy: never aggregated")
    control = base / "控制数.xlsx"
    control.write_bytes(control_workbook(expected.control))
    out = base / "输出" / "2024年度汇总.xlsx"
    start = time.perf_counter()
    result = invoke(inputs, "--out", out, "--control", control, "--json")
    elapsed = time.perf_counter() - start
    return expected, result, json.loads(result.stdout), out, elapsed


def money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def test_exit_code_stdout_and_time(run):
    _, result, data, out, elapsed = run
    assert result.exit_code == 1  # some counted files have errors; being over is not a reason
    assert result.stdout.lstrip().startswith("{")  # nothing but the JSON on stdout
    assert f"汇总表已写出：{out}" in result.stderr
    assert "校验报送文件" in result.stderr  # the progress bar of a long batch
    assert data["workbook"] == str(out) and out.is_file()
    assert elapsed < 20, f"aggregating the round took {elapsed:.1f} s"


def test_units_tables_and_chosen_versions(run):
    expected, _, data, _, _ = run
    got = {
        (u, t): (money(v["total"]), v["rows"], v["file"], v["version"])
        for u, tables in data["units"].items()
        for t, v in tables.items()
        if t != "预算表"
    }
    want = {
        (u, t): (total, expected.rows[u][t], expected.files[(u, t)], expected.versions[(u, t)])
        for u, tables in expected.totals.items()
        for t, total in tables.items()
    }
    assert got == want
    assert list(data["units"]) == [
        u.short_name for u in ROUND.units if u.short_name in data["units"]
    ]
    assert data["units"]["佛山市"]["表四"]["total"] == "150"  # the newer document, not the name
    assert data["units"]["东莞市"]["表四"]["versions"] == 3


def test_table_totals_and_categories_agree_with_the_files_own_reports(run):
    expected, _, data, _, _ = run
    for table in COLLECTION:
        want = sum((t.get(table, Decimal(0)) for t in expected.totals.values()), Decimal(0))
        assert money(data["tables"][table]["total"]) == want, table
    assert money(data["total"]) == sum(
        (a for t in expected.totals.values() for a in t.values()), Decimal(0)
    )
    # by 类型: the sum of the counted files' own totals_by_category (validation's figures)
    counted = {
        v["file"] for tables in data["units"].values() for t, v in tables.items() if v["file"]
    }
    by_category: Counter = Counter()
    for report in data["files"]:
        if report["file"] in counted and report["table"] == "表四":
            by_category.update({c: Decimal(a) for c, a in report["totals_by_category"].items()})
    got = {c: Decimal(a) for c, a in data["tables"]["表四"]["by_category"].items()}
    assert got == {c: a for c, a in by_category.items()}
    assert data["tables"]["表二"]["by_category"] == {}


def test_missing_superseded_flagged_and_unassigned(run):
    expected, _, data, _, _ = run
    assert data["missing"] == expected.missing(ROUND) == [["汕尾市", "表四"], ["云浮市", "表四"]]
    got = sorted((s["unit"], s["table"], s["file"], s["version"]) for s in data["superseded"])
    assert got == sorted(expected.superseded)
    reason = next(s["reason"] for s in data["superseded"] if s["unit"] == "佛山市")
    assert reason.startswith(f"被较新的版本取代：{expected.files[('佛山市', '表四')]}（第 2 版；")
    flagged = {(f["unit"], f["table"]) for f in data["flagged"]}
    assert flagged == {("东莞市", "表四"), ("湛江市", "表三"), ("珠海市", "预算表")}
    assert [u["file"] for u in data["unassigned"]] == expected.unassigned
    files = {r["file"] for r in data["files"]}
    assert not any("~$" in f or f.endswith("-标注.xlsx") for f in files)


def test_reconciliation_against_control_numbers(run):
    expected, _, data, _, _ = run
    assert [r["unit"] for r in data["reconciliation"]] == [u.short_name for u in ROUND.units]
    for line in data["reconciliation"]:
        unit = line["unit"]
        requested = expected.totals.get(unit, {}).get("表四", Decimal(0))
        control = expected.control[unit]
        assert money(line["requested"]) == requested, unit
        assert money(line["control"]) == control, unit
        assert money(line["difference"]) == requested - control, unit
        assert line["over"] is (requested > control), unit
    assert [r["unit"] for r in data["reconciliation"] if r["over"]] == expected.over()
    assert expected.over() == ["广州市", "深圳市"]
    guangzhou = data["reconciliation"][0]
    assert (guangzhou["requested"], guangzhou["difference"]) == ("62.5001", "0.0001")  # 1 元 over
    assert money(data["control_total"]) == sum(expected.control.values(), Decimal(0))
    assert data["control_file"]["ok"] is True


def test_budget_forms_in_the_json(run):
    expected, _, data, _, _ = run
    budgets = data["units"]["珠海市"]["预算表"]
    assert budgets["rows"] == 2
    assert {p: money(v["total"]) for p, v in budgets["projects"].items()} == {
        p: total for (u, p), total in expected.budgets.items() if u == "珠海市"
    }
    assert money(budgets["total"]) == sum(expected.budgets.values(), Decimal(0))
    mismatched = [(u, p) for u, t in data["units"].items()
                  for p, v in t.get("预算表", {}).get("projects", {}).items() if v["row_mismatch"]]  # fmt: skip
    assert mismatched == expected.mismatched_budgets
    assert money(data["tables"]["预算表"]["total"]) == sum(expected.budgets.values(), Decimal(0))


def rows_of(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_workbook_sheets_agree_with_the_json(run):
    _, _, data, out, _ = run
    wb = load_workbook(out, data_only=True)
    for table in COLLECTION:
        rows = rows_of(wb[table])
        header = rows[2]
        amount = header.index(
            next(h for h in header if h in ("金额", "经费安排(万元)", "后补助经费"))
        )
        subtotals = {r[0][: -len(" 小计")]: r[amount] for r in rows if str(r[0]).endswith(" 小计")}
        want = {
            u: float(Decimal(t[table]["total"])) for u, t in data["units"].items() if table in t
        }
        assert subtotals == want, table
        [total] = [r[amount] for r in rows if r[0] == "总计"]
        assert total == float(Decimal(data["tables"][table]["total"])), table
        details = [r for r in rows[3:] if r[0] in data["units"]]
        assert len(details) == sum(t[table]["rows"] for t in data["units"].values() if table in t)
    pivot = {r[0]: r[-1] for r in rows_of(wb["单位×类型"])[3:]}
    assert pivot["合计"] == float(Decimal(data["total"]))
    for unit, tables in data["units"].items():
        unit_total = sum(
            (Decimal(v["total"]) for t, v in tables.items() if t != "预算表"), Decimal(0)
        )
        assert pivot[unit] == float(unit_total), unit
    rec = {r[0]: r for r in rows_of(wb["预算核对"])[3:24]}
    for line in data["reconciliation"]:
        row = rec[line["unit"]]
        assert row[1:4] == [float(money(line[k])) for k in ("control", "requested", "difference")]
        sent = "表四" in data["units"].get(line["unit"], {})
        want = "申报超出控制数" if line["over"] else "未超出"
        if line["control"] is None:
            want = "控制数未设定"
        assert row[5] == (want if sent else "未报表四")
    budget_rows = rows_of(wb["预算表"])
    [budget_total] = [r for r in budget_rows if r[0] == "总计"]
    assert float(Decimal(data["tables"]["预算表"]["total"])) in budget_total
    readme = {r[0]: r[1] for r in rows_of(wb["说明"])}
    assert readme["全省申报合计（表一至表四）"] == float(Decimal(data["total"]))
    assert readme["超出控制数的单位"].startswith("2 个：广州市（超出 0.0001）、深圳市")
    assert readme["缺报（必报表未提交）"] == "2 项：汕尾市表四、云浮市表四"
    status = {r[0]: r[4] for r in rows_of(wb["完成情况"])[3:24]}
    assert [u for u, s in status.items() if s == "未提交"] == ["汕尾市", "云浮市"]
    assert status["东莞市"] == "有错误"
    problems = rows_of(wb["问题汇总"])[3:]
    errors = [r for r in problems if r[6] == "错误"]
    assert {(r[0], r[3], r[7]) for r in errors} == {
        ("东莞市", "计入汇总", "金额为负数"),  # the problem's title: no codes in a workbook
        ("湛江市", "计入汇总", "类型不在列表中"),
        ("珠海市", "计入汇总", "预算表与需求表金额不符"),
        (None, "未计入", "无法识别填报单位"),  # no unit to show
    }


def test_workbook_charts_and_formula_like_text(run):
    _, _, _, out, _ = run
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
    ws = load_workbook(out)["表四"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (HYPERLINK, PLUS, AT_SUM):
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def clean_t4(unit: str, amount: int) -> bytes:
    rows = [project("知识产权管理", f"{unit}管理能力提升", amount)]
    return Submission("表四", rows=rows, unit=unit).xlsx()


def test_a_clean_batch_exits_0_even_over_its_control_number(tmp_path):
    write(tmp_path / "in" / "清远市-表四.xlsx", clean_t4("清远市", 120))
    control = write(tmp_path / "控制数.csv", "单位,控制数\n清远市,100\n".encode("gb18030"))
    result = invoke(tmp_path / "in", "--out", tmp_path / "汇总.xlsx", "--control", control)
    assert result.exit_code == 0, result.output
    assert "超出控制数的单位：清远市" in result.stdout
    assert "全省申报合计（表一至表四）：120 万元" in result.stdout
    assert result.stderr == ""  # a short batch shows no progress bar


def test_an_unreadable_file_exits_2_but_the_rest_is_aggregated(tmp_path):
    good = write(tmp_path / "清远市-表四.xlsx", clean_t4("清远市", 50))
    bad = write(tmp_path / "韶关市-表四.xlsx", b"this is not a workbook at all")
    out = tmp_path / "汇总.xlsx"
    result = invoke(good, bad, "--out", out, "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["units"]["清远市"]["表四"]["total"] == "50"
    assert [u["file"] for u in data["unrecognised"]] == [str(bad)]
    assert out.is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["不存在的文件夹"], "找不到文件或文件夹“不存在的文件夹”"),
        (["{empty}"], "没有找到要汇总的文件"),
    ],
)
def test_usage_errors_exit_2_with_a_chinese_message(tmp_path, args, message):
    (tmp_path / "空").mkdir()
    args = [a.format(empty=tmp_path / "空") for a in args]
    result = invoke(*args, "--out", tmp_path / "汇总.xlsx")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_an_unreadable_control_file_exits_2(tmp_path):
    good = write(tmp_path / "清远市-表四.xlsx", clean_t4("清远市", 50))
    control = write(tmp_path / "控制数.xlsx", b"<html>not a workbook</html>")
    result = invoke(good, "--out", tmp_path / "汇总.xlsx", "--control", control)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：")


def test_a_control_workbook_inside_the_folder_is_not_taken_for_a_submission(tmp_path):
    write(tmp_path / "in" / "清远市-表四.xlsx", clean_t4("清远市", 50))
    control = write(tmp_path / "in" / "控制数.xlsx", control_workbook({"清远市": Decimal(60)}))
    out = tmp_path / "in" / "汇总.xlsx"
    first = invoke(tmp_path / "in", "--out", out, "--control", control, "--json")
    again = invoke(tmp_path / "in", "--out", out, "--control", control, "--json")
    for result in (first, again):  # the second run does not read the first run's workbook
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert [f["file"] for f in data["files"]] == [str(tmp_path / "in" / "清远市-表四.xlsx")]


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO_FILES = [
    "广州市-表四.xlsx", "深圳市-表四.xlsx", "深圳市-表一.xlsx", "佛山市-表四.xlsx", "佛山市-表二.xlsx",
    "东莞市-表四.xlsx", "东莞市-表四（旧版）.xlsx", "湛江市-表四.xlsx", "湛江市-表三.xlsx",
    "肇庆市-表四.xlsx", "肇庆市-预算表-知识产权联盟及专利池建设项目.xlsx", "控制数.csv",
]  # fmt: skip


def test_the_demo_round_in_examples(tmp_path):
    """The README's tour: aggregate examples/ against its control numbers."""
    for name in DEMO_FILES:
        assert (EXAMPLES / name).stat().st_size < 30_000, name
    result = invoke(
        EXAMPLES, "--control", EXAMPLES / "控制数.csv", "--out", tmp_path / "汇总.xlsx", "--json"
    )
    data = json.loads(result.stdout)
    assert result.exit_code == 1  # 河源市's 表一 carries planted errors
    assert data["over"] == ["深圳市"]
    shenzhen = next(r for r in data["reconciliation"] if r["unit"] == "深圳市")
    assert (shenzhen["control"], shenzhen["requested"], shenzhen["difference"]) == (
        "300",
        "337.5",
        "37.5",
    )
    dongguan = data["units"]["东莞市"]["表四"]
    assert (Path(dongguan["file"]).name, dongguan["version"], dongguan["total"]) == (
        "东莞市-表四.xlsx",
        2,
        "175",
    )
    assert [Path(s["file"]).name for s in data["superseded"]] == ["东莞市-表四（旧版）.xlsx"]
    assert data["unrecognised"] == [] and data["unassigned"] == []
    assert (
        data["units"]["肇庆市"]["预算表"]["projects"]["知识产权联盟及专利池建设项目"][
            "row_mismatch"
        ]
        is False
    )
    assert data["control_file"]["ok"] is True


def test_the_workbook_names_files_not_the_folders_they_were_read_from(run):
    """The JSON keeps the paths as given; the workbook a person reads shows file names only."""
    _, _, data, out, _ = run
    folder = str(out.parent.parent)
    assert any(s["file"].startswith(folder) for s in data["superseded"])  # paths in the JSON
    wb = load_workbook(out, data_only=True)
    texts = [str(c) for ws in wb.worksheets for row in rows_of(ws) for c in row if c]
    assert not [t for t in texts if folder in t]
    sources = {r[0] for r in rows_of(wb["说明"]) if r[0] and str(r[0]).endswith(".xlsx")}
    assert "佛山市-表四.xlsx" in sources and "控制数.xlsx" in {r[1] for r in rows_of(wb["说明"])}

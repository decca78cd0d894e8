"""`budget-planner templates` and `demo`: the file names of DESIGN §5, units as configuration."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from template_books import load, metadata_pairs

from budget_planner.cli import main
from budget_planner.templates import metadata

BLANK = [
    "2024年度知识产权项目需求征集表（一）.xlsx",
    "2024年度知识产权项目需求征集表（二）.xlsx",
    "2024年度知识产权项目需求征集表（三）.xlsx",
    "2024年度知识产权项目需求征集表（四）.xlsx",
    "项目支出预算明细表.xlsx",
]


def personal(suffix: str, names=BLANK) -> list[str]:
    return [n.replace(".xlsx", f"-{suffix}.xlsx") for n in names]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_templates_writes_the_blank_set(tmp_path):
    result = run("templates", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(BLANK)
    assert [Path(line).name for line in result.stdout.splitlines()] == BLANK


def test_templates_for_a_unit_by_short_or_full_name(tmp_path):
    result = run(
        "templates",
        "--out",
        str(tmp_path),
        "--unit",
        "清远市",
        "--unit",
        "清远市市场监督管理局(知识产权局)",  # the same unit, half-width brackets: written once
        "--unit",
        "韶关",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        personal("清远市") + personal("韶关市")
    )
    wb = load(tmp_path / "2024年度知识产权项目需求征集表（四）-清远市.xlsx")
    assert metadata.parse(metadata_pairs(wb))["unit"] == "清远市"
    assert wb["表四"]["C3"].value == "清远市市场监督管理局（知识产权局）"


def test_an_unknown_unit_is_a_usage_error_in_chinese(tmp_path):
    result = run(
        "templates", "--out", str(tmp_path / "out"), "--unit", "清远市", "--unit", "火星市"
    )
    assert result.exit_code == 2
    assert "错误：" in result.stderr and "“火星市”" in result.stderr
    assert "清远市" in result.stderr and "--round" in result.stderr  # how to find the valid names
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()  # nothing written when a name is wrong


def test_the_county_round_works_too(tmp_path):
    result = run(
        "templates", "--round", "hengyang-2024", "--out", str(tmp_path), "--unit", "衡南县"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(personal("衡南县"))
    wb = load(tmp_path / "2024年度知识产权项目需求征集表（四）-衡南县.xlsx")
    meta = metadata.parse(metadata_pairs(wb))
    assert (meta["round"], meta["unit"]) == ("hengyang-2024", "衡南县")
    assert wb["表四"]["C3"].value == "衡南县市场监督管理局"


def test_a_park_gets_only_the_tables_it_may_send(tmp_path, province_round):
    # 高新区 owes the 预算表 and may send 表四 (requirements.parks of the Hengyang round)
    result = run(
        "templates", "--round", "hengyang-2024", "--out", str(tmp_path), "--unit", "高新区"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        personal("高新区", [BLANK[3], BLANK[4]])
    )


def test_hengyang_units_are_not_province_units(tmp_path):
    result = run("templates", "--out", str(tmp_path), "--unit", "衡南县")
    assert result.exit_code == 2 and "衡南县" in result.stderr


def test_demo_writes_blank_and_personalised_templates(tmp_path, capsys):
    # run_demo is the offline demo's core (the `demo` command itself may serve the site instead)
    from budget_planner.demo import run_demo

    written = run_demo(tmp_path / "demo-out")
    names = sorted(p.name for p in (tmp_path / "demo-out").rglob("*.xlsx"))
    assert sorted(p.name for p in written) == names == sorted(BLANK + personal("清远市"))
    out = capsys.readouterr().out
    assert (
        "已生成空白模板 5 个" in out
        and "清远市市场监督管理局（知识产权局）的个性化模板 5 个" in out
    )

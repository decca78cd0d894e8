"""The command line: thin click commands over the core. Heavy libraries are imported inside commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from budget_planner.errors import BudgetPlannerError

ROUND_OPTION = click.option(
    "--round",
    "round_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="轮次配置文件（TOML）；默认为内置的广东省 2024 年度轮次。",
)


def _load_round(round_file: Path | None):
    from budget_planner.templates.round import load_round

    return load_round(round_file)


class _Group(click.Group):
    """Turns BudgetPlannerError into a Chinese message and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BudgetPlannerError as exc:
            click.echo(f"错误：{exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="budget-planner")
def main() -> None:
    """知识产权项目需求征集与预算编制：下发模板、校验报送文件、汇总核对。"""


@main.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="输出目录",
)
@click.option("--unit", "units", multiple=True, help="为该单位生成个性化模板（简称或全称），可重复")
@ROUND_OPTION
def templates(out_dir: Path, units: tuple[str, ...], round_file: Path | None) -> None:
    """生成空白模板（表一至表四、项目支出预算明细表）。"""
    from budget_planner.templates.writer import write_template_set

    round_ = _load_round(round_file)
    for path in write_template_set(round_, out_dir, units):
        click.echo(str(path))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="只在标准输出打印 JSON 报告（一个数组）")
@click.option(
    "--annotate",
    "annotate_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="把每个文件标注问题后写到该目录：<文件名>-标注.xlsx",
)
@click.option("--unit", "unit", default=None, help="报送单位（简称或全称），文件中无法识别时使用")
@ROUND_OPTION
def validate(
    files: tuple[Path, ...],
    as_json: bool,
    annotate_dir: Path | None,
    unit: str | None,
    round_file: Path | None,
) -> None:
    """校验报送文件，逐个单元格指出问题。退出码：0 无错误，1 有错误，2 用法错误或文件无法读取。"""
    from budget_planner.validators.command import run
    from budget_planner.validators.terminal import render

    outcome = run(files, _load_round(round_file), unit=unit, annotate_dir=annotate_dir)
    click.echo(outcome.json() if as_json else render(outcome.reports), nl=as_json)
    for note in outcome.notes:
        click.echo(note, err=True)
    sys.exit(outcome.exit_code)


@main.command()
def demo() -> None:
    """在内置示例上运行主流程，输出到 ./demo-out。"""
    from budget_planner.demo import run_demo

    run_demo(Path("demo-out"))


if __name__ == "__main__":  # pragma: no cover
    main()

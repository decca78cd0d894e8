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
def demo() -> None:
    """在内置示例上运行主流程，输出到 ./demo-out。"""
    from budget_planner.demo import run_demo

    run_demo(Path("demo-out"))


if __name__ == "__main__":  # pragma: no cover
    main()

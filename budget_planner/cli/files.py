"""Commands on files: issue templates, validate submissions, aggregate a round."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO, cast

import click

from budget_planner.cli.base import ROUND_OPTION, end, load_round, main


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

    round_ = load_round(round_file)
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
    from budget_planner.app.validate import run
    from budget_planner.validators.report.terminal import render

    outcome = run(files, load_round(round_file), unit=unit, annotate_dir=annotate_dir)
    click.echo(outcome.json() if as_json else render(outcome.reports), nl=as_json)
    for note in outcome.notes:
        click.echo(note, err=True)
    end(outcome.exit_code)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="汇总表（.xlsx）写到这里",
)
@click.option(
    "--control",
    "control_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="控制数文件（.xlsx 或 .csv，列：单位、控制数）",
)
@click.option(
    "--last-year",
    "last_year_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="上年分配方案（.xlsx）：标出延续项目，并按单位、类型与上年对比",
)
@click.option("--json", "as_json", is_flag=True, help="只在标准输出打印汇总 JSON")
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="校验结果缓存目录：同一文件再次汇总时不再重复校验（默认：用户缓存目录下的 budget-planner）",
)
@click.option("--no-cache", "no_cache", is_flag=True, help="不读也不写校验结果缓存")
@ROUND_OPTION
def aggregate(
    paths: tuple[Path, ...],
    out_file: Path,
    control_file: Path | None,
    last_year_file: Path | None,
    as_json: bool,
    cache_dir: Path | None,
    no_cache: bool,
    round_file: Path | None,
) -> None:
    """校验并汇总一批报送文件（可给文件夹），写出汇总表并与控制数核对。

    同一单位同一张表有多个文件时取最新版本。每个文件的校验结果保存在缓存目录中（按文件内容、文件名、
    轮次与程序版本区分），再次汇总同样的文件时直接取用。退出码：0 无错误，1 计入汇总的文件有错误，
    2 用法错误或文件无法读取；超出控制数不影响退出码。
    """
    from budget_planner.app.aggregate import LONG_BATCH, collect_files, run_aggregate
    from budget_planner.app.report_cache import default_dir

    round_ = load_round(round_file)
    cache = None if no_cache else (cache_dir or default_dir())
    count = len(collect_files(paths, skip=[out_file, last_year_file]))
    show = count > 1 and (sys.stderr.isatty() or count >= LONG_BATCH)
    with click.progressbar(
        length=count, label="校验报送文件", file=sys.stderr if show else cast(TextIO, _Null())
    ) as bar:
        result = run_aggregate(
            paths,
            round_,
            out_file,
            control_path=control_file,
            last_year_path=last_year_file,
            progress=bar.update,
            cache=cache,
        )
    click.echo(result.json() if as_json else result.text())
    if as_json:
        click.echo(f"汇总表已写出：{result.written}", err=True)
    if result.cache_hits:
        click.echo(f"{result.cache_hits} 个文件未改动，校验结果取自缓存（{cache}）", err=True)
    end(result.exit_code)


class _Null:
    """A stream that swallows the progress bar of a short batch."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

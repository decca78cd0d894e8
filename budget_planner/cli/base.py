"""The click group and what every command shares: the --round option, error translation, the exit."""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

import click

from budget_planner.errors import BudgetPlannerError

ROUND_OPTION = click.option(
    "--round",
    "round_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="轮次配置文件（TOML）；默认为内置的广东省 2024 年度轮次。",
)


def load_round(round_file: Path | None):
    """The round of ``--round`` (a TOML file or a shipped round's name), else the default."""
    from budget_planner.templates import round as rounds

    return rounds.load_round(round_file)


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


def end(code: int) -> NoReturn:
    """Exit with ``code``. As a real process (not under a test's runner), without the interpreter's
    teardown: freeing a large batch's objects one by one takes up to a second at 50,000 rows, after
    the work is done. The parse workers are stopped and the output flushed first."""
    if sys.stdout is sys.__stdout__ and "pytest" not in sys.modules:
        # the parse workers, if any were started (a run that parsed nothing never loaded them)
        worker = sys.modules.get("budget_planner.validators.intake.worker")
        if worker is not None:
            worker.shutdown()
        for stream in (sys.stdout, sys.stderr):
            # a closed pipe (| head): nothing more to say
            with suppress(OSError, ValueError, AttributeError):  # (None without a console)
                stream.flush()  # type: ignore[union-attr]
        os._exit(code)
    sys.exit(code)

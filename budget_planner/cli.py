"""The command line: thin click commands over the core. Heavy libraries are imported inside commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
    _end(outcome.exit_code)


def _end(code: int) -> NoReturn:
    """Exit with ``code``. As a real process (not under a test's runner), without the interpreter's
    teardown: freeing a large batch's objects one by one takes up to a second at 50,000 rows, after
    the work is done. The parse workers are stopped and the output flushed first."""
    if sys.stdout is sys.__stdout__ and "pytest" not in sys.modules:
        from budget_planner.validators import worker

        worker.shutdown()
        for stream in (sys.stdout, sys.stderr):
            # a closed pipe (| head): nothing more to say
            with suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)


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
@click.option("--json", "as_json", is_flag=True, help="只在标准输出打印汇总 JSON")
@ROUND_OPTION
def aggregate(
    paths: tuple[Path, ...],
    out_file: Path,
    control_file: Path | None,
    as_json: bool,
    round_file: Path | None,
) -> None:
    """校验并汇总一批报送文件（可给文件夹），写出汇总表并与控制数核对。

    同一单位同一张表有多个文件时取最新版本。退出码：0 无错误，1 计入汇总的文件有错误，
    2 用法错误或文件无法读取；超出控制数不影响退出码。
    """
    from budget_planner.aggregate.batch import LONG_BATCH, collect_files, run_aggregate

    round_ = _load_round(round_file)
    count = len(collect_files(paths, skip=out_file))
    show = count > 1 and (sys.stderr.isatty() or count >= LONG_BATCH)
    with click.progressbar(
        length=count, label="校验报送文件", file=sys.stderr if show else _Null()
    ) as bar:
        result = run_aggregate(
            paths, round_, out_file, control_path=control_file, progress=bar.update
        )
    click.echo(result.json() if as_json else result.text())
    if as_json:
        click.echo(f"汇总表已写出：{result.written}", err=True)
    _end(result.exit_code)


class _Null:
    """A stream that swallows the progress bar of a short batch."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@main.command()
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option(
    "--instance",
    "instance_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="实例目录：演示数据库 demo.sqlite3 和会话密钥放在这里",
)
def demo(port: int, instance_dir: Path) -> None:
    """准备演示数据（示例轮次、演示账号、examples/ 中的示例报送）并在 127.0.0.1 上运行站点。"""
    from budget_planner.web.server import run_demo

    run_demo(port, instance_dir)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option(
    "--instance",
    "instance_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="实例目录（默认 SQLite 数据库和会话密钥所在位置）",
)
@click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=None,
    help="数据库地址；默认读取环境变量 DATABASE_URL，未设置时使用实例目录中的 SQLite",
)
def serve(host: str, port: int, instance_dir: Path, database_url: str | None) -> None:
    """用 waitress 运行报送网站（使用已配置的数据库）。"""
    from budget_planner.web.server import serve_site

    serve_site(host, port, instance_dir, database_url)


# ---------------------------------------------------------------- database and accounts (storage)

DB_OPTIONS = (
    click.option(
        "--instance",
        "instance_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("instance"),
        show_default=True,
        help="实例目录（默认 SQLite 数据库所在位置）。",
    ),
    click.option(
        "--database-url",
        envvar="DATABASE_URL",
        default=None,
        help="数据库地址，如 postgresql://用户@主机/库名；默认读取环境变量 DATABASE_URL，"
        "未设置时使用实例目录中的 SQLite。",
    ),
)


def _db_options(command):
    for option in reversed(DB_OPTIONS):
        command = option(command)
    return command


@contextmanager
def _database(instance_dir: Path, database_url: str | None) -> Iterator:
    """A session on a database migrated to the newest schema; the engine is closed afterwards."""
    from budget_planner.storage.db import make_engine, make_session_factory, upgrade

    engine = make_engine(database_url, instance_dir)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _round_toml(round_file: Path | None) -> str:
    from importlib import resources

    from budget_planner.templates.round import DEFAULT_ROUND

    if round_file is not None and round_file.is_file():
        return round_file.read_text("utf-8")
    stem = round_file.stem if round_file is not None else DEFAULT_ROUND
    return (
        resources.files("budget_planner.templates.rounds")
        .joinpath(f"{stem}.toml")
        .read_text("utf-8")
    )


def _stored_round_id(session, round_file: Path | None) -> str:
    from budget_planner.errors import UsageError
    from budget_planner.storage.rounds import get_round

    round_ = _load_round(round_file)
    if get_round(session, round_.id) is None:
        raise UsageError(f"数据库中还没有轮次 {round_.id}：请先运行 budget-planner round load")
    return round_.id


@main.group()
def db() -> None:
    """数据库维护。"""


@db.command("upgrade")
@_db_options
def db_upgrade(instance_dir: Path, database_url: str | None) -> None:
    """把数据库结构升级到最新版本（首次运行时建表）。"""
    from budget_planner.storage.db import current_revision

    with _database(instance_dir, database_url) as session:
        engine = session.get_bind()
        click.echo(f"数据库已是最新结构（版本 {current_revision(engine)}）：{engine.url!r}")


@main.group("round")
def round_group() -> None:
    """征集轮次：导入、开放、关闭。"""


@round_group.command("load")
@ROUND_OPTION
@click.option("--open", "open_now", is_flag=True, help="导入后立即开放征集。")
@_db_options
def round_load(
    round_file: Path | None, open_now: bool, instance_dir: Path, database_url: str | None
) -> None:
    """按轮次配置创建轮次及其单位；重复运行只更新有变化的内容。"""
    from budget_planner.storage.models import RoundStatus
    from budget_planner.storage.rounds import load_round_into_db, open_round

    round_ = _load_round(round_file)
    with _database(instance_dir, database_url) as session:
        stored = load_round_into_db(session, round_, _round_toml(round_file))
        if open_now:
            stored = open_round(session, stored.id)
        status = RoundStatus(stored.status).label
        click.echo(f"轮次 {stored.id}“{stored.title}”：{len(stored.units)} 个单位，{status}")


def _round_status_command(name: str, verb: str):
    @round_group.command(name, help=f"{verb}征集（默认轮次为内置的广东省 2024 年度）。")
    @ROUND_OPTION
    @_db_options
    def command(round_file: Path | None, instance_dir: Path, database_url: str | None) -> None:
        from budget_planner.storage import rounds

        with _database(instance_dir, database_url) as session:
            round_id = _stored_round_id(session, round_file)
            getattr(rounds, f"{name}_round")(session, round_id)
            click.echo(f"轮次 {round_id} 已{verb}征集")

    return command


_round_status_command("open", "开放")
_round_status_command("close", "关闭")


@main.group()
def accounts() -> None:
    """账号管理：为各单位批量开户、添加账号、重置密码。"""


@accounts.command("create")
@ROUND_OPTION
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="把账号和一次性密码写入该 Excel 文件（不在屏幕上显示密码）。",
)
@_db_options
def accounts_create(
    round_file: Path | None, out_file: Path | None, instance_dir: Path, database_url: str | None
) -> None:
    """为轮次中的每个单位创建账号（用户名为单位简称）并生成一次性密码。"""
    from budget_planner.storage.accounts import create_unit_accounts

    with _database(instance_dir, database_url) as session:
        round_id = _stored_round_id(session, round_file)
        created = create_unit_accounts(session, round_id)
        total = len(_round_units(session, round_id))
    skipped = total - len(created)
    if out_file is not None and created:
        from budget_planner.export.accounts import write_accounts

        try:
            write_accounts(
                out_file, created, title=f"{_load_round(round_file).title}：报送单位账号"
            )
            click.echo(f"已创建 {len(created)} 个账号，账号和一次性密码已写入 {out_file}")
            created = []
        except OSError as exc:  # the accounts exist now: never lose their passwords
            click.echo(f"无法写入 {out_file}（{exc.strerror}），账号和一次性密码如下：", err=True)
    if created:
        click.echo("单位\t用户名\t一次性密码")
        for account in created:
            click.echo(f"{account.unit}\t{account.username}\t{account.password}")
        click.echo(f"已创建 {len(created)} 个账号", err=True)
    elif total == skipped:
        click.echo("没有需要新建的账号", err=True)
    if skipped:
        click.echo(
            f"另有 {skipped} 个单位已有账号，未改动；如需新密码请用 budget-planner accounts reset 用户名",
            err=True,
        )


def _round_units(session, round_id: str) -> list:
    from budget_planner.storage.rounds import units

    return units(session, round_id, scope=None)


@accounts.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["admin", "finance", "unit"]),
    required=True,
    help="角色：admin 管理员（省局）、finance 财务、unit 报送单位。",
)
@click.option("--unit", "unit_name", default=None, help="报送单位账号所属单位（简称或全称）。")
@ROUND_OPTION
@_db_options
def accounts_add(
    username: str,
    role: str,
    unit_name: str | None,
    round_file: Path | None,
    instance_dir: Path,
    database_url: str | None,
) -> None:
    """添加一个账号并显示其一次性密码（首次登录须修改）。"""
    from budget_planner.errors import UsageError
    from budget_planner.storage.accounts import create_user, one_time_password
    from budget_planner.storage.rounds import find_unit

    if (role == "unit") != (unit_name is not None):
        raise UsageError("报送单位账号须用 --unit 指定单位；管理员和财务账号不能指定单位")
    with _database(instance_dir, database_url) as session:
        unit = None
        if unit_name is not None:
            round_id = _stored_round_id(session, round_file)
            unit = find_unit(session, round_id, unit_name, scope=None)
            if unit is None:
                raise UsageError(f"轮次 {round_id} 中没有单位“{unit_name}”")
        password = one_time_password()
        account = create_user(session, username, password, role, unit)
        click.echo(f"已创建账号 {account.username}，一次性密码：{password}")


@accounts.command("reset")
@click.argument("username")
@_db_options
def accounts_reset(username: str, instance_dir: Path, database_url: str | None) -> None:
    """为账号生成新的一次性密码（登录后须修改）。"""
    from budget_planner.storage.accounts import reset_password

    with _database(instance_dir, database_url) as session:
        password = reset_password(session, username)
        click.echo(f"账号 {username} 的新一次性密码：{password}")


if __name__ == "__main__":  # pragma: no cover
    main()
